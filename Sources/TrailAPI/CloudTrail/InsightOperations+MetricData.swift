import Foundation
import TrailDelivery
import TrailModel
import TrailStore

extension InsightOperations {
    /// One validated ListInsightsMetricData request.
    struct MetricDataRequest {
        var trail: Trail?
        var filter: InsightSeriesFilter
        var period: Int64
        var start: Int64
        var end: Int64
        var fillWithZeros: Bool
        var maxResults: Int

        /// The parameters a `NextToken` is bound to.
        var fingerprint: String {
            PageToken.fingerprint([
                trail?.trailARN ?? "", filter.region, filter.eventSource, filter.eventName, filter.insightType.rawValue,
                filter.errorCode ?? "", String(period), String(start), String(end), fillWithZeros ? "fill" : "nonzero",
            ])
        }
    }

    static func matches(_ value: String, _ allowed: (Unicode.Scalar) -> Bool) -> Bool {
        !value.isEmpty && value.unicodeScalars.allSatisfy(allowed)
    }

    static func isLowerAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-"
    }

    /// Checks the request against botocore's shapes and plan §3.5.
    func metricDataRequest(_ input: JSONInput, region: String) async throws -> MetricDataRequest {
        func invalid(_ message: String) -> APIError { Self.error("InvalidParameterException", message) }
        var trail: Trail?
        if let name = try input.string("TrailName"), !name.isEmpty {
            // AWS answers an unknown trail here with InvalidTrailNameException.
            let known = await catalog.all().contains { $0.name == name || $0.trailARN == name }
            guard known else { throw Self.error("InvalidTrailNameException", "Trail \(name) does not exist.") }
            trail = try await catalog.trail(name, accountID: account)
        }
        guard let source = try input.string("EventSource") else { throw invalid("EventSource is required.") }
        let suffix = ".amazonaws.com"
        guard source.utf8.count <= 256, source.hasSuffix(suffix),
            Self.matches(String(source.dropLast(suffix.count)), Self.isLowerAlphanumeric)
        else { throw invalid("EventSource \(source) is not valid; it must look like service.amazonaws.com.") }
        guard let name = try input.string("EventName") else { throw invalid("EventName is required.") }
        guard name.utf8.count <= 128,
            Self.matches(name, { ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || $0 == "_" })
        else { throw invalid("EventName \(name) is not valid.") }
        guard let typeName = try input.string("InsightType") else { throw invalid("InsightType is required.") }
        guard let type = InsightType(rawValue: typeName) else {
            throw invalid("InsightType \(typeName) is not valid; use ApiCallRateInsight or ApiErrorRateInsight.")
        }
        let errorCode = try input.string("ErrorCode").flatMap { $0.isEmpty ? nil : $0 }
        switch (type, errorCode) {
        case (.apiErrorRate, nil): throw invalid("ErrorCode is required when InsightType is ApiErrorRateInsight.")
        case (.apiCallRate, .some): throw invalid("ErrorCode is only valid when InsightType is ApiErrorRateInsight.")
        default: break
        }
        if let errorCode, errorCode.utf8.count > 128 { throw invalid("ErrorCode must be at most 128 characters.") }
        let period = Int64(try input.integer("Period") ?? 3600)
        guard let kept = Self.availability[period] else { throw invalid("Period must be 60, 300 or 3600 seconds.") }
        let dataType = try input.string("DataType") ?? "FillWithZeros"
        guard dataType == "FillWithZeros" || dataType == "NonZeroData" else {
            throw invalid("DataType must be FillWithZeros or NonZeroData, not \(dataType).")
        }
        let maxResults = try input.integer("MaxResults") ?? Self.maximumResults
        guard (1...Self.maximumResults).contains(maxResults) else {
            throw invalid("MaxResults must be between 1 and \(Self.maximumResults).")
        }
        let time = api.now()
        let end = try input.timestamp("EndTime") ?? time
        let start = try input.timestamp("StartTime") ?? (time - kept)
        guard start <= end else { throw invalid("StartTime must not be later than EndTime.") }
        // Periods are aligned to multiples of the period; data older than the availability is gone.
        let first = Swift.max(Self.floor(start, period), Self.floor(time - kept, period) + period)
        let filter = InsightSeriesFilter(
            account: account, region: region, eventSource: source, eventName: name,
            insightType: type, errorCode: errorCode)
        return MetricDataRequest(
            trail: trail, filter: filter, period: period, start: first, end: end,
            fillWithZeros: dataType == "FillWithZeros", maxResults: maxResults)
    }

    static func floor(_ value: Int64, _ unit: Int64) -> Int64 {
        value >= 0 ? value / unit * unit : -((-value + unit - 1) / unit) * unit
    }

    func listMetricData(_ input: JSONInput, region: String) async throws -> JSONOut {
        guard let store = api.insights else {
            throw Self.error("UnsupportedOperationException", "Insights is disabled on this server (insights.enabled).")
        }
        let request = try await metricDataRequest(input, region: region)
        var from = request.start
        if let token = try input.string("NextToken") {
            let parts = token.count <= 5000
                ? Data(base64Encoded: token).map { String(decoding: $0, as: UTF8.self).split(separator: ":") } ?? [] : []
            guard parts.count == 3, parts[0] == "m1", parts[2] == request.fingerprint, let next = Int64(parts[1]),
                next >= request.start
            else {
                throw Self.error("InvalidParameterException", "NextToken is not valid for these parameters.")
            }
            from = next
        }
        let period = request.period
        // Periods [from, end): a period is listed once it has started before EndTime.
        let minutes = try await store.counts(
            matching: request.filter, fromMinute: from / 60, toMinute: (Self.floor(request.end - 1, period) + period) / 60)
        var sums: [Int64: Int] = [:]
        for (minute, count) in minutes { sums[Self.floor(minute * 60, period), default: 0] += count }
        var timestamps: [Int64] = []
        var values: [Int] = []
        var next: Int64?
        if request.fillWithZeros {
            var t = from
            while t < request.end {
                if timestamps.count == request.maxResults {
                    next = t
                    break
                }
                timestamps.append(t)
                values.append(sums[t] ?? 0)
                t += period
            }
        } else {
            for t in sums.keys.sorted() where t >= from && t < request.end && sums[t]! != 0 {
                if timestamps.count == request.maxResults {
                    next = t
                    break
                }
                timestamps.append(t)
                values.append(sums[t]!)
            }
        }
        var out = JSONOut()
        out.beginObject()
        out.string("TrailARN", request.trail?.trailARN)
        out.string("EventSource", request.filter.eventSource)
        out.string("EventName", request.filter.eventName)
        out.string("InsightType", request.filter.insightType.rawValue)
        out.string("ErrorCode", request.filter.errorCode)
        out.beginArray("Timestamps")
        for t in timestamps { out.number(nil, t) }
        out.endArray()
        out.beginArray("Values")
        for v in values { out.number(nil, Int64(v)) }
        out.endArray()
        if let next {
            out.string("NextToken", Data("m1:\(next):\(request.fingerprint)".utf8).base64EncodedString())
        }
        out.endObject()
        return out
    }
}
