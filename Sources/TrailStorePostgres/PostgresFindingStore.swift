import Foundation
import Logging
import PostgresNIO
import Synchronization
import TrailModel
import TrailStore

/// Findings in a PostgreSQL table (by default `findings`), created when missing.
///
/// Each finding is one row keyed by (`event_id`, `rule`); ``insert(_:)`` is one
/// `INSERT … ON CONFLICT (event_id, rule) DO NOTHING RETURNING event_id, rule` per 500 findings,
/// so the keys returned are exactly those this call added, even with concurrent writers.
/// The record is kept twice: `record_text` (TEXT) holds the original bytes, which ``findings(_:)``
/// returns; `record` (JSONB) lets SQL users query its fields (`record->'userIdentity'->>'arn'`).
/// JSONB cannot hold the escape `\u0000`; a record containing it gets a NULL `record`.
///
/// ## Running
/// The store owns a `PostgresClient`, which serves queries only while ``run()`` runs: run it in a
/// task group or a `ServiceGroup`, or use ``withStore(url:table:logger:_:)``. ``close()`` makes
/// ``run()`` return (cancelling its task does too); the client's connections are closed then.
public final class PostgresFindingStore: FindingStore {
    /// The table.
    public let table: String
    let client: PostgresClient
    let logger: Logger
    private let closing: AsyncStream<Void>
    private let closer: AsyncStream<Void>.Continuation
    private let schemaReady = Mutex(false)
    private let isRunning = Mutex(false)
    private let startTimeout: Duration

    /// A store on the database of `url`: `postgres://user[:password]@host[:port][/database]`
    /// (`postgresql://` too). Query parameters such as `sslmode` are ignored: connections are not
    /// encrypted (use a local socket tunnel or a private network).
    ///
    /// - Parameters:
    ///   - url: the database URL; user name and password are percent-decoded.
    ///   - table: the table name (letters, digits and `_`, not starting with a digit).
    ///   - logger: for the client's background messages.
    /// - Throws: ``StoreError`` `invalidArgument` for an unusable URL or table name.
    ///   - startTimeout: how long an operation waits for ``run()`` to start before failing.
    public init(url: String, table: String = "findings", startTimeout: Duration = .seconds(10), logger: Logger) throws {
        guard Self.isIdentifier(table) else {
            throw StoreError(.invalidArgument, "not a usable table name: \(table)")
        }
        self.table = table
        self.logger = logger
        self.startTimeout = startTimeout
        client = PostgresClient(configuration: try Self.configuration(url: url), backgroundLogger: logger)
        let stream = AsyncStream<Void>.makeStream()
        closing = stream.stream
        closer = stream.continuation
    }

    /// The client configuration of a `postgres://` URL.
    ///
    /// - Throws: ``StoreError`` `invalidArgument` when the URL has another scheme, no host or no user.
    public static func configuration(url text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw StoreError(.invalidArgument, "not a postgres:// URL")
        }
        guard let host = url.host, !host.isEmpty else {
            throw StoreError(.invalidArgument, "the postgres:// URL names no host")
        }
        guard let user = url.user?.removingPercentEncoding, !user.isEmpty else {
            throw StoreError(.invalidArgument, "the postgres:// URL names no user")
        }
        var database = url.path
        while database.hasPrefix("/") { database.removeFirst() }
        var configuration = PostgresClient.Configuration(
            host: host,
            port: url.port ?? 5432,
            username: user,
            password: url.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : (database.removingPercentEncoding ?? database),
            tls: .disable
        )
        configuration.options.maximumConnections = 8
        return configuration
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 48,
            first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        }
    }

    // MARK: lifecycle

    /// Runs the connection pool until ``close()`` is called or the task is cancelled.
    ///
    /// Call it once. Queries wait for a connection while it runs and fail after it returned.
    public func run() async {
        isRunning.withLock { $0 = true }
        defer { isRunning.withLock { $0 = false } }
        await withTaskGroup(of: Void.self) { group in
            // The client returns on cancellation and on a ServiceGroup's graceful shutdown.
            group.addTask { await self.client.run() }
            group.addTask { for await _ in self.closing {} }  // ends on close() or on cancellation
            await group.next()
            group.cancelAll()
        }
    }

    /// Waits (up to `startTimeout`) for ``run()`` to be running: a query sent to a client that
    /// is not running would wait forever for a connection.
    func requireRunning() async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: startTimeout)
        while !isRunning.withLock({ $0 }) {
            guard clock.now < deadline else {
                throw StoreError(.unavailable, "the PostgreSQL finding store is not running (call run())")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Makes ``run()`` return, which closes the connections.
    public func close() async throws {
        closer.finish()
    }

    /// Runs `body` with a running store on `url`, then closes it (also when `body` throws).
    ///
    /// - Throws: what `body` throws; ``StoreError`` for an unusable URL.
    public static func withStore<Result: Sendable>(
        url: String,
        table: String = "findings",
        logger: Logger,
        _ body: (PostgresFindingStore) async throws -> Result
    ) async throws -> Result {
        let store = try PostgresFindingStore(url: url, table: table, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            do {
                let result = try await body(store)
                try await store.close()
                try await group.waitForAll()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        }
    }

    // MARK: schema

    /// Creates the table and its indexes when missing (once per store; serialized across
    /// processes by an advisory lock, since concurrent `CREATE TABLE IF NOT EXISTS` can collide).
    public func prepare() async throws {
        try await requireRunning()
        if schemaReady.withLock({ $0 }) { return }
        let table = self.table
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(Int64(0x7472_6169_6C6B)))", logger: logger
                ).drain()
                let statements = [
                    """
                    CREATE TABLE IF NOT EXISTS \(table) (
                        event_id TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL,
                        description TEXT NOT NULL, event_name TEXT, event_source TEXT,
                        event_time BIGINT NOT NULL, who TEXT, source_ip TEXT, region TEXT, account TEXT,
                        origin TEXT NOT NULL, detected_at BIGINT NOT NULL,
                        record_text TEXT NOT NULL, record JSONB,
                        PRIMARY KEY (event_id, rule))
                    """,
                    "CREATE INDEX IF NOT EXISTS \(table)_by_time ON \(table) (event_time DESC)",
                    "CREATE INDEX IF NOT EXISTS \(table)_by_rule ON \(table) (rule, event_time DESC)",
                ]
                for sql in statements {
                    try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).drain()
                }
            }
        } catch {
            throw StoreError(.unavailable, "cannot create the findings table", underlying: error)
        }
        schemaReady.withLock { $0 = true }
    }

    // MARK: FindingStore

    static let columns =
        "event_id, rule, severity, description, event_name, event_source, event_time, who, source_ip, region, account, origin, detected_at, record_text"
    static let rowsPerStatement = 500

    /// Stores the findings; returns the keys that were not stored before this call.
    ///
    /// - Throws: ``StoreError`` `invalidArgument` for a record that is not UTF-8; `unavailable`
    ///   when the database fails.
    public func insert(_ findings: [Finding]) async throws -> Set<FindingKey> {
        guard !findings.isEmpty else { return [] }
        try await prepare()
        // Rows in key order: concurrent batches that overlap then wait for each other instead of deadlocking.
        let findings = findings.sorted { ($0.eventID, $0.rule) < ($1.eventID, $1.rule) }
        var added: Set<FindingKey> = []
        var start = 0
        while start < findings.count {
            let end = min(start + Self.rowsPerStatement, findings.count)
            let query = try insertQuery(findings[start..<end])
            do {
                let rows = try await client.query(query, logger: logger)
                for try await (eventID, rule) in rows.decode((String, String).self) {
                    added.insert(FindingKey(eventID: eventID, rule: rule))
                }
            } catch {
                throw StoreError(.unavailable, "cannot store findings", underlying: error)
            }
            start = end
        }
        return added
    }

    func insertQuery(_ findings: ArraySlice<Finding>) throws -> PostgresQuery {
        var binds = PostgresBindings(capacity: findings.count * 15)
        var values: [String] = []
        values.reserveCapacity(findings.count)
        for finding in findings {
            guard let text = String(validating: finding.record, as: UTF8.self) else {
                throw StoreError(.invalidArgument, "the record of finding \(finding.eventID) is not UTF-8")
            }
            let first = binds.count + 1
            values.append("(" + (first..<(first + 14)).map { "$\($0)" }.joined(separator: ",") + ",$\(first + 14)::jsonb)")
            binds.append(finding.eventID)
            binds.append(finding.rule)
            binds.append(finding.severity.rawValue)
            binds.append(finding.ruleDescription)
            binds.append(finding.eventName)
            binds.append(finding.eventSource)
            binds.append(finding.eventTime)
            binds.append(finding.who)
            binds.append(finding.sourceIPAddress)
            binds.append(finding.region)
            binds.append(finding.account)
            binds.append(finding.origin)
            binds.append(finding.detectedAt)
            binds.append(text)
            // JSONB rejects the escape \u0000 (PostgreSQL text cannot hold NUL); keep such a record as text only.
            binds.append(text.contains("\\u0000") ? nil : text)
        }
        return PostgresQuery(
            unsafeSQL: "INSERT INTO \(table) (\(Self.columns), record) VALUES \(values.joined(separator: ","))"
                + " ON CONFLICT (event_id, rule) DO NOTHING RETURNING event_id, rule",
            binds: binds
        )
    }

    /// Findings matching `query`, newest eventTime first (then by eventID and rule).
    public func findings(_ query: FindingQuery) async throws -> [Finding] {
        try await prepare()
        var binds = PostgresBindings()
        var conditions: [String] = []
        if let rule = query.rule {
            binds.append(rule)
            conditions.append("rule = $\(binds.count)")
        }
        if let eventID = query.eventID {
            binds.append(eventID)
            conditions.append("event_id = $\(binds.count)")
        }
        if let minimum = query.minimumSeverity {
            var placeholders: [String] = []
            for severity in Severity.allCases where severity >= minimum {
                binds.append(severity.rawValue)
                placeholders.append("$\(binds.count)")
            }
            conditions.append("severity IN (\(placeholders.joined(separator: ",")))")
        }
        binds.append(Int64(max(0, query.limit)))
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql =
            "SELECT \(Self.columns) FROM \(table)\(whereClause) ORDER BY event_time DESC, event_id, rule LIMIT $\(binds.count)"
        do {
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            var result: [Finding] = []
            for try await row in rows {
                result.append(try Self.finding(row))
            }
            return result
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "cannot read findings", underlying: error)
        }
    }

    static func finding(_ row: PostgresRow) throws -> Finding {
        let c = try row.decode(
            (
                String, String, String, String, String?, String?, Int64, String?, String?, String?, String?, String,
                Int64, String
            ).self)
        guard let severity = Severity(parsing: c.2) else {
            throw StoreError(.corrupt, "a stored finding has an unknown severity")
        }
        return Finding(
            eventID: c.0, rule: c.1, severity: severity, ruleDescription: c.3, eventName: c.4, eventSource: c.5,
            eventTime: c.6, who: c.7, sourceIPAddress: c.8, region: c.9, account: c.10, origin: c.11,
            detectedAt: c.12, record: Data(c.13.utf8)
        )
    }

    /// How many findings are stored.
    public func count() async throws -> Int {
        try await prepare()
        do {
            let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger)
            var total = 0
            for try await count in rows.decode(Int64.self) { total = Int(count) }
            return total
        } catch {
            throw StoreError(.unavailable, "cannot count findings", underlying: error)
        }
    }

    /// Drops the table (for tests and `trailkeeper` maintenance; the findings are lost).
    public func dropTable() async throws {
        try await requireRunning()
        try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(table)"), logger: logger).drain()
        schemaReady.withLock { $0 = false }
    }
}

extension PostgresRowSequence {
    /// Reads and discards every row (a statement's result must be consumed before the next one).
    func drain() async throws {
        for try await _ in self {}
    }
}
