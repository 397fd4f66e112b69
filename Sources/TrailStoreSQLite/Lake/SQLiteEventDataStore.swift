import Foundation
import GRDB
import GRDBSQLite
import TrailLakeSQL
import TrailModel
import TrailStore

/// One CloudTrail Lake event data store in its own SQLite file (plan §2.2): a narrow `events` table of
/// dictionary-encoded columns with four indexes, the raw records in deflate-compressed blocks, per-day
/// statistics, the live ingest position and the files already imported.
///
/// Writes are serialised by one GRDB `DatabaseQueue`; every append commits its rows together with the position
/// (or imported file) it covers.
public final class SQLiteEventDataStore: EventDataStoreStorage {
    /// Knobs of a store file.
    public struct Configuration: Sendable, Hashable {
        /// Records per sealed raw block.
        public var blockRecords: Int
        /// Uncompressed bytes after which the raw tail is sealed even when it has fewer records.
        public var blockBytes: Int
        /// libdeflate level of sealed blocks.
        public var compressionLevel: Int
        /// `PRAGMA synchronous`: FULL survives power loss, NORMAL process crashes.
        public var synchronousFull: Bool

        /// Creates a configuration.
        public init(blockRecords: Int = 256, blockBytes: Int = 512 * 1024, compressionLevel: Int = 6, synchronousFull: Bool = false) {
            self.blockRecords = blockRecords
            self.blockBytes = blockBytes
            self.compressionLevel = compressionLevel
            self.synchronousFull = synchronousFull
        }
    }

    /// The store's ID (the file is `<id>.sqlite`).
    public let id: String
    /// The kind of events the store holds; decides which JSON fields fill the physical columns.
    public let family: LakeStoreFamily
    /// The database file.
    public let path: String
    let configuration: Configuration
    let queue: DatabaseQueue
    let writer: LakeStoreWriter

    /// Opens (and creates when missing) the store file at `path`.
    public init(id: String, family: LakeStoreFamily, path: String, configuration: Configuration = .init()) throws {
        self.id = id
        self.family = family
        self.path = path
        self.configuration = configuration
        var config = GRDB.Configuration()
        let synchronous = configuration.synchronousFull ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        do {
            if !FileManager.default.fileExists(atPath: path) {
                // The page size must be set before the database enters WAL mode.
                let creator = try DatabaseQueue(path: path)
                try creator.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA page_size = 16384")
                    try db.execute(sql: "VACUUM")
                    _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                }
                try creator.close()
            }
            queue = try DatabaseQueue(path: path, configuration: config)
            try Self.migrator.migrate(queue)
            try queue.write { db in
                try db.execute(sql: "INSERT OR IGNORE INTO meta(key, value) VALUES ('store_id', ?), ('family', ?)", arguments: [id, family.rawValue])
            }
        } catch {
            throw StoreError(.unavailable, "cannot open event data store \(id)", underlying: error)
        }
        writer = LakeStoreWriter(family: family, configuration: configuration)
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-lake-store") { db in
            let symbolColumns = LakePhysicalSchema.symbolColumns.map { "\($0) INTEGER" }.joined(separator: ", ")
            let flagColumns = LakePhysicalSchema.flagColumns.map { "\($0) INTEGER" }.joined(separator: ", ")
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
                    CREATE TABLE symbols (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE, cols INTEGER NOT NULL);
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY, eventtime INTEGER NOT NULL, \(symbolColumns), \(flagColumns),
                        rawsize INTEGER NOT NULL);
                    CREATE INDEX ev_time ON events(eventtime);
                    CREATE INDEX ev_name ON events(s_eventname, eventtime);
                    CREATE INDEX ev_source ON events(s_eventsource, eventtime);
                    CREATE INDEX ev_arn ON events(s_ui_arn, eventtime);
                    CREATE TABLE raw_blocks (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, count INTEGER NOT NULL,
                        min_time INTEGER NOT NULL, max_time INTEGER NOT NULL, data BLOB NOT NULL);
                    CREATE TABLE raw_tail (seq INTEGER PRIMARY KEY, raw BLOB NOT NULL);
                    CREATE TABLE days (day INTEGER PRIMARY KEY, events INTEGER NOT NULL, bytes INTEGER NOT NULL);
                    CREATE TABLE import_files (import_id TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (import_id, key)) WITHOUT ROWID;
                    INSERT INTO meta(key, value) VALUES ('schema_version', 1), ('ingest_position', 0), ('next_seq', 1),
                        ('sealed_through', 0);
                    """)
        }
        return m
    }

    // MARK: EventDataStoreStorage

    public func append(_ records: [AuditRecord], position: Int64, retainFrom: Int64?) async throws {
        try await write { db, writer in
            try writer.insert(records, retainFrom: retainFrom, db: db)
            // Never backwards: a store (re)started at the journal's end may race a batch already in flight.
            try db.execute(
                sql: "UPDATE meta SET value = max(CAST(value AS INTEGER), ?) WHERE key = 'ingest_position'", arguments: [position])
        }
    }

    public func ingestPosition() async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'ingest_position'") ?? 0 }
    }

    public func appendImported(_ records: [AuditRecord], importID: String, key: String, retainFrom: Int64?) async throws -> Bool {
        try await write { db, writer in
            let seen = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM import_files WHERE import_id = ? AND key = ?", arguments: [importID, key]) ?? false
            if seen { return false }
            try writer.insert(records, retainFrom: retainFrom, db: db)
            try db.execute(sql: "INSERT INTO import_files(import_id, key) VALUES (?, ?)", arguments: [importID, key])
            return true
        }
    }

    public func purge(before cutoff: Int64) async throws -> Int {
        var total = 0
        while true {
            // Chunks keep each transaction (and the WAL) small on a large store.
            let deleted = try await write { db, _ in try LakeStorePurge.purgeChunk(before: cutoff, limit: 50_000, db: db) }
            total += deleted
            if deleted < 50_000 { break }
        }
        try await write { db, _ in try LakeStorePurge.finish(before: cutoff, db: db) }
        return total
    }

    public func statistics() async throws -> EventDataStoreStatistics {
        let (events, rawBytes, oldest, newest) = try await read { db in
            let row = try Row.fetchOne(db, sql: "SELECT coalesce(sum(events), 0) AS n, coalesce(sum(bytes), 0) AS b FROM days")
            let times = try Row.fetchOne(db, sql: "SELECT min(eventtime) AS lo, max(eventtime) AS hi FROM events")
            return (row?["n"] as Int? ?? 0, row?["b"] as Int64? ?? 0, times?["lo"] as Int64?, times?["hi"] as Int64?)
        }
        var onDisk: Int64 = 0
        for suffix in ["", "-wal"] {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + suffix)
            onDisk += (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        }
        return EventDataStoreStatistics(events: events, bytesOnDisk: onDisk, rawBytes: rawBytes, oldestEventTime: oldest, newestEventTime: newest)
    }

    public func flush() async throws {
        try await write { db, writer in try writer.seal(force: true, db: db) }
    }

    /// Closes the database; later calls fail.
    public func close() throws {
        try queue.close()
    }

    // MARK: Helpers

    func write<T: Sendable>(_ body: @escaping @Sendable (Database, LakeStoreWriter) throws -> T) async throws -> T {
        let writer = self.writer
        do {
            return try await queue.write { db in
                do {
                    try writer.load(db)
                    return try body(db, writer)
                } catch {
                    // The transaction rolls back: forget the cached counters and symbols.
                    writer.invalidate()
                    throw error
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "event data store \(id) write failed", underlying: error)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await queue.read(body)
        } catch {
            throw StoreError(.unavailable, "event data store \(id) read failed", underlying: error)
        }
    }
}
