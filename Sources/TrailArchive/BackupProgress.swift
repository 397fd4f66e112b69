import Foundation

/// The progress line a terminal shows during a backup, redrawn in place:
/// `412/600 objects · 0.7 of 1.0 MB copied · 157 objects/s · 0.27 MB/s`.
public struct BackupProgress: Sendable {
    let started: ContinuousClock.Instant
    var lastDrawn: ContinuousClock.Instant?
    /// The least time between two redraws.
    let interval: Duration

    public init(interval: Duration = .milliseconds(100), started: ContinuousClock.Instant = .now) {
        self.started = started
        self.interval = interval
    }

    /// The line for `report`, `elapsed` seconds into the run.
    public static func line(_ report: BackupReport, elapsed: Double) -> String {
        let seconds = Swift.max(elapsed, 0.001)
        let objectRate = Double(report.done) / seconds
        let byteRate = Double(report.bytesCopied) / seconds
        return "\(report.done)/\(report.selected) objects · \(BackupNotifier.bytes(report.bytesCopied)) "
            + "\(report.dryRun ? "to copy" : "copied") of \(BackupNotifier.bytes(report.bytesSelected)) selected · "
            + String(format: "%.0f objects/s · ", objectRate) + BackupNotifier.bytes(Int64(byteRate)) + "/s"
    }

    /// The terminal text for `report` (carriage return, line, erase to the end of the line), or
    /// `nil` when the previous redraw was less than ``interval`` ago and the run is not done.
    public mutating func redraw(_ report: BackupReport, now: ContinuousClock.Instant = .now) -> String? {
        if let lastDrawn, now - lastDrawn < interval, report.done < report.selected { return nil }
        lastDrawn = now
        let elapsed = Double((now - started) / .milliseconds(1)) / 1000
        return "\r" + Self.line(report, elapsed: elapsed) + "\u{1B}[K"
    }
}
