import Foundation

/// What `serve` remembers about a scheduled backup job, in `DATA_DIR/backups/<name>.json`:
/// when it first saw the job, its last run (with the whole report) and how many scheduled runs
/// were skipped because the previous run was still going.
public struct BackupJobState: Sendable, Hashable, Codable {
    public var firstSeen: Date
    public var lastRun: BackupRunRecord?
    public var skippedRuns: Int

    public init(firstSeen: Date, lastRun: BackupRunRecord? = nil, skippedRuns: Int = 0) {
        self.firstSeen = firstSeen
        self.lastRun = lastRun
        self.skippedRuns = skippedRuns
    }

    /// The missed run to make at start-up: the first time the schedule fired after the last run
    /// started (or, for a job that never ran, after it was first seen) when that time has passed.
    /// However many runs were missed, one run catches up.
    public func missedRun(of schedule: Schedule, now: Date) -> Date? {
        guard let due = schedule.next(after: lastRun?.started ?? firstSeen), due <= now else { return nil }
        return due
    }
}

/// Reads and writes job states in a folder (each file replaced atomically).
public struct BackupJobStateStore: Sendable {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    func url(_ job: String) -> URL { URL(fileURLWithPath: folder).appendingPathComponent(job + ".json") }

    /// The job's state; `nil` when it has none yet.
    public func load(_ job: String) throws -> BackupJobState? {
        guard let data = FileManager.default.contents(atPath: url(job).path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(BackupJobState.self, from: data)
    }

    public func save(_ state: BackupJobState, for job: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try FolderBackupStorage.writeAtomically(try encoder.encode(state), to: url(job), modified: nil)
    }
}
