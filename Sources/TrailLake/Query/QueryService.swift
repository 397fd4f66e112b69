import Foundation
import Logging
import ServiceLifecycle
import TrailLakeSQL
import TrailStore

/// Runs CloudTrail Lake queries (plan §2.7, §3.3): a FIFO of QUEUED queries, at most
/// ``Configuration/workers`` executions at once through the ``LakeQueryExecutor``, results spooled to
/// `lake/results/` (readable while running), delivery to S3 after FINISHED, expiry after
/// ``Configuration/resultsRetention``.
///
/// State is kept as one ``QueryRecord`` file per query: at start-up, a query that was RUNNING is FAILED
/// ("The query was interrupted by a restart") and QUEUED ones are queued again.
public actor QueryService: Service {
    /// Knobs of the query service (`lake.query.*`).
    public struct Configuration: Sendable, Hashable {
        /// Executions at once.
        public var workers: Int
        /// QUEUED + RUNNING queries above which StartQuery answers MaxConcurrentQueriesException (AWS: 10).
        public var maxActiveQueries: Int
        /// Seconds before a running query ends TIMED_OUT (AWS: 1 hour).
        public var timeout: Double
        /// Result rows above which a query FAILS.
        public var maxResultRows: Int
        /// Result text bytes above which a query FAILS.
        public var maxResultBytes: Int
        /// Seconds a terminal query's record and results are kept (AWS: 7 days).
        public var resultsRetention: Int64
        /// Seconds between expiry passes.
        public var expiryInterval: Int64

        public init(
            workers: Int = 2, maxActiveQueries: Int = 10, timeout: Double = 3600, maxResultRows: Int = 10_000_000,
            maxResultBytes: Int = 1 << 30, resultsRetention: Int64 = 7 * 86400, expiryInterval: Int64 = 3600
        ) {
            self.workers = workers
            self.maxActiveQueries = maxActiveQueries
            self.timeout = timeout
            self.maxResultRows = maxResultRows
            self.maxResultBytes = maxResultBytes
            self.resultsRetention = resultsRetention
            self.expiryInterval = expiryInterval
        }
    }

    /// The message of a query a restart interrupted.
    public static let restartMessage = "The query was interrupted by a restart"

    let configuration: Configuration
    let directory: any EventDataStoreDirectory
    let executor: any LakeQueryExecutor
    let spool: ResultSpool
    let tokens: ResultPageToken
    let delivery: ResultDelivery?
    let logger: Logger
    /// Epoch milliseconds.
    let now: @Sendable () -> Int64

    var records: [String: QueryRecord] = [:]
    /// Plans made at StartQuery (queries re-queued after a restart are planned again when they run).
    var plans: [String: PhysicalQuery] = [:]
    var queue: [String] = []
    var controls: [String: LakeQueryControl] = [:]
    var writers: [String: ResultSpoolWriter] = [:]
    /// FINISHED queries whose delivery a restart interrupted.
    var pendingDeliveries: [String] = []
    var isStopping = false
    nonisolated let wakeups: AsyncStream<Void>
    nonisolated let wake: AsyncStream<Void>.Continuation

    /// Opens the service over the records in `spool`, recovering from a restart and expiring old queries.
    ///
    /// - Parameters:
    ///   - delivery: writes results to `DeliveryS3Uri`; StartQuery refuses a URI without one.
    ///   - now: epoch milliseconds (injected so tests control time).
    public init(
        configuration: Configuration = .init(), directory: any EventDataStoreDirectory, executor: any LakeQueryExecutor,
        spool: ResultSpool, tokens: ResultPageToken, delivery: ResultDelivery? = nil, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.configuration = configuration
        self.directory = directory
        self.executor = executor
        self.spool = spool
        self.tokens = tokens
        self.delivery = delivery
        self.logger = logger
        self.now = now
        let signal = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeups = signal.stream
        wake = signal.continuation
        let time = now()
        var loaded: [String: QueryRecord] = [:]
        var queued: [QueryRecord] = []
        var deliveries: [String] = []
        for var record in spool.records() {
            switch record.status {
            case .running:
                record.status = .failed
                record.errorMessage = Self.restartMessage
                record.endTime = time
                record.resultRows = 0
                record.resultBytes = 0
                if record.deliveryS3Uri != nil { record.deliveryStatus = .failed }
                spool.removeRows(id: record.id)
                try? spool.save(record)
            case .queued:
                queued.append(record)
            case .finished where record.deliveryStatus == .pending:
                deliveries.append(record.id)
            default:
                break
            }
            loaded[record.id] = record
        }
        let cutoff = time - configuration.resultsRetention * 1000
        for record in loaded.values where Self.isExpired(record, cutoff: cutoff) {
            loaded[record.id] = nil
            spool.remove(id: record.id)
        }
        records = loaded
        queue = queued.sorted { ($0.creationTime, $0.id) < ($1.creationTime, $1.id) }.map(\.id)
        pendingDeliveries = deliveries.filter { loaded[$0] != nil }
        if !queue.isEmpty { wake.yield() }
    }

    static func isExpired(_ record: QueryRecord, cutoff: Int64) -> Bool {
        record.status.isTerminal && (record.endTime ?? record.creationTime) < cutoff
    }

    // MARK: - Running

    /// Executes queued queries until graceful shutdown or cancellation; then running queries are stopped and
    /// recorded as interrupted, and queued ones stay queued for the next start.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.expiryLoop() }
                for id in pendingDeliveries {
                    group.addTask { await self.deliver(id) }
                }
                pendingDeliveries = []
                for await _ in wakeups {
                    while let job = nextJob() {
                        group.addTask { await self.execute(job) }
                    }
                }
                stopRunningQueries()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.wake.finish()
        }
        wake.finish()
    }

    private func stopRunningQueries() {
        isStopping = true
        for control in controls.values { control.cancel() }
    }

    private func expiryLoop() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(configuration.expiryInterval))
            } catch {
                return
            }
            expire(at: now())
        }
    }

    /// Removes terminal queries that ended more than ``Configuration/resultsRetention`` before `time`
    /// (epoch ms), with their results; returns how many went.
    @discardableResult
    public func expire(at time: Int64) -> Int {
        let cutoff = time - configuration.resultsRetention * 1000
        let expired = records.values.filter { Self.isExpired($0, cutoff: cutoff) }
        for record in expired {
            records[record.id] = nil
            plans[record.id] = nil
            spool.remove(id: record.id)
        }
        if !expired.isEmpty { logger.info("expired query results", metadata: ["trail.queries": "\(expired.count)"]) }
        return expired.count
    }

    struct Job: Sendable {
        var id: String
        var plan: PhysicalQuery?
        var control: LakeQueryControl
        var startTime: Int64
    }

    /// The next queued query, marked RUNNING, when a worker is free.
    private func nextJob() -> Job? {
        guard !isStopping, controls.count < configuration.workers else { return nil }
        while !queue.isEmpty {
            let id = queue.removeFirst()
            guard var record = records[id], record.status == .queued else { continue }
            let control = LakeQueryControl()
            controls[id] = control
            record.status = .running
            record.startTime = now()
            update(record)
            return Job(id: id, plan: plans[id], control: control, startTime: record.startTime!)
        }
        return nil
    }

    private func execute(_ job: Job) async {
        defer {
            controls[job.id] = nil
            writers[job.id] = nil
            wake.yield()
        }
        let plan: PhysicalQuery
        if let planned = job.plan {
            plan = planned
        } else {
            do {
                plan = try await self.plan(records[job.id]?.statement ?? "")
            } catch {
                finish(job.id, status: .failed, message: error.message, statistics: nil, extent: nil)
                return
            }
        }
        let writer: ResultSpoolWriter
        do {
            writer = try spool.makeWriter(id: job.id, maxRows: configuration.maxResultRows, maxBytes: configuration.maxResultBytes)
        } catch {
            finish(job.id, status: .failed, message: "\(error)", statistics: nil, extent: nil)
            return
        }
        writers[job.id] = writer
        let limits = LakeQueryLimits(
            timeout: configuration.timeout, maxRows: configuration.maxResultRows, maxBytes: configuration.maxResultBytes,
            queryTime: job.startTime)
        let outcome: Result<LakeQueryStatistics, LakeQueryFailure>
        do {
            outcome = .success(try await executor.execute(plan, limits: limits, control: job.control) { row in try writer.append(row) })
        } catch {
            outcome = .failure(error)
        }
        let extent: ResultSpoolExtent?
        do {
            extent = try writer.finish()
        } catch {
            logger.error("query results not saved", metadata: ["trail.query": "\(job.id)", "trail.error": "\(String(reflecting: error))"])
            finish(job.id, status: .failed, message: "The query results could not be saved", statistics: nil, extent: nil)
            return
        }
        if isStopping, records[job.id]?.status == .running {
            finish(job.id, status: .failed, message: Self.restartMessage, statistics: outcome.statistics, extent: extent)
            return
        }
        switch outcome {
        case .success(let statistics):
            if let message = writer.limitMessage {
                finish(job.id, status: .failed, message: message, statistics: statistics, extent: extent)
            } else {
                finish(job.id, status: .finished, message: nil, statistics: statistics, extent: extent)
            }
        case .failure(.cancelled(let statistics)):
            finish(job.id, status: .cancelled, message: nil, statistics: statistics, extent: extent)
        case .failure(.timedOut(let statistics)):
            finish(
                job.id, status: .timedOut, message: "Query exceeded the maximum run time of \(Int(configuration.timeout)) seconds",
                statistics: statistics, extent: extent)
        case .failure(.failed(let message, let statistics)):
            finish(job.id, status: .failed, message: writer.limitMessage ?? message, statistics: statistics, extent: extent)
        }
        if records[job.id]?.status == .finished, records[job.id]?.deliveryS3Uri != nil {
            await deliver(job.id)
        }
    }

    /// Records the end of a query. A query cancelled while it ran stays CANCELLED whatever the executor answered.
    private func finish(
        _ id: String, status: QueryStatus, message: String?, statistics: LakeQueryStatistics?, extent: ResultSpoolExtent?
    ) {
        guard var record = records[id] else { return }
        if record.status == .running {
            record.status = status
            record.errorMessage = message
        }
        record.endTime = record.endTime ?? now()
        if let statistics {
            record.eventsMatched = statistics.eventsMatched
            record.eventsScanned = statistics.eventsScanned
            record.bytesScanned = statistics.bytesScanned
            record.executionTimeMillis = statistics.executionTimeMillis
        }
        if record.executionTimeMillis == 0, let start = record.startTime { record.executionTimeMillis = Swift.max(0, record.endTime! - start) }
        record.resultRows = extent?.rows ?? 0
        record.resultBytes = extent?.bytes ?? 0
        if record.deliveryS3Uri != nil {
            switch record.status {
            case .finished: record.deliveryStatus = .pending
            case .cancelled: record.deliveryStatus = .cancelled
            default: record.deliveryStatus = .failed
            }
        }
        update(record)
    }

    private func deliver(_ id: String) async {
        guard let record = records[id], let uri = record.deliveryS3Uri, let delivery else { return }
        let spool = self.spool
        let index = spool.index(id: id)
        let extent = ResultSpoolExtent(rows: record.resultRows, bytes: record.resultBytes)
        let status = await delivery.deliver(
            uri: uri, queryID: id, columns: record.columns, totalRows: record.resultRows,
            completedAt: (record.endTime ?? now()) / 1000, logger: logger
        ) { offset, limit in
            try spool.rows(id: id, columns: record.columns.count, extent: extent, index: index, from: offset, limit: limit)
        }
        guard var current = records[id] else { return }
        current.deliveryStatus = status
        update(current)
    }

    /// Keeps `record` and saves it.
    func update(_ record: QueryRecord) {
        records[record.id] = record
        do {
            try spool.save(record)
        } catch {
            logger.error("query record not saved", metadata: ["trail.query": "\(record.id)", "trail.error": "\(String(reflecting: error))"])
        }
    }

    /// Plans `statement` against the stores as they are now.
    func plan(_ statement: String) async throws(LakeError) -> PhysicalQuery {
        let resolver = try await resolver()
        do {
            return try LakeQueryPlanner.plan(statement, resolver: resolver)
        } catch {
            throw LakeError(error)
        }
    }

    func resolver() async throws(LakeError) -> QueryStoreResolver {
        do {
            return QueryStoreResolver(entries: try await directory.storeEntries())
        } catch let error as LakeError {
            throw error
        } catch {
            logger.error("event data stores unavailable", metadata: ["trail.error": "\(String(reflecting: error))"])
            throw LakeError(.eventDataStoreNotFound, "The event data stores cannot be read right now.")
        }
    }
}

extension Result where Failure == LakeQueryFailure, Success == LakeQueryStatistics {
    var statistics: LakeQueryStatistics {
        switch self {
        case .success(let s): s
        case .failure(.cancelled(let s)), .failure(.timedOut(let s)), .failure(.failed(_, let s)): s
        }
    }
}
