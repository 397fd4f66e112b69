import Foundation

/// What a backup run did.
public struct BackupReport: Sendable, Hashable, Codable {
    /// Objects listed at the source.
    public var seen = 0
    /// Objects old enough and matching the patterns.
    public var selected = 0
    /// The selected objects' bytes (at the source).
    public var bytesSelected: Int64 = 0
    /// Objects copied (or, in a dry run, that would be copied).
    public var copied = 0
    /// Objects already at the destination with the same content.
    public var skipped = 0
    /// Keys whose destination object has different content (left alone).
    public var conflicts: [String] = []
    /// Keys that could not be copied, with the reason.
    public var failed: [String: String] = [:]
    /// Keys deleted from the source during the run.
    public var vanished: [String] = []
    /// Keys copied with a remark (a `.gz` that is not valid gzip, copied without recompression).
    public var warnings: [String: String] = [:]
    /// Bytes written to the destination (after recompression or encryption).
    public var bytesCopied: Int64 = 0
    public var durationSeconds = 0.0
    public var dryRun = false
    /// Whether the run stopped early (shutdown) before every selected object was handled.
    public var interrupted = false

    public init() {}

    /// Whether anything failed (conflicts and vanished objects are reported, not failures).
    public var hasFailures: Bool { !failed.isEmpty }

    /// Selected objects handled so far.
    public var done: Int { copied + skipped + conflicts.count + failed.count + vanished.count }

    mutating func record(key: String, _ outcome: BackupJob.Outcome) {
        switch outcome {
        case .copied(let bytes, let warning, _):
            copied += 1
            bytesCopied += bytes
            if let warning { warnings[key] = warning }
        case .wouldCopy(let bytes):
            copied += 1
            bytesCopied += bytes
            dryRun = true
        case .skipped(_): skipped += 1
        case .conflict: conflicts.append(key)
        case .vanished: vanished.append(key)
        case .failed(let reason): failed[key] = reason
        }
    }

    /// One line for people.
    public var summary: String {
        let prefix = dryRun ? "dry run: would copy" : "copied"
        return "\(seen) seen, \(selected) selected, \(prefix) \(copied) (\(bytesCopied) bytes), \(skipped) already backed up, "
            + "\(conflicts.count) conflicts, \(failed.count) failed, \(vanished.count) vanished in "
            + String(format: "%.2f s", durationSeconds) + (interrupted ? " (interrupted)" : "")
    }
}
