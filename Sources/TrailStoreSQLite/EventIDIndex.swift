import Foundation
import GRDB
import Logging

/// The eventID → sequence index, kept in its own SQLite file beside the journal.
///
/// Why apart: event IDs are random UUIDs, so a B-tree keyed on them dirties about one page per
/// new event. Inside the journal that cost is paid in the WAL and fsynced on every group
/// commit (measured: ingest fell from ~30 k to ~10 k events/s between 0.2 M and 1 M stored
/// events). Here the index is written with `synchronous=OFF`, so repeated writes to a hot page
/// are absorbed by the page cache and never wait for the disk.
///
/// Durability comes from the journal instead: the index is updated only after the journal has
/// committed, records its high-water mark (`watermark`), and on open re-indexes every journal
/// entry past that mark. A file damaged by a power loss fails `quick_check` and is rebuilt from
/// the journal. So the index is never ahead of the journal, and after recovery never behind it.
struct EventIDIndex: Sendable {
    let queue: DatabaseQueue

    init(path: String, logger: Logger) throws {
        var config = GRDB.Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.execute(sql: "PRAGMA cache_size = -131072")
        }
        func open() throws -> DatabaseQueue {
            let q = try DatabaseQueue(path: path, configuration: config)
            try q.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS ids (event_id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
                        CREATE TABLE IF NOT EXISTS watermark (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
                        INSERT OR IGNORE INTO watermark(id, seq) VALUES (1, 0);
                        """)
            }
            let ok = try q.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") }
            guard ok == "ok" else { throw StoreIndexDamaged() }
            return q
        }
        do {
            queue = try open()
        } catch {
            logger.warning("event ID index damaged; rebuilding it from the journal", metadata: ["trail.path": "\(path)"])
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            queue = try open()
        }
    }

    struct StoreIndexDamaged: Error {}

    /// The journal position up to which the index is complete.
    func watermark() throws -> Int64 {
        try queue.read { db in try Int64.fetchOne(db, sql: "SELECT seq FROM watermark WHERE id = 1") ?? 0 }
    }

    /// The IDs of `candidates` that are already indexed.
    func existing(_ candidates: [String]) async throws -> Set<String> {
        guard !candidates.isEmpty else { return [] }
        return try await queue.read { db in
            var found = Set<String>()
            for chunk in stride(from: 0, to: candidates.count, by: 500) {
                let slice = Array(candidates[chunk..<min(chunk + 500, candidates.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
                let rows = try String.fetchAll(
                    db, sql: "SELECT event_id FROM ids WHERE event_id IN (\(marks))", arguments: StatementArguments(slice))
                found.formUnion(rows)
            }
            return found
        }
    }

    /// The journal position of one event.
    func sequence(of eventID: String) throws -> Int64? {
        try queue.read { db in try Int64.fetchOne(db, sql: "SELECT seq FROM ids WHERE event_id = ?", arguments: [eventID]) }
    }

    /// Records newly committed journal entries and moves the watermark to `through`.
    func insert(_ entries: [(String, Int64)], through: Int64) async throws {
        try await queue.write { db in
            let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO ids(event_id, seq) VALUES (?, ?)")
            for (id, seq) in entries {
                statement.setUncheckedArguments([id, seq])
                try statement.execute()
            }
            try db.execute(sql: "UPDATE watermark SET seq = max(seq, ?) WHERE id = 1", arguments: [through])
        }
    }

    func insertNow(_ entries: [(String, Int64)], through: Int64) throws {
        try queue.write { db in
            let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO ids(event_id, seq) VALUES (?, ?)")
            for (id, seq) in entries {
                statement.setUncheckedArguments([id, seq])
                try statement.execute()
            }
            try db.execute(sql: "UPDATE watermark SET seq = max(seq, ?) WHERE id = 1", arguments: [through])
        }
    }

    /// Forgets expired events.
    func remove(_ ids: [String]) throws {
        guard !ids.isEmpty else { return }
        try queue.write { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM ids WHERE event_id = ?")
            for id in ids {
                statement.setUncheckedArguments([id])
                try statement.execute()
            }
        }
    }

    /// Brings the index up to the journal: indexes every entry past the watermark.
    /// - Returns: how many entries were indexed.
    func catchUp(with journal: DatabasePool) throws -> Int {
        var position = try watermark()
        let last = try journal.read { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM events") ?? 0 }
        if position > last {
            // The journal is behind the index (restored from an older copy): forget the future.
            try queue.write { db in
                try db.execute(sql: "DELETE FROM ids WHERE seq > ?", arguments: [last])
                try db.execute(sql: "UPDATE watermark SET seq = ? WHERE id = 1", arguments: [last])
            }
            return 0
        }
        var indexed = 0
        while position < last {
            let from = position
            let rows = try journal.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT event_id, seq FROM events WHERE seq > ? ORDER BY seq LIMIT 50000", arguments: [from])
            }
            guard let end: Int64 = rows.last?["seq"] else { break }
            try insertNow(rows.map { ($0["event_id"], $0["seq"]) }, through: end)
            indexed += rows.count
            position = end
        }
        if position < last { try insertNow([], through: last) }
        return indexed
    }
}
