import Foundation
import GRDB
import TrailModel
import TrailStore

/// Findings and their pending alerts in one SQLite file (by default `DATA_DIR/findings.sqlite`),
/// WAL, `synchronous=FULL`: the embedded ``FindingStore`` and ``AlertLedger``.
///
/// One row per (eventID, rule). Its `alert_state` column is the ledger: `NULL` (no alert owed),
/// `pending`, `sent` or `failed` (with `alert_error`).
///
/// - As the embedded finding store, ``insert(_:)`` writes each batch in one transaction
///   (`INSERT … ON CONFLICT DO NOTHING`), reports the rows it added, and records each added
///   finding as owing an alert (`pending`): storing and owing are one write, so a crash can lose
///   neither. A finding already stored keeps its state (an alert is never owed twice).
/// - As a ledger only (when the findings themselves go to PostgreSQL or DynamoDB),
///   ``recordPending(_:)`` adds missing rows as `pending` and moves rows with no alert state to
///   `pending`; its file then holds the findings that owed an alert, not necessarily all findings.
public final class SQLiteFindingStore: FindingStore, AlertLedger {
    let pool: DatabasePool

    /// Opens (creating when missing) the database at `path`.
    ///
    /// - Throws: ``StoreError`` `unavailable` when the file cannot be opened or migrated.
    public init(path: String) throws {
        var config = GRDB.Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError(.unavailable, "cannot open the findings database at \(path)", underlying: error)
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-findings") { db in
            try db.execute(
                sql: """
                    CREATE TABLE findings (
                        event_id TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        description TEXT NOT NULL,
                        event_name TEXT, event_source TEXT,
                        event_time INTEGER NOT NULL,
                        who TEXT, source_ip TEXT, region TEXT, account TEXT,
                        origin TEXT NOT NULL,
                        detected_at INTEGER NOT NULL,
                        record BLOB NOT NULL,
                        alert_state TEXT, alert_error TEXT,
                        PRIMARY KEY (event_id, rule)
                    );
                    CREATE INDEX findings_by_time ON findings (event_time DESC);
                    CREATE INDEX findings_by_rule ON findings (rule, event_time DESC);
                    CREATE INDEX findings_pending ON findings (detected_at) WHERE alert_state = 'pending';
                    """)
        }
        return m
    }

    static let columns =
        "event_id, rule, severity, description, event_name, event_source, event_time, who, source_ip, region, account, origin, detected_at, record"

    static func arguments(_ f: Finding) -> StatementArguments {
        [
            f.eventID, f.rule, f.severity.rawValue, f.ruleDescription, f.eventName, f.eventSource, f.eventTime, f.who,
            f.sourceIPAddress, f.region, f.account, f.origin, f.detectedAt, f.record,
        ]
    }

    static func finding(_ row: Row) throws -> Finding {
        let severityText: String = row["severity"]
        guard let severity = Severity(parsing: severityText) else {
            throw StoreError(.corrupt, "a stored finding has an unknown severity")
        }
        return Finding(
            eventID: row["event_id"], rule: row["rule"], severity: severity, ruleDescription: row["description"],
            eventName: row["event_name"], eventSource: row["event_source"], eventTime: row["event_time"],
            who: row["who"], sourceIPAddress: row["source_ip"], region: row["region"], account: row["account"],
            origin: row["origin"], detectedAt: row["detected_at"], record: row["record"]
        )
    }

    // MARK: FindingStore

    /// Stores the findings in one transaction, new ones as owing an alert; returns the keys that
    /// were not stored before.
    public func insert(_ findings: [Finding]) async throws -> Set<FindingKey> {
        guard !findings.isEmpty else { return [] }
        return try await pool.write { db in
            var added: Set<FindingKey> = []
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO findings (\(Self.columns), alert_state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'pending')
                    ON CONFLICT DO NOTHING
                    """)
            for finding in findings {
                try statement.execute(arguments: Self.arguments(finding))
                if db.changesCount > 0 { added.insert(finding.key) }
            }
            return added
        }
    }

    /// Findings matching `query`, newest eventTime first (then by eventID and rule).
    public func findings(_ query: FindingQuery) async throws -> [Finding] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let rule = query.rule {
            conditions.append("rule = ?")
            arguments += [rule]
        }
        if let eventID = query.eventID {
            conditions.append("event_id = ?")
            arguments += [eventID]
        }
        if let minimum = query.minimumSeverity {
            let allowed = Severity.allCases.filter { $0 >= minimum }
            conditions.append("severity IN (\(allowed.map { _ in "?" }.joined(separator: ",")))")
            arguments += StatementArguments(allowed.map(\.rawValue))
        }
        arguments += [max(0, query.limit)]
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql =
            "SELECT * FROM findings \(whereClause) ORDER BY event_time DESC, event_id, rule LIMIT ?"
        let bound = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: bound).map(Self.finding)
        }
    }

    /// How many findings are stored.
    public func count() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM findings") ?? 0 }
    }

    /// Closes the database.
    public func close() async throws { try pool.close() }

    // MARK: AlertLedger

    /// Marks these findings as owing an alert: adds missing rows as `pending`, moves rows with no
    /// alert state to `pending`, and leaves rows already pending, sent or failed as they are.
    public func recordPending(_ findings: [Finding]) async throws {
        guard !findings.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO findings (\(Self.columns), alert_state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'pending')
                    ON CONFLICT (event_id, rule) DO UPDATE SET alert_state = 'pending' WHERE alert_state IS NULL
                    """)
            for finding in findings { try statement.execute(arguments: Self.arguments(finding)) }
        }
    }

    /// Up to `limit` pending findings, oldest detection first.
    public func pendingAlerts(limit: Int) async throws -> [Finding] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM findings WHERE alert_state = 'pending' ORDER BY detected_at, rowid LIMIT ?",
                arguments: [max(0, limit)]
            ).map(Self.finding)
        }
    }

    /// Marks findings `sent` (when `failure` is nil) or `failed` with `failure` as the reason.
    public func markAlerted(_ keys: [FindingKey], failure: String?) async throws {
        guard !keys.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(
                sql: "UPDATE findings SET alert_state = ?, alert_error = ? WHERE event_id = ? AND rule = ?")
            for key in keys {
                try statement.execute(arguments: [failure == nil ? "sent" : "failed", failure, key.eventID, key.rule])
            }
        }
    }
}
