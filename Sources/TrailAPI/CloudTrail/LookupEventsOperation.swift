import Foundation
import TrailModel
import TrailStore

/// `LookupEvents`: event history, as CloudTrail answers it.
struct LookupEventsOperation: Sendable {
    let api: TrailAPIContext

    static let insightKeys: Set<String> = ["EventId", "EventName", "EventSource"]

    func callAsFunction(_ input: JSONInput, _ invocation: CloudTrailOperations.Invocation) async throws -> JSONOut {
        func invalid(_ type: String, _ message: String) -> APIError {
            APIError(style: .awsJSON, type: type, message: message)
        }
        // Category
        var category = LookupQuery.Category.management
        if let value = try input.string("EventCategory") {
            guard value == "insight" else {
                throw invalid("InvalidEventCategoryException", "EventCategory \(value) is not valid; the only value is insight")
            }
            category = .insight
        }
        // Attributes
        var attribute: LookupAttribute?
        if let list = try input.objects("LookupAttributes") {
            guard list.count <= 1 else {
                throw invalid("InvalidLookupAttributesException", "You can specify only one lookup attribute")
            }
            if let item = list.first {
                guard let key = try item.string("AttributeKey") else {
                    throw invalid("InvalidLookupAttributesException", "AttributeKey is required")
                }
                guard let value = try item.string("AttributeValue") else {
                    throw invalid("InvalidLookupAttributesException", "AttributeValue is required")
                }
                guard !value.isEmpty, Self.weightedLength(value) <= 2000 else {
                    throw invalid(
                        "InvalidLookupAttributesException", "AttributeValue must be between 1 and 2000 characters")
                }
                if category == .insight && !Self.insightKeys.contains(key) {
                    throw invalid(
                        "InvalidLookupAttributesException",
                        "For Insights events, the lookup attribute must be EventId, EventName or EventSource")
                }
                switch key {
                case "EventId": attribute = .eventID(value)
                case "EventName": attribute = .eventName(value)
                case "Username": attribute = .username(value)
                case "ResourceType": attribute = .resourceType(value)
                case "ResourceName": attribute = .resourceName(value)
                case "EventSource": attribute = .eventSource(value)
                case "AccessKeyId": attribute = .accessKeyID(value)
                case "ReadOnly":
                    switch value {
                    case "true": attribute = .readOnly(true)
                    case "false": attribute = .readOnly(false)
                    default:
                        throw invalid("InvalidLookupAttributesException", "ReadOnly must be true or false")
                    }
                default:
                    throw invalid("InvalidLookupAttributesException", "AttributeKey \(key) is not valid")
                }
            }
        }
        // Page size
        let maxResults = try input.integer("MaxResults") ?? 50
        guard (1...50).contains(maxResults) else {
            throw invalid("InvalidMaxResultsException", "MaxResults must be between 1 and 50")
        }
        // Time range
        let start = try input.timestamp("StartTime")
        let end = try input.timestamp("EndTime")
        if let start, let end, start > end {
            throw invalid("InvalidTimeRangeException", "StartTime must be earlier than or equal to EndTime")
        }
        let now = api.now()
        let horizon = now - Int64(api.configuration.retentionDays) * 86400
        let region = invocation.caller.region
        let fingerprint = PageToken.fingerprint([
            attribute?.key ?? "", attribute?.value ?? "", start.map(String.init) ?? "", end.map(String.init) ?? "",
            category == .insight ? "insight" : "", region,
        ])
        var after: PagePosition?
        if let token = try input.string("NextToken") {
            guard let position = PageToken.decode(token, fingerprint: fingerprint) else {
                throw invalid("InvalidNextTokenException", "The NextToken is invalid or was issued for other parameters")
            }
            after = position
        }
        let query = LookupQuery(
            attribute: attribute, startTime: max(start ?? horizon, horizon), endTime: end ?? Int64.max,
            category: category, region: region, maxResults: maxResults, after: after)
        let page = try await api.store.lookup(query)
        return Self.render(page, fingerprint: fingerprint)
    }

    /// AWS counts `_`, space, `,` and newline twice towards the 2000-character limit.
    static func weightedLength(_ s: String) -> Int {
        s.reduce(0) { n, c in n + ((c == "_" || c == " " || c == "," || c == "\n") ? 2 : 1) }
    }

    static func render(_ page: LookupPage, fingerprint: String) -> JSONOut {
        var out = JSONOut(capacity: page.events.reduce(256) { $0 + $1.record.raw.count * 11 / 10 + 300 })
        out.beginObject()
        out.beginArray("Events")
        for entry in page.events {
            let r = entry.record
            out.beginObject()
            out.string("EventId", r.eventID)
            out.string("EventName", r.eventName)
            out.string("ReadOnly", r.readOnly.map { $0 ? "true" : "false" })
            out.string("AccessKeyId", r.accessKeyID)
            out.number("EventTime", r.eventTime)
            out.string("EventSource", r.eventSource)
            out.string("Username", r.username)
            out.beginArray("Resources")
            for res in r.resources {
                out.beginObject()
                out.string("ResourceType", res.type)
                out.string("ResourceName", res.name)
                out.endObject()
            }
            out.endArray()
            out.stringBytes("CloudTrailEvent", r.raw)
            out.endObject()
        }
        out.endArray()
        if let next = page.next {
            out.string("NextToken", PageToken.encode(next, fingerprint: fingerprint))
        }
        out.endObject()
        return out
    }
}
