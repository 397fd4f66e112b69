import Foundation
import GRDB
import Synchronization
import TrailModel
import TrailStore

/// The Insights analyzer's state in its own SQLite file (`DATA_DIR/insights.sqlite`, WAL).
///
/// Tables: `insight_keys` (one row per series), `minute_counts` (series, minute → count; the source of
/// baselines after a restart and of ListInsightsMetricData) and `analyzer` (one row: the journal
/// position and the encoded detector state). ``commit(position:state:adding:)`` writes all three in one
/// transaction, so the counts are always exactly as far as the position. `synchronous=NORMAL`: a power
/// loss may undo the last commits, but together with their position, so the analyzer re-reads them.
public final class SQLiteInsightStateStore: InsightStateStore {
    let pool: DatabasePool
    /// Series → row ID, filled as rows are read or committed.
    private let keyIDs = Mutex([InsightKey: Int64]())

    /// Opens (creating when missing) the state file at `path`.
    public init(path: String) throws {
        var config = GRDB.Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError(.unavailable, "cannot open the Insights state at \(path)", underlying: error)
        }
    }

    /// Closes the file.
    public func close() throws { try pool.close() }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-insights") { db in
            try db.execute(
                sql: """
                    CREATE TABLE insight_keys (
                        id INTEGER PRIMARY KEY,
                        account TEXT NOT NULL, region TEXT NOT NULL, category TEXT NOT NULL,
                        event_source TEXT NOT NULL, event_name TEXT NOT NULL, insight_type TEXT NOT NULL,
                        error_code TEXT NOT NULL DEFAULT '',
                        UNIQUE (account, region, category, event_source, event_name, insight_type, error_code)
                    );
                    CREATE TABLE minute_counts (
                        key_id INTEGER NOT NULL, minute INTEGER NOT NULL, count INTEGER NOT NULL,
                        PRIMARY KEY (key_id, minute)
                    ) WITHOUT ROWID;
                    CREATE INDEX minute_counts_by_minute ON minute_counts (minute);
                    CREATE TABLE analyzer (
                        id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, state BLOB NOT NULL
                    );
                    """)
        }
        return m
    }

    public func snapshot() async throws -> InsightAnalyzerSnapshot? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT position, state FROM analyzer WHERE id = 1") else { return nil }
            return InsightAnalyzerSnapshot(position: row["position"], state: row["state"])
        }
    }

    public func commit(position: Int64, state: Data, adding counts: [InsightMinuteCount]) async throws {
        let known = keyIDs.withLock { $0 }
        let created = try await pool.write { db -> [InsightKey: Int64] in
            var created: [InsightKey: Int64] = [:]
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO minute_counts (key_id, minute, count) VALUES (?, ?, ?)
                    ON CONFLICT (key_id, minute) DO UPDATE SET count = count + excluded.count
                    """)
            for count in counts where count.count != 0 {
                let id: Int64
                if let existing = known[count.key] ?? created[count.key] {
                    id = existing
                } else {
                    id = try Self.keyID(count.key, in: db)
                    created[count.key] = id
                }
                try upsert.execute(arguments: [id, count.minute, count.count])
            }
            try db.execute(
                sql: """
                    INSERT INTO analyzer (id, position, state) VALUES (1, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET position = excluded.position, state = excluded.state
                    """, arguments: [position, state])
            return created
        }
        if !created.isEmpty { keyIDs.withLock { $0.merge(created) { a, _ in a } } }
    }

    /// The row ID of `key`, inserting the series when new.
    static func keyID(_ key: InsightKey, in db: Database) throws -> Int64 {
        let arguments: StatementArguments = [
            key.account, key.region, key.category, key.eventSource, key.eventName, key.insightType.rawValue,
            key.errorCode ?? "",
        ]
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO insight_keys (account, region, category, event_source, event_name, insight_type, error_code)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: arguments)
        guard
            let id = try Int64.fetchOne(
                db,
                sql: """
                    SELECT id FROM insight_keys WHERE account = ? AND region = ? AND category = ? AND event_source = ?
                    AND event_name = ? AND insight_type = ? AND error_code = ?
                    """, arguments: arguments)
        else { throw StoreError(.corrupt, "an Insights series row vanished") }
        return id
    }

    static func key(_ row: Row) -> InsightKey? {
        guard let type = InsightType(rawValue: row["insight_type"]) else { return nil }
        let error: String = row["error_code"]
        return InsightKey(
            account: row["account"], region: row["region"], category: row["category"], eventSource: row["event_source"],
            eventName: row["event_name"], insightType: type, errorCode: error.isEmpty ? nil : error)
    }

    public func counts(types: Set<InsightType>, fromMinute from: Int64, toMinute to: Int64) async throws
        -> [InsightMinuteCount]
    {
        guard !types.isEmpty else { return [] }
        let typeList = types.map(\.rawValue).sorted()
        var arguments: [(any DatabaseValueConvertible)?] = [from, to]
        arguments += typeList.map { $0 as (any DatabaseValueConvertible)? }
        let bound = StatementArguments(arguments)
        return try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT k.account, k.region, k.category, k.event_source, k.event_name, k.insight_type, k.error_code,
                        c.minute, c.count
                    FROM minute_counts c JOIN insight_keys k ON k.id = c.key_id
                    WHERE c.minute >= ? AND c.minute < ? AND k.insight_type IN (\(typeList.map { _ in "?" }.joined(separator: ",")))
                    ORDER BY c.minute, c.key_id
                    """, arguments: bound)
            return rows.compactMap { row in
                Self.key(row).map { InsightMinuteCount(key: $0, minute: row["minute"], count: row["count"]) }
            }
        }
    }

    public func counts(matching filter: InsightSeriesFilter, fromMinute from: Int64, toMinute to: Int64) async throws
        -> [Int64: Int]
    {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.minute, sum(c.count) AS total
                    FROM minute_counts c JOIN insight_keys k ON k.id = c.key_id
                    WHERE k.account = ? AND k.region = ? AND k.event_source = ? AND k.event_name = ?
                        AND k.insight_type = ? AND k.error_code = ? AND c.minute >= ? AND c.minute < ?
                    GROUP BY c.minute
                    """,
                arguments: [
                    filter.account, filter.region, filter.eventSource, filter.eventName, filter.insightType.rawValue,
                    filter.errorCode ?? "", from, to,
                ])
            var out: [Int64: Int] = [:]
            for row in rows {
                let total: Int = row["total"]
                if total != 0 { out[row["minute"]] = total }
            }
            return out
        }
    }

    public func removeCounts(before minute: Int64) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM minute_counts WHERE minute < ?", arguments: [minute])
            return db.changesCount
        }
    }
}
