import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Pulls notifications from a queue and processes the log files they name, with `concurrency`
/// workers. At-least-once: a message is deleted only after every file it names is processed and
/// its findings are stored; a failure leaves it to reappear (after `retryDelay`) until the queue
/// dead-letters it. Other messages keep flowing.
public struct PipelineRunner: Service {
    public struct Configuration: Sendable {
        /// Concurrent workers (files processed at once).
        public var concurrency: Int
        /// Messages per receive.
        public var batch: Int
        /// Long-poll wait.
        public var waitSeconds: Int
        /// How long a failed message stays hidden before its retry (capped by the queue's timeout).
        public var retryDelay: Int
        /// Stop when the queue is empty (`pipeline --until-empty`) instead of running forever.
        public var stopWhenEmpty: Bool

        public init(concurrency: Int = 2, batch: Int = 10, waitSeconds: Int = 20, retryDelay: Int = 30, stopWhenEmpty: Bool = false) {
            self.concurrency = max(1, concurrency)
            self.batch = min(max(1, batch), 10)
            self.waitSeconds = waitSeconds
            self.retryDelay = retryDelay
            self.stopWhenEmpty = stopWhenEmpty
        }
    }

    public let queue: any PipelineQueue
    public let processor: LogFileProcessor
    public let configuration: Configuration
    let logger: Logger
    let statistics = PipelineStatistics()

    public init(queue: any PipelineQueue, processor: LogFileProcessor, configuration: Configuration = .init(), logger: Logger) {
        self.queue = queue
        self.processor = processor
        self.configuration = configuration
        self.logger = logger
    }

    /// Totals since start.
    public func totals() async -> PipelineTotals { await statistics.totals }

    public func run() async throws {
        logger.info("pipeline started", metadata: ["trail.queue": "\(queue)", "trail.workers": "\(configuration.concurrency)"])
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<configuration.concurrency {
                group.addTask { await self.work(worker) }
            }
        }
        let totals = await statistics.totals
        logger.info(
            "pipeline stopped",
            metadata: [
                "trail.files": "\(totals.files)", "trail.records": "\(totals.records)",
                "trail.findings_new": "\(totals.newFindings)", "trail.failures": "\(totals.failures)",
            ])
    }

    func work(_ worker: Int) async {
        var backoff = Duration.milliseconds(200)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let messages: [PipelineMessage]
            do {
                messages = try await cancelWhenGracefulShutdown {
                    try await queue.receive(maximum: configuration.batch, waitSeconds: configuration.waitSeconds)
                }
                backoff = .milliseconds(200)
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.error("queue receive failed", metadata: ["trail.queue": "\(queue)", "trail.error": "\(error)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(30))
                continue
            }
            if messages.isEmpty {
                if configuration.stopWhenEmpty { return }
                continue
            }
            for message in messages {
                await handle(message)
            }
        }
    }

    /// Processes one message; never throws: failures are logged and left to the queue's retries.
    public func handle(_ message: PipelineMessage) async {
        let notification: QueueNotification
        do {
            notification = try QueueNotification.parse(message.body)
        } catch {
            await statistics.failed()
            logger.error(
                "poison message: left for the dead-letter queue",
                metadata: [
                    "trail.message": "\(message.id)", "trail.receive_count": "\(message.receiveCount)",
                    "trail.error": "\(error)",
                ])
            await retryLater(message)
            return
        }
        switch notification {
        case .testEvent:
            logger.info("s3:TestEvent skipped", metadata: ["trail.message": "\(message.id)"])
            await delete(message)
        case .ignored(let why):
            logger.debug("notification ignored", metadata: ["trail.message": "\(message.id)", "trail.why": "\(why)"])
            await delete(message)
        case .objects(let references):
            let lease = startLease(message)
            defer { lease.cancel() }
            do {
                for reference in references {
                    let report = try await processor.process(reference)
                    await statistics.processed(report)
                    logger.info(
                        "log file processed",
                        metadata: [
                            "trail.object": "\(reference)", "trail.records": "\(report.records)",
                            "trail.rejected": "\(report.rejected)", "trail.findings": "\(report.findings)",
                            "trail.findings_new": "\(report.newFindings)",
                        ])
                }
                lease.cancel()
                await delete(message)
            } catch {
                await statistics.failed()
                logger.error(
                    "log file failed: the message will be retried, then dead-lettered",
                    metadata: [
                        "trail.message": "\(message.id)", "trail.receive_count": "\(message.receiveCount)",
                        "trail.error": "\(error)",
                    ])
                lease.cancel()
                await retryLater(message)
            }
        }
    }

    /// Keeps the message hidden while a long file is processed.
    func startLease(_ message: PipelineMessage) -> Task<Void, Never> {
        let every = max(1, queue.visibilityTimeout / 2)
        return Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(every))
                if Task.isCancelled { return }
                try? await queue.changeVisibility(message, seconds: queue.visibilityTimeout)
            }
        }
    }

    func delete(_ message: PipelineMessage) async {
        do {
            try await queue.delete(message)
        } catch {
            // Not deleted: it comes back and is processed again; findings are idempotent.
            logger.warning("message delete failed", metadata: ["trail.message": "\(message.id)", "trail.error": "\(error)"])
        }
    }

    func retryLater(_ message: PipelineMessage) async {
        let delay = min(configuration.retryDelay, queue.visibilityTimeout)
        try? await queue.changeVisibility(message, seconds: delay)
    }
}

/// Pipeline counts since start.
public struct PipelineTotals: Sendable, Hashable {
    public var files = 0
    public var records = 0
    public var rejected = 0
    public var findings = 0
    public var newFindings = 0
    public var failures = 0
    public var bytes: Int64 = 0
}

actor PipelineStatistics {
    var totals = PipelineTotals()
    let files = Counter(label: "trailkeeper_pipeline_files_total")
    let records = Counter(label: "trailkeeper_pipeline_records_total")
    let findings = Counter(label: "trailkeeper_pipeline_findings_total")
    let failures = Counter(label: "trailkeeper_pipeline_failures_total")

    func processed(_ report: FileReport) {
        totals.files += 1
        totals.records += report.records
        totals.rejected += report.rejected
        totals.findings += report.findings
        totals.newFindings += report.newFindings
        totals.bytes += report.bytes
        files.increment()
        records.increment(by: report.records)
        findings.increment(by: report.newFindings)
    }

    func failed() {
        totals.failures += 1
        failures.increment()
    }
}
