import Synchronization
import TrailLakeSQL
import TrailModel
import TrailStore

/// An event data store kept in memory, for tests of the Lake services (never used by `serve`).
///
/// It keeps the contract of ``EventDataStoreStorage``: positions only move forward, records older than
/// `retainFrom` are skipped, and an imported file is appended once per (import, key).
public actor TestEventDataStoreStorage: EventDataStoreStorage {
    public nonisolated let id: String
    public nonisolated let family: LakeStoreFamily
    /// The stored records, in append order.
    public private(set) var records: [AuditRecord] = []
    private var position: Int64 = 0
    private var importedFiles = Set<String>()
    /// How many times ``flush()`` ran.
    public private(set) var flushes = 0

    public init(id: String, family: LakeStoreFamily) {
        self.id = id
        self.family = family
    }

    public func append(_ records: [AuditRecord], position: Int64, retainFrom: Int64?) {
        self.records += records.filter { r in retainFrom.map { r.eventTime * 1000 >= $0 } ?? true }
        self.position = Swift.max(self.position, position)
    }

    public func ingestPosition() -> Int64 { position }

    public func appendImported(_ records: [AuditRecord], importID: String, key: String, retainFrom: Int64?) -> Bool {
        guard importedFiles.insert(importID + "\n" + key).inserted else { return false }
        self.records += records.filter { r in retainFrom.map { r.eventTime * 1000 >= $0 } ?? true }
        return true
    }

    public func purge(before cutoff: Int64) -> Int {
        let before = records.count
        records.removeAll { $0.eventTime * 1000 < cutoff }
        return before - records.count
    }

    public func statistics() -> EventDataStoreStatistics {
        EventDataStoreStatistics(
            events: records.count, bytesOnDisk: 0, rawBytes: Int64(records.reduce(0) { $0 + $1.raw.count }),
            oldestEventTime: records.map { $0.eventTime * 1000 }.min(), newestEventTime: records.map { $0.eventTime * 1000 }.max())
    }

    public func flush() { flushes += 1 }
}

/// Opens ``TestEventDataStoreStorage``s and remembers which were removed (for tests only).
public final class TestEventDataStoreStorageFactory: EventDataStoreStorageFactory {
    private let state = Mutex<(open: [String: TestEventDataStoreStorage], removed: [String])>(([:], []))

    public init() {}

    public func open(id: String, family: LakeStoreFamily) -> any EventDataStoreStorage {
        state.withLock { s in
            if let existing = s.open[id] { return existing }
            let created = TestEventDataStoreStorage(id: id, family: family)
            s.open[id] = created
            return created
        }
    }

    public func remove(id: String) {
        state.withLock { s in
            s.open[id] = nil
            s.removed.append(id)
        }
    }

    /// The store `id`, when it is open.
    public func storage(_ id: String) -> TestEventDataStoreStorage? { state.withLock { $0.open[id] } }

    /// The IDs removed so far, in order.
    public var removed: [String] { state.withLock { $0.removed } }
}
