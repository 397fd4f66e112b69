/// One entry of `PutInsightSelectors`' `InsightSelectors`: an insight type and the event categories it analyses.
public struct InsightSelector: Sendable, Hashable, Codable {
    /// The kind of insight enabled.
    public var insightType: InsightType
    /// `Management` and/or `Data`; empty means `Management` (AWS's default when `EventCategories` is absent).
    public var eventCategories: [String]

    /// Creates a selector.
    public init(insightType: InsightType, eventCategories: [String] = []) {
        self.insightType = insightType
        self.eventCategories = eventCategories
    }

    /// The categories a selector may name.
    public static let validCategories: Set<String> = [EventCategory.management, EventCategory.data]

    /// The categories analysed: the listed ones, or `Management` when none is listed.
    public var effectiveCategories: Set<String> {
        eventCategories.isEmpty ? [EventCategory.management] : Set(eventCategories)
    }

    enum CodingKeys: String, CodingKey {
        case insightType = "InsightType"
        case eventCategories = "EventCategories"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        insightType = try c.decode(InsightType.self, forKey: .insightType)
        eventCategories = try c.decodeIfPresent([String].self, forKey: .eventCategories) ?? []
    }
}

extension Sequence where Element == InsightSelector {
    /// Whether one of the selectors enables `type` on events of `category`.
    public func enables(_ type: InsightType, category: String) -> Bool {
        contains { $0.insightType == type && $0.effectiveCategories.contains(category) }
    }
}
