import Dispatch
import Foundation
import GRDBSQLite
import TrailLakeSQL
import TrailStore

#if canImport(Glibc)
import Glibc
#endif

/// One execution of a ``PhysicalQuery`` on its own read-only connection (plan §2.6 layers 3 and 4, §2.7).
struct LakeQueryRun: Sendable {
    let query: PhysicalQuery
    let limits: LakeQueryLimits
    let control: LakeQueryControl
    let signal: LakeStopSignal
    let storesDirectory: URL
    let rows: @Sendable ([String?]) throws -> Void

    /// Checked by the progress handler every this many VM instructions.
    static let progressInterval: Int32 = 1000

    func run() -> Result<LakeQueryStatistics, LakeQueryFailure> {
        let started = DispatchTime.now().uptimeNanoseconds
        var statistics = LakeQueryStatistics()
        func finish() -> LakeQueryStatistics {
            statistics.executionTimeMillis = Int64((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
            return statistics
        }
        func failed(_ message: String) -> Result<LakeQueryStatistics, LakeQueryFailure> {
            .failure(.failed(message: message, finish()))
        }

        var handle: OpaquePointer?
        guard sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db = handle else {
            sqlite3_close_v2(handle)
            return failed("cannot open a query connection")
        }
        defer { sqlite3_close_v2(db) }
        // Attach the stores first: attached databases inherit SQLITE_OPEN_READONLY.
        for (index, store) in query.stores.enumerated() {
            let path = storesDirectory.appendingPathComponent("\(store.id).sqlite").path
            guard FileManager.default.fileExists(atPath: path) else { return failed("Event data store \(store.id) is not available") }
            if let message = Self.execute(db, "ATTACH DATABASE ?1 AS \(LakePhysicalSchema.schemaName(forStore: index))", [path]) {
                return failed("Event data store \(store.id) cannot be opened: \(message)")
            }
        }
        if let message = Self.harden(db, attached: query.stores.count) { return failed(message) }

        let deadline = started + UInt64(Swift.max(0, Swift.min(limits.timeout, 1e9)) * 1e9)
        let context = LakeQueryContext(
            db: db, storeCount: query.stores.count, deadline: deadline, control: control, signal: signal, queryTime: limits.queryTime)
        defer { context.finalizeStatements() }
        context.memoizesText = query.sql.contains(" JOIN ")
        if let message = LakeFunctions.register(context) { return failed(message) }
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        sqlite3_progress_handler(db, Self.progressInterval, { pointer in
            Unmanaged<LakeQueryContext>.fromOpaque(pointer!).takeUnretainedValue().shouldStop() ? 1 : 0
        }, contextPointer)
        defer { sqlite3_progress_handler(db, 0, nil, nil) }

        // One read transaction: the helper reads and the statement see the same snapshot of every store.
        if let message = Self.execute(db, "BEGIN", []) { return failed(message) }
        defer { _ = Self.execute(db, "COMMIT", []) }

        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let prepared = query.sql.withCString { sql in sqlite3_prepare_v2(db, sql, -1, &statement, &tail) }
        defer { sqlite3_finalize(statement) }
        if prepared == SQLITE_INTERRUPT { return stopped(context, finish()) }
        guard prepared == SQLITE_OK, let statement else { return failed(SQLiteRaw.message(db)) }
        if let tail, !String(cString: tail).allSatisfy({ $0.isWhitespace || $0 == ";" }) {
            return failed("Only one statement can run")
        }
        guard sqlite3_stmt_readonly(statement) != 0 else { return failed("Only read-only statements can run") }
        // ATTACH, DETACH, PRAGMA and transaction statements count as read-only for SQLite: only plain SELECTs run.
        guard Self.isSelect(query.sql), sqlite3_stmt_isexplain(statement) == 0 else { return failed("Only SELECT statements can run") }
        if let message = bind(statement, context) { return failed(message) }
        (statistics.eventsScanned, statistics.bytesScanned) = scanned(db)

        let columnCount = sqlite3_column_count(statement)
        var resultBytes = 0
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            statistics.eventsMatched = context.matched
            if code == SQLITE_INTERRUPT || (code != SQLITE_ROW && context.stopReason != .none) { return stopped(context, finish()) }
            guard code == SQLITE_ROW else { return failed(SQLiteRaw.message(db)) }
            var row: [String?] = []
            row.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                let cell: String?
                switch sqlite3_column_type(statement, column) {
                case SQLITE_NULL: cell = nil
                case SQLITE_INTEGER: cell = String(sqlite3_column_int64(statement, column))
                case SQLITE_FLOAT: cell = TrinoFormat.double(sqlite3_column_double(statement, column))
                default: cell = SQLiteRaw.text(statement, column)
                }
                resultBytes += cell?.utf8.count ?? 0
                row.append(cell)
            }
            statistics.resultRows += 1
            if statistics.resultRows > limits.maxRows {
                statistics.resultRows -= 1
                return failed("Query results exceed the maximum size of \(limits.maxRows) rows")
            }
            if resultBytes > limits.maxBytes {
                statistics.resultRows -= 1
                return failed("Query results exceed the maximum size of \(limits.maxBytes) bytes")
            }
            do {
                try rows(row)
            } catch {
                return failed("Query results could not be stored: \(error)")
            }
        }
        statistics.eventsMatched = context.matched
        return .success(finish())
    }

    func stopped(_ context: LakeQueryContext, _ statistics: LakeQueryStatistics) -> Result<LakeQueryStatistics, LakeQueryFailure> {
        var statistics = statistics
        statistics.eventsMatched = context.matched
        return .failure(context.stopReason == .timedOut ? .timedOut(statistics) : .cancelled(statistics))
    }

    /// Binds the query's parameters, resolving symbols and symbol sets against the stores' dictionaries.
    func bind(_ statement: OpaquePointer, _ context: LakeQueryContext) -> String? {
        for (offset, argument) in query.arguments.enumerated() {
            let index = Int32(offset + 1)
            switch argument {
            case .text(let text): SQLiteRaw.bind(statement, index, text)
            case .integer(let value): sqlite3_bind_int64(statement, index, value)
            case .double(let value): sqlite3_bind_double(statement, index, value)
            case .queryTime: sqlite3_bind_int64(statement, index, limits.queryTime)
            case .symbol(let store, let text):
                guard store >= 0, store < query.stores.count else { return "symbol of an unknown store" }
                let id = Self.fetch(context.db, "SELECT id FROM \(LakePhysicalSchema.schemaName(forStore: store)).symbols WHERE value = ?1", [text]).first
                sqlite3_bind_int64(statement, index, id.flatMap { Int64($0[0] ?? "") } ?? -1)
            case .symbolSet(let store, let column, let predicate):
                guard store >= 0, store < query.stores.count, let bit = LakePhysicalSchema.symbolBit(of: column) else {
                    return "symbol set of an unknown column"
                }
                var ids: [String] = []
                var tooMany = false
                let sql = "SELECT id, value FROM \(LakePhysicalSchema.schemaName(forStore: store)).symbols WHERE (cols >> \(bit)) & 1"
                for row in Self.fetch(context.db, sql, []) where predicate.matches(row[1] ?? "") {
                    ids.append(row[0] ?? "")
                    if ids.count > SymbolPredicate.maximumFoldedIds {
                        tooMany = true
                        break
                    }
                }
                if tooMany { sqlite3_bind_null(statement, index) } else { SQLiteRaw.bind(statement, index, "[" + ids.joined(separator: ",") + "]") }
            }
        }
        return nil
    }

    /// Events and bytes of the days the query's time bounds touch, over all its stores.
    func scanned(_ db: OpaquePointer) -> (Int64, Int64) {
        var lower = Int64.min
        var upper = Int64.max
        if let bounds = query.timeBounds {
            if let value = bounds.lower { lower = LakeTime.floorDiv(value, LakeTime.msPerDay) }
            if let value = bounds.upper { upper = LakeTime.floorDiv(value, LakeTime.msPerDay) }
        }
        var events: Int64 = 0
        var bytes: Int64 = 0
        for index in query.stores.indices {
            let sql = "SELECT coalesce(sum(events), 0), coalesce(sum(bytes), 0) FROM \(LakePhysicalSchema.schemaName(forStore: index)).days WHERE day >= \(lower) AND day <= \(upper)"
            if let row = Self.fetch(db, sql, []).first {
                events += Int64(row[0] ?? "0") ?? 0
                bytes += Int64(row[1] ?? "0") ?? 0
            }
        }
        return (events, bytes)
    }

    /// Locks the connection down after the ATTACHes (plan §2.6 layer 3); returns an error message on failure.
    static func harden(_ db: OpaquePointer, attached: Int) -> String? {
        sqlite3_enable_load_extension(db, 0)
        guard setDatabaseConfig(db, 1010 /* SQLITE_DBCONFIG_DEFENSIVE */, 1) else { return "cannot enable defensive mode" }
        for pragma in ["PRAGMA trusted_schema = OFF", "PRAGMA cache_size = -65536", "PRAGMA temp_store = MEMORY"] {
            if let message = execute(db, pragma, []) { return message }
        }
        for index in 0..<attached {
            _ = execute(db, "PRAGMA \(LakePhysicalSchema.schemaName(forStore: index)).mmap_size = 1073741824", [])
        }
        if let message = execute(db, "PRAGMA query_only = 1", []) { return message }
        sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, Int32(attached))
        sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 1_000_000)
        sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 10_000)
        return nil
    }

    /// `sqlite3_db_config(db, op, value, NULL)`. The function is variadic, which Swift cannot call; its integer
    /// arguments travel in the same registers as a non-variadic call's on x86-64 SysV and AArch64 Linux, so it is
    /// called through a fixed-argument function pointer found with `dlsym`.
    static func setDatabaseConfig(_ db: OpaquePointer, _ op: Int32, _ value: Int32) -> Bool {
        typealias Config = @convention(c) (OpaquePointer?, Int32, Int32, UnsafeMutablePointer<Int32>?) -> Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "sqlite3_db_config") else { return false }
        let config = unsafeBitCast(symbol, to: Config.self)
        var current: Int32 = -1
        guard config(db, op, value, &current) == SQLITE_OK else { return false }
        return current == value
    }

    /// Whether `sql` begins with the keyword SELECT (lowered SQL always does).
    static func isSelect(_ sql: String) -> Bool {
        let trimmed = sql.drop { $0.isWhitespace }
        guard trimmed.count > 6, trimmed.prefix(6).uppercased() == "SELECT" else { return false }
        let next = trimmed.dropFirst(6).first!
        return next.isWhitespace || next == "("
    }

    /// Runs `sql` with text parameters, discarding rows; returns the error message on failure.
    static func execute(_ db: OpaquePointer, _ sql: String, _ parameters: [String]) -> String? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else { return SQLiteRaw.message(db) }
        defer { sqlite3_finalize(statement) }
        for (index, parameter) in parameters.enumerated() { SQLiteRaw.bind(statement, Int32(index + 1), parameter) }
        var code = sqlite3_step(statement)
        while code == SQLITE_ROW { code = sqlite3_step(statement) }
        return code == SQLITE_DONE ? nil : SQLiteRaw.message(db)
    }

    /// The rows of `sql` as text.
    static func fetch(_ db: OpaquePointer, _ sql: String, _ parameters: [String]) -> [[String?]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else { return [] }
        defer { sqlite3_finalize(statement) }
        for (index, parameter) in parameters.enumerated() { SQLiteRaw.bind(statement, Int32(index + 1), parameter) }
        var rows: [[String?]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append((0..<sqlite3_column_count(statement)).map { SQLiteRaw.text(statement, $0) })
        }
        return rows
    }
}
