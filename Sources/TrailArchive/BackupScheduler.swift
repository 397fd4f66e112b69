import Foundation
import Logging
import ServiceLifecycle

/// Runs backup jobs on their schedules inside `serve` (a `Service`).
///
/// - Each job has its own loop; a job never overlaps itself: schedule times that pass while its run
///   is going are skipped (logged, counted in its state), and the next run is the next schedule
///   time after the run ends. Different jobs run independently.
/// - Missed runs: at start-up a job runs once at once when its schedule fired since its last run
///   started (or since `serve` first saw the job) — however many times it fired while the server
///   was down. A new job waits for its first schedule time.
/// - Every run's record (report, or the error that stopped it) is kept in the job's state file,
///   logged, and sent to the job's notification targets.
/// - Graceful shutdown ends the waits; a run in progress starts no more objects, finishes the ones
///   in flight and is recorded as interrupted.
public struct BackupScheduler: Service {
    /// A job as the scheduler sees it.
    public struct Job: Sendable {
        public var name: String
        public var schedule: Schedule
        /// Descriptions of the locations, for reports and notifications.
        public var source: String
        public var destination: String
        /// Runs the backup once; `now` is the time ages are measured from.
        public var run: @Sendable (_ now: Date) async throws -> BackupReport
        public var notifier: BackupNotifier

        public init(
            name: String, schedule: Schedule, source: String, destination: String, notifier: BackupNotifier,
            run: @escaping @Sendable (_ now: Date) async throws -> BackupReport
        ) {
            self.name = name
            self.schedule = schedule
            self.source = source
            self.destination = destination
            self.notifier = notifier
            self.run = run
        }
    }

    public let jobs: [Job]
    public let states: BackupJobStateStore
    let clock: any ScheduleClock
    let logger: Logger

    public init(jobs: [Job], states: BackupJobStateStore, clock: any ScheduleClock = SystemScheduleClock(), logger: Logger) {
        self.jobs = jobs
        self.states = states
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for job in jobs {
                group.addTask { await self.loop(job) }
            }
        }
    }

    func loop(_ job: Job) async {
        var logger = logger
        logger[metadataKey: "trail.backup.job"] = "\(job.name)"
        var state: BackupJobState
        do {
            state = try states.load(job.name) ?? BackupJobState(firstSeen: clock.now())
        } catch {
            logger.error("unreadable backup job state; starting afresh", metadata: ["trail.error": "\(error)"])
            state = BackupJobState(firstSeen: clock.now())
        }
        save(state, job, logger)
        if let missed = state.missedRun(of: job.schedule, now: clock.now()) {
            logger.notice("running a missed scheduled backup", metadata: ["trail.backup.scheduled": "\(missed.formatted(.iso8601))"])
            await runOnce(job, scheduledFor: missed, state: &state, logger: logger)
        }
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            guard let next = job.schedule.next(after: clock.now()) else {
                logger.notice("the backup schedule fires no more", metadata: ["trail.backup.schedule": "\(job.schedule)"])
                return
            }
            logger.debug("next backup run", metadata: ["trail.backup.scheduled": "\(next.formatted(.iso8601))"])
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(until: next) }
            } catch {
                return
            }
            guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
            await runOnce(job, scheduledFor: next, state: &state, logger: logger)
        }
    }

    /// Runs the job, records, logs and tells the targets; counts schedule times that passed meanwhile.
    func runOnce(_ job: Job, scheduledFor: Date, state: inout BackupJobState, logger: Logger) async {
        let started = clock.now()
        var report: BackupReport?
        var failure: String?
        do {
            report = try await job.run(started)
        } catch {
            failure = String(describing: error)
        }
        let record = BackupRunRecord(
            job: job.name, source: job.source, destination: job.destination, scheduledFor: scheduledFor, started: started,
            finished: clock.now(), report: report, error: failure)
        let skipped = Self.firings(of: job.schedule, after: started, through: record.finished)
        if skipped > 0 {
            logger.warning(
                "scheduled backup runs skipped: the previous run was still going", metadata: ["trail.backup.skipped": "\(skipped)"])
        }
        state.lastRun = record
        state.skippedRuns += skipped
        save(state, job, logger)
        var metadata: Logger.Metadata = ["trail.backup.status": "\(record.status.rawValue)"]
        if let report { metadata["trail.backup.report"] = "\(report.summary)" }
        if let failure { metadata["trail.error"] = "\(failure)" }
        switch record.status {
        case .succeeded: logger.info("scheduled backup finished", metadata: metadata)
        case .incomplete: logger.warning("scheduled backup finished", metadata: metadata)
        case .failed: logger.error("scheduled backup failed", metadata: metadata)
        }
        await job.notifier.notify(record)
    }

    func save(_ state: BackupJobState, _ job: Job, _ logger: Logger) {
        do {
            try states.save(state, for: job.name)
        } catch {
            logger.error("cannot save the backup job state", metadata: ["trail.error": "\(error)"])
        }
    }

    /// How many times the schedule fires in (`start`, `end`] (at most 10,000 counted).
    static func firings(of schedule: Schedule, after start: Date, through end: Date) -> Int {
        var count = 0
        var time = start
        while count < 10_000, let next = schedule.next(after: time), next <= end {
            count += 1
            time = next
        }
        return count
    }
}
