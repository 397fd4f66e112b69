import Foundation

/// What an import did, printed at its end.
public struct ImportReport: Sendable, Hashable {
    public var files = 0
    /// Files that could not be read or were not CloudTrail JSON.
    public var failedFiles: [String: String] = [:]
    public var events = 0
    public var stored = 0
    public var duplicates = 0
    public var rejected = 0
    /// Rejection reasons with their counts.
    public var rejectionReasons: [String: Int] = [:]
    public var bytes = 0

    public init() {}

    /// Whether anything failed (a file, a record, or a batch).
    public var isClean: Bool { failedFiles.isEmpty && rejected == 0 }

    /// The summary lines.
    public func lines(seconds: Double) -> [String] {
        var out = [
            "files: \(files)",
            "events: \(events)",
            "stored: \(stored)",
            "duplicates: \(duplicates)",
            "rejected: \(rejected)",
            "failed files: \(failedFiles.count)",
        ]
        let rate = seconds > 0 ? Int(Double(events) / seconds) : events
        out.append("time: \(String(format: "%.2f", seconds)) s (\(rate) events/s, \(bytes / 1_048_576) MiB read)")
        for (reason, count) in rejectionReasons.sorted(by: { $0.value > $1.value }) {
            out.append("  rejected \(count)×: \(reason)")
        }
        for (file, reason) in failedFiles.sorted(by: { $0.key < $1.key }) {
            out.append("  failed \(file): \(reason)")
        }
        return out
    }
}
