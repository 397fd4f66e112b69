import TrailModel

/// Where the Lake catalog lives (`DATA_DIR/lake/lake.sqlite`, plan §3.6): event data stores, channels,
/// imports and the outcome of each imported file.
///
/// Every save replaces the document with the same ID; each call is durable when it returns.
public protocol LakeCatalogStore: Sendable {
    /// Every store not purged.
    func eventDataStores() async throws -> [EventDataStore]
    func save(_ store: EventDataStore) async throws
    /// Forgets a purged store.
    func removeEventDataStore(id: String) async throws

    /// The channels created through CreateChannel (not the default channel of `identity.json`).
    func channels() async throws -> [Channel]
    func save(_ channel: Channel) async throws
    func removeChannel(arn: String) async throws

    /// Every import, oldest first.
    func imports() async throws -> [ImportJob]
    func save(_ job: ImportJob) async throws

    /// The outcomes recorded for the files of one import, by location.
    func fileOutcomes(importID: String) async throws -> [ImportFileOutcome]
    func save(_ outcome: ImportFileOutcome) async throws
}

/// A ``LakeCatalogStore`` in memory: for tests and for tools that keep no state.
public actor MemoryLakeCatalogStore: LakeCatalogStore {
    private var stores: [String: EventDataStore] = [:]
    private var channelList: [String: Channel] = [:]
    private var jobs: [String: ImportJob] = [:]
    private var outcomes: [String: [String: ImportFileOutcome]] = [:]

    public init() {}

    public func eventDataStores() -> [EventDataStore] { stores.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) } }
    public func save(_ store: EventDataStore) { stores[store.id] = store }
    public func removeEventDataStore(id: String) { stores[id] = nil }

    public func channels() -> [Channel] { channelList.values.sorted { ($0.createdAt, $0.arn) < ($1.createdAt, $1.arn) } }
    public func save(_ channel: Channel) { channelList[channel.arn] = channel }
    public func removeChannel(arn: String) { channelList[arn] = nil }

    public func imports() -> [ImportJob] { jobs.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) } }
    public func save(_ job: ImportJob) { jobs[job.id] = job }

    public func fileOutcomes(importID: String) -> [ImportFileOutcome] {
        (outcomes[importID] ?? [:]).values.sorted { $0.location < $1.location }
    }
    public func save(_ outcome: ImportFileOutcome) { outcomes[outcome.importID, default: [:]][outcome.location] = outcome }
}
