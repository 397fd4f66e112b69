import TrailModel

/// Insights on event data stores (PutInsightSelectors/GetInsightSelectors with `EventDataStore` and
/// `InsightsDestination`): a store of CloudTrail management events names an Insight store that receives the
/// Insights events of the types it enables.
extension LakeCatalog {
    /// A store's Insights settings as the API answers them.
    public struct StoreInsights: Sendable, Hashable {
        public var storeARN: String
        public var destinationARN: String
        public var selectors: [InsightSelector]
    }

    /// Enables (or, with an empty list, disables) Insights on `reference`, delivered to `destination`.
    public func putInsightSelectors(
        store reference: String, destination: String, selectors: [InsightSelector]
    ) async throws -> StoreInsights {
        try await load()
        var source = try store(reference)
        guard source.status != .pendingDeletion else {
            throw LakeError(.inactiveEventDataStore, "Event data store \(reference) is pending deletion.")
        }
        guard source.category == .cloudTrail,
            source.advancedEventSelectors.contains(where: { selector in
                selector.fieldSelectors.contains { $0.field == "eventCategory" && ($0.conditions[.equals] ?? []).contains("Management") }
            })
        else {
            throw LakeError(
                .invalidEventDataStoreCategory,
                "Insights can be enabled only on an event data store that collects CloudTrail management events.")
        }
        let target = try store(destination)
        guard target.category == .insight else {
            throw LakeError(
                .invalidEventDataStoreCategory,
                "The InsightsDestination \(destination) must be an event data store of Insights events (eventCategory = Insight).")
        }
        guard target.status != .pendingDeletion else {
            throw LakeError(.inactiveEventDataStore, "Event data store \(destination) is pending deletion.")
        }
        var seen: Set<InsightType> = []
        for selector in selectors {
            guard seen.insert(selector.insightType).inserted else {
                throw LakeError(.invalidInsightSelectors, "InsightType \(selector.insightType.rawValue) is listed more than once.")
            }
            guard !selector.eventCategories.contains(EventCategory.data) else {
                throw LakeError(
                    .invalidInsightSelectors, "Insights on event data stores analyse management events only (EventCategories: Management).")
            }
        }
        source.insightSelectors = selectors.isEmpty ? nil : selectors
        source.insightsDestination = selectors.isEmpty ? nil : target.arn
        source.updatedAt = now()
        try await persist(source)
        return StoreInsights(storeARN: source.arn, destinationARN: target.arn, selectors: selectors)
    }

    /// The Insights settings of `reference`.
    /// - Throws: `InsightNotEnabledException` when none are enabled.
    public func insightSelectors(store reference: String) async throws -> StoreInsights {
        try await load()
        let source = try store(reference)
        guard let selectors = source.insightSelectors, !selectors.isEmpty, let destination = source.insightsDestination else {
            throw LakeError(.insightNotEnabled, "Event data store \(reference) does not have Insights enabled.")
        }
        return StoreInsights(storeARN: source.arn, destinationARN: destination, selectors: selectors)
    }

    /// The insight types some active store enables (the analyzer detects these too).
    public func enabledInsightTypes() async throws -> Set<InsightType> {
        try await load()
        return Set(sortedStores().filter { $0.status != .pendingDeletion }.flatMap { $0.insightSelectors ?? [] }.map(\.insightType))
    }

    /// The insight types routed to the Insight store `arn`.
    func insightTypes(routedTo arn: String) -> Set<String> {
        Set(
            sortedStores().filter { $0.status != .pendingDeletion && $0.insightsDestination == arn }
                .flatMap { $0.insightSelectors ?? [] }.map(\.insightType.rawValue))
    }
}
