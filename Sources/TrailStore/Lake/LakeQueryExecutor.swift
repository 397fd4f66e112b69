import Synchronization
import TrailLakeSQL

/// Runs a lowered Lake query (``PhysicalQuery``) read-only over the stores' files (plan §2.6, §2.7).
///
/// The implementation opens its own read-only connection per query, attaches store `n` of
/// ``PhysicalQuery/stores`` as `s<n>`, registers the `tk_*` functions, and hands every result row to `rows`
/// as Trino text (nil = SQL NULL) in column order.
public protocol LakeQueryExecutor: Sendable {
    func execute(
        _ query: PhysicalQuery, limits: LakeQueryLimits, control: LakeQueryControl,
        rows: @escaping @Sendable ([String?]) throws -> Void
    ) async throws(LakeQueryFailure) -> LakeQueryStatistics
}

/// Bounds of one execution.
public struct LakeQueryLimits: Sendable, Hashable {
    /// Wall-clock limit in seconds; the query ends TIMED_OUT after it.
    public var timeout: Double
    /// Most result rows; beyond it the query FAILS.
    public var maxRows: Int
    /// Most bytes of result text; beyond it the query FAILS.
    public var maxBytes: Int
    /// The query's start time in epoch ms (`now()`, `current_timestamp`).
    public var queryTime: Int64

    public init(timeout: Double = 3600, maxRows: Int = 10_000_000, maxBytes: Int = 1 << 30, queryTime: Int64) {
        self.timeout = timeout
        self.maxRows = maxRows
        self.maxBytes = maxBytes
        self.queryTime = queryTime
    }
}

/// Cancels a running execution from another task (CancelQuery). The executor polls ``isCancelled``.
public final class LakeQueryControl: Sendable {
    private let cancelled = Atomic<Bool>(false)

    public init() {}

    /// Asks the execution to stop; it ends with ``LakeQueryFailure/cancelled``.
    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}

/// What an execution measured.
public struct LakeQueryStatistics: Sendable, Hashable {
    /// Rows of the stores that passed the WHERE clause (`tk_match`).
    public var eventsMatched: Int64
    /// Events of the days the query's time bounds touch (all events when unbounded), summed over the stores.
    public var eventsScanned: Int64
    /// Uncompressed record bytes of those days.
    public var bytesScanned: Int64
    /// Result rows produced.
    public var resultRows: Int64
    /// Wall-clock execution time.
    public var executionTimeMillis: Int64

    public init(eventsMatched: Int64 = 0, eventsScanned: Int64 = 0, bytesScanned: Int64 = 0, resultRows: Int64 = 0, executionTimeMillis: Int64 = 0) {
        self.eventsMatched = eventsMatched
        self.eventsScanned = eventsScanned
        self.bytesScanned = bytesScanned
        self.resultRows = resultRows
        self.executionTimeMillis = executionTimeMillis
    }
}

/// Why an execution ended without finishing. Rows handed out before it stay valid (partial results).
public enum LakeQueryFailure: Error, Sendable, Hashable {
    case cancelled(LakeQueryStatistics)
    case timedOut(LakeQueryStatistics)
    /// Result rows or bytes above the limits, a runtime error (`Division by zero`), a store file missing.
    case failed(message: String, LakeQueryStatistics)
}
