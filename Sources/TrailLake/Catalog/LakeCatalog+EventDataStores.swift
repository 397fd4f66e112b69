import Foundation
import TrailModel
import TrailStore

extension LakeCatalog {
    /// CreateEventDataStore: validates, saves, opens its storage at the journal's end.
    ///
    /// - Returns: the store as the answer shows it (status `CREATED`); the saved store is already ENABLED
    ///   (or STOPPED_INGESTION when `startIngestion` is false).
    public func createEventDataStore(_ request: EventDataStoreCreation) async throws -> EventDataStore {
        try await load()
        guard EventDataStore.isValidName(request.name) else {
            throw LakeError(.invalidParameter, "Name must be 3 to 128 characters of [a-zA-Z0-9._-].")
        }
        guard !stores.values.contains(where: { $0.name == request.name }) else {
            throw LakeError(.eventDataStoreAlreadyExists, "An event data store named \(request.name) already exists.")
        }
        guard activeStoreCount() < configuration.maxEventDataStores else {
            throw LakeError(
                .eventDataStoreMaxLimitExceeded, "The account already has \(configuration.maxEventDataStores) event data stores.")
        }
        let selectors = try Self.checkedSelectors(request.advancedEventSelectors ?? EventDataStore.defaultSelectors)
        let mode = request.billingMode ?? .extendableRetentionPricing
        let retention = request.retentionPeriod ?? mode.defaultRetention
        try Self.checkRetention(retention, mode: mode)
        try checkOrganization(request.organizationEnabled)
        try Self.checkKmsKey(request.kmsKeyId)
        try checkTags(request.tags, forStore: nil)
        let id = UUID().uuidString.lowercased()
        let time = now()
        var store = EventDataStore(
            id: id, arn: EventDataStore.arn(region: configuration.region, account: configuration.accountID, id: id),
            name: request.name, status: .created, advancedEventSelectors: selectors,
            multiRegionEnabled: request.multiRegionEnabled ?? true, organizationEnabled: request.organizationEnabled ?? false,
            retentionPeriod: retention, terminationProtectionEnabled: request.terminationProtectionEnabled ?? true,
            tags: request.tags, billingMode: mode, createdAt: time)
        let created = store
        try await startAtJournalEnd(store)
        store.status = try EventDataStoreStatusMachine.next(
            from: .created, on: .created(startIngestion: request.startIngestion ?? true), category: store.category
        ).get()
        try await persist(store)
        return created
    }

    /// GetEventDataStore (stores pending deletion included).
    public func eventDataStore(_ reference: String) async throws -> EventDataStore {
        try await load()
        return try store(reference)
    }

    /// ListEventDataStores, oldest first.
    public func listEventDataStores(maxResults: Int?, nextToken: String?) async throws -> LakePage<EventDataStore> {
        try await load()
        let limit = try Self.checkMaxResults(maxResults)
        let all = sortedStores()
        let start = try Self.pageIndex(nextToken, kind: "eds", count: all.count)
        let end = Swift.min(all.count, start + limit)
        return LakePage(items: Array(all[start..<end]), nextToken: end < all.count ? Self.pageToken(end, kind: "eds") : nil)
    }

    /// UpdateEventDataStore.
    public func updateEventDataStore(_ reference: String, _ changes: EventDataStoreChanges) async throws -> EventDataStore {
        try await load()
        var s = try store(reference)
        _ = try EventDataStoreStatusMachine.next(from: s.status, on: .update, category: s.category).get()
        guard !changes.isEmpty else {
            throw LakeError(.invalidParameter, "Specify at least one setting to update.")
        }
        if hasOngoingImport(into: s.arn) {
            throw LakeError(.eventDataStoreHasOngoingImport, "An import into event data store \(s.id) is in progress.")
        }
        if let name = changes.name, name != s.name {
            guard EventDataStore.isValidName(name) else {
                throw LakeError(.invalidParameter, "Name must be 3 to 128 characters of [a-zA-Z0-9._-].")
            }
            guard !stores.values.contains(where: { $0.name == name && $0.id != s.id }) else {
                throw LakeError(.eventDataStoreAlreadyExists, "An event data store named \(name) already exists.")
            }
            s.name = name
        }
        if let selectors = changes.advancedEventSelectors {
            let checked = try Self.checkedSelectors(selectors)
            let category = EventSelection.storeCategory(of: checked)
            guard category == s.category else {
                throw LakeError(
                    .invalidEventSelectors,
                    "An event data store of \(s.category.rawValue) events cannot be updated to log \(category.rawValue) events.")
            }
            s.advancedEventSelectors = checked
        }
        if let mode = changes.billingMode, mode != s.billingMode {
            guard s.billingMode == .fixedRetentionPricing, mode == .extendableRetentionPricing else {
                throw LakeError(
                    .invalidParameter, "The billing mode can only change from FIXED_RETENTION_PRICING to EXTENDABLE_RETENTION_PRICING.")
            }
            s.billingMode = mode
        }
        if let retention = changes.retentionPeriod { s.retentionPeriod = retention }
        try Self.checkRetention(s.retentionPeriod, mode: s.billingMode)
        if let org = changes.organizationEnabled {
            try checkOrganization(org)
            s.organizationEnabled = org
        }
        try Self.checkKmsKey(changes.kmsKeyId)
        if let multi = changes.multiRegionEnabled { s.multiRegionEnabled = multi }
        if let protection = changes.terminationProtectionEnabled { s.terminationProtectionEnabled = protection }
        s.updatedAt = now()
        try await persist(s)
        return s
    }

    /// DeleteEventDataStore: PENDING_DELETION now, purged after the pending-deletion period.
    public func deleteEventDataStore(_ reference: String) async throws {
        try await load()
        var s = try store(reference)
        let next = try EventDataStoreStatusMachine.next(from: s.status, on: .delete, category: s.category).get()
        guard !s.terminationProtectionEnabled else {
            throw LakeError(
                .eventDataStoreTerminationProtected,
                "Event data store \(s.id) has termination protection enabled; disable it before deleting the store.")
        }
        if let channel = allChannels().first(where: { $0.destinations.contains { $0.location == s.arn } }) {
            throw LakeError(.channelExistsForEDS, "Channel \(channel.arn) sends events to event data store \(s.id).")
        }
        if hasOngoingImport(into: s.arn) {
            throw LakeError(.eventDataStoreHasOngoingImport, "An import into event data store \(s.id) is in progress.")
        }
        s.statusBeforeDeletion = s.status
        s.status = next
        s.deletionRequestedAt = now()
        s.updatedAt = now()
        try await persist(s)
    }

    /// RestoreEventDataStore: back to the status it had before DeleteEventDataStore.
    public func restoreEventDataStore(_ reference: String) async throws -> EventDataStore {
        try await load()
        var s = try store(reference)
        let next = try EventDataStoreStatusMachine.next(
            from: s.status, on: .restore(previous: s.statusBeforeDeletion), category: s.category
        ).get()
        guard activeStoreCount() < configuration.maxEventDataStores else {
            throw LakeError(
                .eventDataStoreMaxLimitExceeded, "The account already has \(configuration.maxEventDataStores) event data stores.")
        }
        // Events journaled while the store was pending deletion are not ingested (the journal did not keep them for it).
        if next == .enabled { try await startAtJournalEnd(s) }
        s.status = next
        s.statusBeforeDeletion = nil
        s.deletionRequestedAt = nil
        s.updatedAt = now()
        try await persist(s)
        return s
    }

    /// StartEventDataStoreIngestion: resumes from the journal's current end.
    public func startIngestion(_ reference: String) async throws {
        try await load()
        var s = try store(reference)
        let next = try EventDataStoreStatusMachine.next(from: s.status, on: .startIngestion, category: s.category).get()
        try await startAtJournalEnd(s)
        s.status = next
        s.updatedAt = now()
        try await persist(s)
    }

    /// StopEventDataStoreIngestion.
    public func stopIngestion(_ reference: String) async throws {
        try await load()
        var s = try store(reference)
        s.status = try EventDataStoreStatusMachine.next(from: s.status, on: .stopIngestion, category: s.category).get()
        s.updatedAt = now()
        try await persist(s)
    }

    // MARK: - Rules

    func activeStoreCount() -> Int {
        stores.values.filter { $0.status != .pendingDeletion }.count
    }

    func hasOngoingImport(into arn: String) -> Bool {
        imports.values.contains { $0.status.isActive && $0.destinations.contains(arn) }
    }

    static func checkedSelectors(_ selectors: [AdvancedEventSelector]) throws(LakeError) -> [AdvancedEventSelector] {
        do {
            try EventSelection.validate(eventDataStore: selectors)
        } catch {
            throw LakeError(.invalidEventSelectors, error.description)
        }
        return selectors
    }

    static func checkRetention(_ days: Int, mode: EventDataStoreBillingMode) throws(LakeError) {
        guard mode.retentionRange.contains(days) else {
            throw LakeError(
                .invalidParameter,
                "RetentionPeriod must be between \(mode.retentionRange.lowerBound) and \(mode.retentionRange.upperBound) days with \(mode.rawValue).")
        }
    }

    func checkOrganization(_ enabled: Bool?) throws(LakeError) {
        if enabled == true, configuration.organizationID == nil {
            throw LakeError(
                .organizationsNotInUse, "OrganizationEnabled needs an organization; configure organization-id on the server.")
        }
    }

    static func checkKmsKey(_ key: String?) throws(LakeError) {
        if let key, !key.isEmpty {
            throw LakeError(
                .invalidKmsKeyId,
                "KMS encryption of event data stores is not available in Trailkeeper; encrypt the data directory instead.")
        }
    }
}
