/// A query lowered to SQLite SQL over the per-store databases (plan §2.4 step 4).
///
/// The SQL text is generated entirely by ``SQLiteLowering``: every identifier in it comes from
/// ``LakePhysicalSchema`` and every value from the query text is a numbered parameter (`?1`, `?2`, …) in ``arguments``.
/// Store `n` of ``stores`` must be attached under the schema name ``LakePhysicalSchema/schemaName(forStore:)``.
public struct PhysicalQuery: Hashable, Sendable {
    /// A bound parameter.
    public enum Argument: Hashable, Sendable {
        case text(String)
        case integer(Int64)
        case double(Double)
        /// The id of `text` in the symbol dictionary of store `store`, or -1 when the dictionary lacks it.
        case symbol(store: Int, text: String)
        /// The query's start time in epoch milliseconds (`now()`, `current_timestamp`, `current_date`).
        case queryTime
        /// A JSON array of the ids of store `store`'s symbols of physical column `column` that satisfy `predicate`,
        /// or NULL to make the SQL evaluate the predicate row by row (see ``SymbolPredicate``).
        case symbolSet(store: Int, column: String, predicate: SymbolPredicate)
    }

    /// The SELECT statement.
    public var sql: String
    /// Parameter `?n` is `arguments[n - 1]`.
    public var arguments: [Argument]
    /// The stores, in attach order.
    public var stores: [LakeStoreReference]
    /// The result columns, in order; the SQL's columns are named `c0`, `c1`, … and carry Trino text or SQL NULL
    /// (integers as SQLite integers).
    public var columns: [LakeOutputColumn]
    /// The eventtime range a single-store query is restricted to, for statistics (milliseconds, inclusive bounds
    /// widened to the nearest constraint), or nil when unbounded or when several stores are read.
    public var timeBounds: TimeBounds?

    /// An eventtime range.
    public struct TimeBounds: Hashable, Sendable {
        /// The lowest eventtime a row may have, when bounded below.
        public var lower: Int64?
        /// The highest eventtime a row may have, when bounded above.
        public var upper: Int64?

        /// Creates bounds.
        public init(lower: Int64? = nil, upper: Int64? = nil) {
            self.lower = lower
            self.upper = upper
        }
    }
}

/// Parses, binds and lowers a Lake query in one call.
public enum LakeQueryPlanner {
    /// The physical query for `text`, or the first error found.
    public static func plan(_ text: String, resolver: any LakeStoreResolver) throws(LakeSQLError) -> PhysicalQuery {
        let query = try Parser.parse(text)
        let bound = try Binder.bind(query, resolver: resolver)
        return try SQLiteLowering.lower(bound)
    }
}
