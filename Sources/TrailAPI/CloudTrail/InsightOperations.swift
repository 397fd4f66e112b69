import Foundation
import TrailDelivery
import TrailLake
import TrailModel
import TrailStore

/// PutInsightSelectors, GetInsightSelectors and ListInsightsMetricData (plan §3.5), on trails and on event data
/// stores (`EventDataStore` + `InsightsDestination`, kept by the Lake catalog).
struct InsightOperations: Sendable {
    let api: TrailAPIContext
    var catalog: TrailCatalog { api.deliverer.catalog }
    var account: String { api.identity.accountID }

    /// Seconds of metric data kept per period (AWS: 1-minute data 15 days, 5-minute 63 days, hourly 90 days).
    static let availability: [Int64: Int64] = [60: 15 * 86_400, 300: 63 * 86_400, 3600: 90 * 86_400]
    /// The largest `MaxResults` of ListInsightsMetricData (and its default).
    static let maximumResults = 21_600

    static func error(_ type: String, _ message: String) -> APIError {
        APIError(style: .awsJSON, type: type, message: message)
    }

    func register(in table: inout CloudTrailOperations) {
        let ops = self
        table.register("PutInsightSelectors") { i, _ in try await TrailOperations.mapping { try await ops.put(i) } }
        table.register("GetInsightSelectors") { i, _ in try await TrailOperations.mapping { try await ops.get(i) } }
        table.register("ListInsightsMetricData") { i, inv in
            try await TrailOperations.mapping { try await ops.listMetricData(i, region: inv.caller.region) }
        }
    }

    // MARK: - Selectors

    /// What a selector request names.
    enum Target {
        case trail(String)
        case store(String, destination: String?)
    }

    /// The trail or event data store a selector request names.
    func target(_ input: JSONInput, requireDestination: Bool) throws -> Target {
        let trailName = try input.string("TrailName").flatMap { $0.isEmpty ? nil : $0 }
        let store = try input.string("EventDataStore").flatMap { $0.isEmpty ? nil : $0 }
        let destination = try input.string("InsightsDestination").flatMap { $0.isEmpty ? nil : $0 }
        switch (trailName, store) {
        case (nil, nil):
            throw Self.error("InvalidParameterCombinationException", "Specify either TrailName or EventDataStore.")
        case (.some, .some):
            throw Self.error("InvalidParameterCombinationException", "Specify either TrailName or EventDataStore, not both.")
        case (.some(let name), nil):
            if destination != nil {
                throw Self.error(
                    "InvalidParameterCombinationException", "InsightsDestination is only valid with EventDataStore.")
            }
            return .trail(name)
        case (nil, .some(let store)):
            if requireDestination && destination == nil {
                throw Self.error(
                    "InvalidParameterCombinationException", "An event data store needs an InsightsDestination.")
            }
            return .store(store, destination: destination)
        }
    }

    var lake: LakeCatalog {
        get throws {
            guard let lake = api.lake?.catalog else {
                throw Self.error("UnsupportedOperationException", "CloudTrail Lake is not enabled on this server.")
            }
            return lake
        }
    }

    func put(_ input: JSONInput) async throws -> JSONOut {
        let named = try target(input, requireDestination: true)
        guard let list = try input.objects("InsightSelectors") else {
            throw Self.error("InvalidParameterException", "InsightSelectors is required.")
        }
        let selectors = try list.map(Self.selector)
        guard case .trail(let name) = named else {
            guard case .store(let store, let destination?) = named else { preconditionFailure("checked by target") }
            let insights = try await LakeErrorMapping.mapping {
                try await lake.putInsightSelectors(store: store, destination: destination, selectors: selectors)
            }
            return Self.output(insights)
        }
        let trail = try await catalog.trail(name, accountID: account)
        try Self.validate(selectors, for: trail)
        let updated = try await catalog.update(trail.name) { $0.insightSelectors = selectors.isEmpty ? nil : selectors }
        return Self.output(updated)
    }

    func get(_ input: JSONInput) async throws -> JSONOut {
        let named = try target(input, requireDestination: false)
        guard case .trail(let name) = named else {
            guard case .store(let store, _) = named else { preconditionFailure("checked by target") }
            let insights = try await LakeErrorMapping.mapping { try await lake.insightSelectors(store: store) }
            return Self.output(insights)
        }
        let trail = try await catalog.trail(name, accountID: account)
        guard trail.hasInsightSelectors else {
            throw Self.error("InsightNotEnabledException", "Trail \(trail.name) does not have Insights enabled.")
        }
        return Self.output(trail)
    }

    static func selector(_ input: JSONInput) throws -> InsightSelector {
        guard let typeName = try input.string("InsightType") else {
            throw error("InvalidInsightSelectorsException", "Each insight selector needs an InsightType.")
        }
        guard let type = InsightType(rawValue: typeName) else {
            throw error(
                "InvalidInsightSelectorsException",
                "InsightType \(typeName) is not valid; use ApiCallRateInsight or ApiErrorRateInsight.")
        }
        let categories = try input.strings("EventCategories") ?? []
        for category in categories where !InsightSelector.validCategories.contains(category) {
            throw error(
                "InvalidInsightSelectorsException", "EventCategories value \(category) is not valid; use Management or Data.")
        }
        var unique: [String] = []
        for category in categories where !unique.contains(category) { unique.append(category) }
        return InsightSelector(insightType: type, eventCategories: unique)
    }

    /// The rules of plan §3.5: each type at most once; management Insights need the trail to log the
    /// events they analyse (write management events for call rate, any management events for error rate).
    static func validate(_ selectors: [InsightSelector], for trail: Trail) throws {
        var seen: Set<InsightType> = []
        for selector in selectors {
            guard seen.insert(selector.insightType).inserted else {
                throw error(
                    "InvalidInsightSelectorsException", "InsightType \(selector.insightType.rawValue) is listed more than once.")
            }
            guard selector.effectiveCategories.contains(EventCategory.management) else { continue }
            let logged = trail.selection.logsManagementEvents(writeOnly: selector.insightType == .apiCallRate)
            if !logged {
                let what = selector.insightType == .apiCallRate ? "write management events" : "management events"
                throw error(
                    "InvalidInsightSelectorsException",
                    "Trail \(trail.name) does not log \(what), which \(selector.insightType.rawValue) analyses.")
            }
        }
    }

    static func output(_ insights: LakeCatalog.StoreInsights) -> JSONOut {
        var out = JSONOut()
        out.beginObject()
        out.string("EventDataStoreArn", insights.storeARN)
        out.string("InsightsDestination", insights.destinationARN)
        selectorsArray(&out, insights.selectors)
        out.endObject()
        return out
    }

    static func selectorsArray(_ out: inout JSONOut, _ selectors: [InsightSelector]) {
        out.beginArray("InsightSelectors")
        for selector in selectors {
            out.beginObject()
            out.string("InsightType", selector.insightType.rawValue)
            if !selector.eventCategories.isEmpty {
                out.beginArray("EventCategories")
                for category in selector.eventCategories { out.string(nil, category) }
                out.endArray()
            }
            out.endObject()
        }
        out.endArray()
    }

    static func output(_ trail: Trail) -> JSONOut {
        var out = JSONOut()
        out.beginObject()
        out.string("TrailARN", trail.trailARN)
        out.beginArray("InsightSelectors")
        for selector in trail.insightSelectors ?? [] {
            out.beginObject()
            out.string("InsightType", selector.insightType.rawValue)
            if !selector.eventCategories.isEmpty {
                out.beginArray("EventCategories")
                for category in selector.eventCategories { out.string(nil, category) }
                out.endArray()
            }
            out.endObject()
        }
        out.endArray()
        out.endObject()
        return out
    }
}

extension EventSelection {
    /// Whether a trail with this selection logs management events (only write ones when `writeOnly`).
    func logsManagementEvents(writeOnly: Bool) -> Bool {
        switch self {
        case .basic(let selectors):
            return selectors.contains { $0.includeManagementEvents && (!writeOnly || $0.readWriteType != .readOnly) }
        case .advanced(let selectors):
            return selectors.contains { selector in
                let fields = Dictionary(selector.fieldSelectors.map { ($0.field, $0) }, uniquingKeysWith: { a, _ in a })
                guard fields["eventCategory"]?.values(.equals)?.contains(EventCategory.management) == true else {
                    return false
                }
                guard writeOnly, let readOnly = fields["readOnly"] else { return true }
                if readOnly.values(.equals) == ["true"] { return false }
                return true
            }
        }
    }
}
