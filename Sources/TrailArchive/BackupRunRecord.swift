import Foundation

/// One finished run of a backup: its report, or why it could not run. Kept as the last run of a
/// scheduled job and sent to notification targets.
public struct BackupRunRecord: Sendable, Hashable, Codable {
    /// How a run ended.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Every selected object is backed up.
        case succeeded
        /// Done, but some destination objects differ from their sources (left alone), or the run
        /// stopped early (shutdown).
        case incomplete
        /// Objects failed, or the run could not start (a location unreachable, a bad setting).
        case failed
    }

    /// The job's name (`backup` for a command-line run).
    public var job: String
    public var source: String
    public var destination: String
    /// The schedule time the run was for; `nil` for a command-line run.
    public var scheduledFor: Date?
    public var started: Date
    public var finished: Date
    /// The run's report; `nil` when the run failed before copying.
    public var report: BackupReport?
    /// Why the run could not run.
    public var error: String?

    public init(
        job: String, source: String, destination: String, scheduledFor: Date? = nil, started: Date, finished: Date,
        report: BackupReport?, error: String?
    ) {
        self.job = job
        self.source = source
        self.destination = destination
        self.scheduledFor = scheduledFor
        self.started = started
        self.finished = finished
        self.report = report
        self.error = error
    }

    public var status: Status {
        guard error == nil, let report else { return .failed }
        if report.hasFailures { return .failed }
        if !report.conflicts.isEmpty || report.interrupted { return .incomplete }
        return .succeeded
    }
}
