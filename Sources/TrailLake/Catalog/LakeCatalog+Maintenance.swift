import TrailModel
import TrailStore

/// A store live ingest appends to, with what routing needs.
public struct LakeIngestTarget: Sendable {
    public var store: EventDataStore
    public var storage: any EventDataStoreStorage
    /// The channels whose destinations include this store (routing of ActivityAuditLog records).
    public var channelARNs: Set<String>
    /// For an Insight store: the insight types (`ApiCallRateInsight`, …) that stores naming it as their
    /// InsightsDestination enable; only those Insights events are routed to it.
    public var insightTypes: Set<String> = []
}

extension LakeCatalog {
    /// The ENABLED stores, opened.
    public func ingestTargets() async throws -> [LakeIngestTarget] {
        try await load()
        var targets: [LakeIngestTarget] = []
        let channelList = allChannels()
        for s in sortedStores() where s.status.isIngesting {
            let routed = Set(channelList.filter { c in c.destinations.contains { $0.location == s.arn } }.map(\.arn))
            let types = s.category == .insight ? insightTypes(routedTo: s.arn) : []
            targets.append(
                LakeIngestTarget(store: s, storage: try await storage(for: s), channelARNs: routed, insightTypes: types))
        }
        return targets
    }

    /// The stores whose retention the janitor enforces (every store not pending deletion), opened.
    public func retentionTargets() async throws -> [(store: EventDataStore, storage: any EventDataStoreStorage)] {
        try await load()
        var targets: [(store: EventDataStore, storage: any EventDataStoreStorage)] = []
        for s in sortedStores() where s.status != .pendingDeletion {
            targets.append((store: s, storage: try await storage(for: s)))
        }
        return targets
    }

    /// Purges the stores whose pending-deletion period has passed: their storage is removed, then the catalog
    /// forgets them.
    /// - Returns: the purged stores' IDs.
    public func purgeDeletedStores() async throws -> [String] {
        try await load()
        let time = now()
        var purged: [String] = []
        for s in sortedStores() where s.status == .pendingDeletion {
            guard let requested = s.deletionRequestedAt, requested + configuration.pendingDeletionPeriod <= time else { continue }
            storages[s.id] = nil
            try await storageFactory.remove(id: s.id)
            try await persistence.removeEventDataStore(id: s.id)
            stores[s.id] = nil
            purged.append(s.id)
        }
        return purged
    }

    /// The cutoff (epoch ms) before which a store keeps no events, at the catalog's current time.
    public func retentionCutoff(for store: EventDataStore) -> Int64 {
        (now() - Int64(store.retentionPeriod) * 86400) * 1000
    }
}
