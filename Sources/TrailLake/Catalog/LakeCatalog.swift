import Foundation
import TrailLakeSQL
import TrailModel
import TrailStore

/// The CloudTrail Lake control plane: event data stores, channels and imports (plan §3.1, §3.2, §3.4).
///
/// One actor owns the catalog so that the rules that span entities (a channel's destinations, an import's
/// destinations, the store limit, unique names and table aliases) are checked against one consistent state.
/// Every change is saved to the ``LakeCatalogStore`` before it is visible. The catalog is loaded on first use.
public actor LakeCatalog: EventDataStoreDirectory {
    /// Limits and identity of the catalog.
    public struct Configuration: Sendable {
        /// The account of every ARN.
        public var accountID: String
        /// The region of every ARN.
        public var region: String
        /// At most this many stores not pending deletion (`lake.max-event-data-stores`, AWS quota 10).
        public var maxEventDataStores: Int
        /// Seconds a deleted store stays PENDING_DELETION before it is purged (`lake.pending-deletion-period`, 7 days).
        public var pendingDeletionPeriod: Int64
        /// At most this many channels (AWS quota 25).
        public var maxChannels: Int
        /// The organization ID, when this deployment has one (OrganizationEnabled needs it).
        public var organizationID: String?

        public init(
            accountID: String, region: String, maxEventDataStores: Int = 10, pendingDeletionPeriod: Int64 = 7 * 86400,
            maxChannels: Int = 25, organizationID: String? = nil
        ) {
            self.accountID = accountID
            self.region = region
            self.maxEventDataStores = maxEventDataStores
            self.pendingDeletionPeriod = pendingDeletionPeriod
            self.maxChannels = maxChannels
            self.organizationID = organizationID
        }
    }

    let configuration: Configuration
    let persistence: any LakeCatalogStore
    let storageFactory: any EventDataStoreStorageFactory
    let journal: any EventStore
    let defaultChannel: Channel
    /// Epoch seconds; injected so tests control time.
    let now: @Sendable () -> Int64

    var isLoaded = false
    var stores: [String: EventDataStore] = [:]
    var channels: [String: Channel] = [:]
    var imports: [String: ImportJob] = [:]
    var storages: [String: any EventDataStoreStorage] = [:]
    var ingestion: [String: ChannelIngestionStatus] = [:]

    /// - Parameters:
    ///   - persistence: where the catalog is saved.
    ///   - storageFactory: opens and removes the stores' files.
    ///   - journal: the event journal (new stores start at its end).
    ///   - defaultChannel: the channel of `identity.json`; it always exists and cannot be deleted.
    ///   - now: epoch seconds.
    public init(
        configuration: Configuration, persistence: any LakeCatalogStore, storageFactory: any EventDataStoreStorageFactory,
        journal: any EventStore, defaultChannel: Channel, now: @escaping @Sendable () -> Int64
    ) {
        self.configuration = configuration
        self.persistence = persistence
        self.storageFactory = storageFactory
        self.journal = journal
        self.defaultChannel = defaultChannel
        self.now = now
    }

    func load() async throws {
        guard !isLoaded else { return }
        for s in try await persistence.eventDataStores() { stores[s.id] = s }
        for c in try await persistence.channels() { channels[c.arn] = c }
        for j in try await persistence.imports() { imports[j.id] = j }
        isLoaded = true
    }

    // MARK: - Directory

    /// Every store, including those pending deletion (``EventDataStoreDirectory``).
    public func storeEntries() async throws -> [LakeStoreEntry] {
        try await load()
        return sortedStores().map { s in
            LakeStoreEntry(
                id: s.id, arn: s.arn, name: s.name, family: Self.family(s.category), isActive: s.status != .pendingDeletion,
                aliases: s.tableAliases)
        }
    }

    /// The query schema of a store category.
    public static func family(_ category: EventDataStoreCategory) -> LakeStoreFamily {
        switch category {
        case .cloudTrail: .cloudTrail
        case .activityAuditLog: .activityAuditLog
        case .insight: .insight
        }
    }

    // MARK: - Shared helpers

    func sortedStores() -> [EventDataStore] {
        stores.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The store an ARN or ID names.
    /// - Throws: `EventDataStoreARNInvalidException` for an ARN of another kind, `EventDataStoreNotFoundException`.
    func store(_ reference: String) throws(LakeError) -> EventDataStore {
        guard !reference.isEmpty else { throw LakeError(.invalidParameter, "EventDataStore is required.") }
        if reference.hasPrefix("arn:") {
            let parts = reference.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 6, parts[2] == "cloudtrail", parts[5].hasPrefix("eventdatastore/") else {
                throw LakeError(.eventDataStoreARNInvalid, "\(reference) is not a valid event data store ARN.")
            }
        }
        guard let s = stores.values.first(where: { $0.isNamed(by: reference) }) else {
            throw LakeError(.eventDataStoreNotFound, "Event data store \(reference) was not found.")
        }
        return s
    }

    /// The open storage of a store.
    func storage(for store: EventDataStore) async throws -> any EventDataStoreStorage {
        if let s = storages[store.id] { return s }
        let s = try await storageFactory.open(id: store.id, family: Self.family(store.category))
        storages[store.id] = s
        return s
    }

    /// Moves a store's ingest position to the journal's end: a store holds events from the moment it
    /// (re)starts ingesting; history comes by import.
    func startAtJournalEnd(_ store: EventDataStore) async throws {
        let storage = try await storage(for: store)
        let end = try await journal.statistics().lastSequence
        if try await storage.ingestPosition() < end {
            try await storage.append([], position: end, retainFrom: nil)
        }
    }

    func persist(_ store: EventDataStore) async throws {
        try await persistence.save(store)
        stores[store.id] = store
    }

    /// Checks tags for a store or channel: at most 50, the alias tag well-formed and not used by another store.
    func checkTags(_ tags: [Tag], forStore id: String?) throws(LakeError) {
        guard tags.count <= 50 else { throw LakeError(.tagsLimitExceeded, "A resource can have at most 50 tags.") }
        for t in tags {
            guard (1...128).contains(t.key.count) else {
                throw LakeError(.invalidTagParameter, "Tag keys must be 1 to 128 characters long.")
            }
            if let v = t.value, v.count > 256 {
                throw LakeError(.invalidTagParameter, "Tag values must be at most 256 characters long.")
            }
        }
        do {
            try TableAlias.validate(tags)
        } catch {
            throw LakeError(.invalidTagParameter, error.description)
        }
        let aliases = Set(TableAlias.aliases(in: tags).map { $0.lowercased() })
        guard !aliases.isEmpty else { return }
        for other in stores.values where other.id != id {
            let taken = Set(other.tableAliases.map { $0.lowercased() } + [other.id, other.arn.lowercased()])
            if let clash = aliases.intersection(taken).first {
                throw LakeError(.invalidTagParameter, "The table alias \(clash) is already used by event data store \(other.id).")
            }
        }
    }

    /// A NextToken for list operations: the sort position of the first item of the next page.
    static func pageToken(_ index: Int, kind: String) -> String {
        Data("\(kind):\(index)".utf8).base64EncodedString()
    }

    static func pageIndex(_ token: String?, kind: String, count: Int) throws(LakeError) -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard token.count <= 256, let data = Data(base64Encoded: token),
            case let text = String(decoding: data, as: UTF8.self), text.hasPrefix(kind + ":"),
            let index = Int(text.dropFirst(kind.count + 1)), index >= 0, index <= count
        else {
            throw LakeError(.invalidNextToken, "The NextToken is not valid.")
        }
        return index
    }

    static func checkMaxResults(_ max: Int?, range: ClosedRange<Int> = 1...1000) throws(LakeError) -> Int {
        guard let max else { return range.upperBound }
        guard range.contains(max) else {
            throw LakeError(.invalidMaxResults, "MaxResults must be between \(range.lowerBound) and \(range.upperBound).")
        }
        return max
    }
}

/// A page of a list operation.
public struct LakePage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextToken: String?

    public init(items: [Item], nextToken: String?) {
        self.items = items
        self.nextToken = nextToken
    }
}
