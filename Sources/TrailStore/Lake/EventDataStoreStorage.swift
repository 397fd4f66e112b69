import TrailLakeSQL
import TrailModel

/// The events of one CloudTrail Lake event data store (plan §2.2): one SQLite file per store,
/// `DATA_DIR/lake/stores/<id>.sqlite`, owned by TrailStoreSQLite.
///
/// Appends are atomic with the position they reach, so a crash never loses or duplicates a committed batch.
public protocol EventDataStoreStorage: Sendable {
    /// The store's ID (the UUID suffix of its ARN).
    var id: String { get }
    /// The kind of events the store holds.
    var family: LakeStoreFamily { get }

    /// Appends records the live ingest selected from the journal, and records `position` (a journal sequence)
    /// in the same transaction. Records whose eventTime is older than `retainFrom` (epoch ms) are skipped.
    func append(_ records: [AuditRecord], position: Int64, retainFrom: Int64?) async throws
    /// The journal position committed by the last ``append(_:position:retainFrom:)`` (0 for a new store).
    func ingestPosition() async throws -> Int64

    /// Appends the records of one imported file, exactly once per (`importID`, `key`): returns false and writes
    /// nothing when that file was committed before.
    func appendImported(_ records: [AuditRecord], importID: String, key: String, retainFrom: Int64?) async throws -> Bool

    /// Deletes every event whose eventTime is before `cutoff` (epoch ms); returns how many went.
    func purge(before cutoff: Int64) async throws -> Int

    /// Counts and sizes.
    func statistics() async throws -> EventDataStoreStatistics

    /// Seals pending raw records into compressed blocks (also done as the tail fills); idempotent.
    func flush() async throws
}

/// Counts and sizes of one store.
public struct EventDataStoreStatistics: Sendable, Hashable {
    /// Stored events.
    public var events: Int
    /// Bytes of the store's files on disk (database + WAL).
    public var bytesOnDisk: Int64
    /// Sum of the stored records' uncompressed sizes.
    public var rawBytes: Int64
    /// Oldest and newest eventTime (epoch ms), nil when empty.
    public var oldestEventTime: Int64?
    public var newestEventTime: Int64?

    public init(events: Int, bytesOnDisk: Int64, rawBytes: Int64, oldestEventTime: Int64?, newestEventTime: Int64?) {
        self.events = events
        self.bytesOnDisk = bytesOnDisk
        self.rawBytes = rawBytes
        self.oldestEventTime = oldestEventTime
        self.newestEventTime = newestEventTime
    }
}

/// Opens, creates and removes store files.
public protocol EventDataStoreStorageFactory: Sendable {
    /// The store `id`, created empty when it does not exist.
    func open(id: String, family: LakeStoreFamily) async throws -> any EventDataStoreStorage
    /// Closes and deletes the store's files (purge after pending deletion).
    func remove(id: String) async throws
}
