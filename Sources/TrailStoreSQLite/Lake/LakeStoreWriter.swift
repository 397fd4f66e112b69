import Foundation
import GRDB
import GRDBSQLite
import TrailLakeSQL
import TrailModel
import TrailStore

/// The writer side of one store: the symbol dictionary cache, the next sequence number, the raw tail's size,
/// and the prepared insert statements.
///
/// `@unchecked Sendable`: every method runs inside the store's `DatabaseQueue.write` closures, which the queue
/// serialises, so the mutable state is never touched by two threads at once.
final class LakeStoreWriter: @unchecked Sendable {
    let family: LakeStoreFamily
    let configuration: SQLiteEventDataStore.Configuration
    private let extractor: LakeFieldExtractor

    private var isLoaded = false
    private var symbols: [String: (id: Int64, cols: Int64)] = [:]
    private var nextSymbol: Int64 = 1
    private var nextSeq: Int64 = 1
    private var tailCount = 0
    private var tailBytes = 0

    init(family: LakeStoreFamily, configuration: SQLiteEventDataStore.Configuration) {
        self.family = family
        self.configuration = configuration
        self.extractor = LakeFieldExtractor(family: family)
    }

    /// Forgets the cached state (after a rollback): the next write reloads it.
    func invalidate() {
        isLoaded = false
        symbols = [:]
    }

    func load(_ db: Database) throws {
        guard !isLoaded else { return }
        symbols = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, value, cols FROM symbols")
        while let row = try cursor.next() {
            let value: String = row[1]
            let id: Int64 = row[0]
            let cols: Int64 = row[2]
            symbols[value] = (id, cols)
        }
        nextSymbol = (try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM symbols") ?? 0) + 1
        nextSeq = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'next_seq'") ?? 1
        let tail = try Row.fetchOne(db, sql: "SELECT count(*), coalesce(sum(length(raw)), 0) FROM raw_tail")
        tailCount = tail?[0] ?? 0
        tailBytes = tail?[1] ?? 0
        isLoaded = true
    }

    /// The id of `value` in the dictionary, marking it as occurring in symbol column `bit`.
    private func symbolID(_ value: String, bit: Int, db: Database) throws -> Int64 {
        let mask: Int64 = 1 << Int64(bit)
        if let known = symbols[value] {
            if known.cols & mask == 0 {
                try db.execute(sql: "UPDATE symbols SET cols = cols | ? WHERE id = ?", arguments: [mask, known.id])
                symbols[value] = (known.id, known.cols | mask)
            }
            return known.id
        }
        let id = nextSymbol
        let statement = try db.cachedStatement(sql: "INSERT INTO symbols(id, value, cols) VALUES (?, ?, ?)")
        let raw = statement.sqliteStatement
        sqlite3_reset(raw)
        sqlite3_bind_int64(raw, 1, id)
        SQLiteRaw.bind(raw, 2, value)
        sqlite3_bind_int64(raw, 3, mask)
        guard sqlite3_step(raw) == SQLITE_DONE else { throw DatabaseError(resultCode: .SQLITE_ERROR, message: SQLiteRaw.message(db.sqliteConnection)) }
        nextSymbol += 1
        symbols[value] = (id, mask)
        return id
    }

    static let insertEventsSQL: String = {
        let columns = ["seq", "eventtime"] + LakePhysicalSchema.symbolColumns + LakePhysicalSchema.flagColumns + ["rawsize"]
        return "INSERT INTO events(" + columns.joined(separator: ", ") + ") VALUES ("
            + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    }()

    /// Inserts the rows of `records` (skipping those older than `retainFrom` and those that are not JSON objects),
    /// updates the day statistics and the next sequence, and seals the tail when it is full.
    func insert(_ records: [AuditRecord], retainFrom: Int64?, db: Database) throws {
        guard !records.isEmpty else { return }
        let events = try db.cachedStatement(sql: Self.insertEventsSQL).sqliteStatement
        var pending: [PendingRecord] = []
        pending.reserveCapacity(records.count)
        var pendingBytes = 0
        var days: [Int64: (events: Int64, bytes: Int64)] = [:]
        let symbolCount = LakePhysicalSchema.symbolColumns.count
        for record in records {
            guard let fields = extractor.fields(of: record.raw) else { continue }
            let eventTime = fields.eventTime ?? record.eventTime * 1000
            if let retainFrom, eventTime < retainFrom { continue }
            let seq = nextSeq
            sqlite3_reset(events)
            sqlite3_bind_int64(events, 1, seq)
            sqlite3_bind_int64(events, 2, eventTime)
            for (index, value) in fields.symbols.enumerated() {
                if let value {
                    sqlite3_bind_int64(events, Int32(3 + index), try symbolID(value, bit: index, db: db))
                } else {
                    sqlite3_bind_null(events, Int32(3 + index))
                }
            }
            for (index, flag) in fields.flags.enumerated() { SQLiteRaw.bind(events, Int32(3 + symbolCount + index), flag) }
            sqlite3_bind_int64(events, Int32(3 + symbolCount + fields.flags.count), Int64(record.raw.count))
            try step(events, db)
            pending.append(PendingRecord(seq: seq, raw: record.raw, time: eventTime))
            pendingBytes += record.raw.count
            nextSeq += 1
            let day = eventTime >= 0 ? eventTime / 86_400_000 : (eventTime - 86_399_999) / 86_400_000
            days[day, default: (0, 0)].events += 1
            days[day, default: (0, 0)].bytes += Int64(record.raw.count)
        }
        for (day, counts) in days {
            try db.execute(
                sql: """
                    INSERT INTO days(day, events, bytes) VALUES (?, ?, ?)
                    ON CONFLICT(day) DO UPDATE SET events = events + excluded.events, bytes = bytes + excluded.bytes
                    """, arguments: [day, counts.events, counts.bytes])
        }
        try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'next_seq'", arguments: [nextSeq])
        if tailCount + pending.count >= configuration.blockRecords || tailBytes + pendingBytes >= configuration.blockBytes {
            // Full blocks are written straight from memory; only the remainder goes to the tail.
            try seal(force: false, pending: pending, db: db)
        } else {
            try insertTail(pending, db: db)
            tailCount += pending.count
            tailBytes += pendingBytes
        }
    }

    /// A record not yet in a block.
    struct PendingRecord {
        var seq: Int64
        var raw: Data
        var time: Int64
    }

    private func insertTail(_ records: some Sequence<PendingRecord>, db: Database) throws {
        let tail = try db.cachedStatement(sql: "INSERT INTO raw_tail(seq, raw) VALUES (?, ?)").sqliteStatement
        for record in records {
            sqlite3_reset(tail)
            sqlite3_bind_int64(tail, 1, record.seq)
            SQLiteRaw.bind(tail, 2, blob: record.raw)
            try step(tail, db)
        }
    }

    private func step(_ statement: OpaquePointer, _ db: Database) throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: SQLiteRaw.message(db.sqliteConnection))
        }
    }

    /// Moves the raw tail, followed by `pending` records (not in the tail yet), into compressed blocks: full blocks
    /// only, or everything when `force`. What is left becomes the tail.
    func seal(force: Bool, pending: [PendingRecord] = [], db: Database) throws {
        guard tailCount > 0 || !pending.isEmpty else { return }
        var rows: [PendingRecord] = []
        if tailCount > 0 {
            let sql = "SELECT t.seq, t.raw, coalesce(e.eventtime, 0) FROM raw_tail t LEFT JOIN events e ON e.seq = t.seq ORDER BY t.seq"
            for row in try Row.fetchAll(db, sql: sql) { rows.append(PendingRecord(seq: row[0], raw: row[1], time: row[2])) }
        }
        let storedThrough = rows.last?.seq ?? Int64.min
        rows += pending
        var chunk: [PendingRecord] = []
        var chunkBytes = 0
        var sealedThrough: Int64?
        func emit() throws {
            guard let first = chunk.first, let last = chunk.last else { return }
            guard let block = LakeRawBlock.seal(chunk.map(\.raw), level: configuration.compressionLevel) else {
                throw StoreError(.corrupt, "cannot compress a raw block")
            }
            try db.execute(
                sql: "INSERT INTO raw_blocks(first_seq, last_seq, count, min_time, max_time, data) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [first.seq, last.seq, chunk.count, chunk.map(\.time).min() ?? 0, chunk.map(\.time).max() ?? 0, block])
            sealedThrough = last.seq
            chunk = []
            chunkBytes = 0
        }
        for row in rows {
            chunk.append(row)
            chunkBytes += row.raw.count
            if chunk.count >= configuration.blockRecords || chunkBytes >= configuration.blockBytes { try emit() }
        }
        if force { try emit() }
        if let sealedThrough {
            try db.execute(sql: "DELETE FROM raw_tail WHERE seq <= ?", arguments: [sealedThrough])
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'sealed_through'", arguments: [sealedThrough])
        }
        // The unsealed rest is the new tail; those that came from memory are written to it.
        try insertTail(chunk.lazy.filter { $0.seq > storedThrough }, db: db)
        tailCount = chunk.count
        tailBytes = chunkBytes
    }
}
