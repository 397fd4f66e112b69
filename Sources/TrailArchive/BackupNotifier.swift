import Foundation
import Logging
import TrailAlerts
import TrailStore

/// Tells the alert targets (webhook, Slack, SNS, email, PagerDuty) how a backup run ended, with the
/// report's numbers; each target retries as its ``AlertDelivery`` says.
///
/// Severity: `INFO` for a success, `MEDIUM` for conflicts or an interrupted run, `HIGH` for a
/// failure. A success is a resolution: PagerDuty resolves the incident a failed run of the same job
/// opened (dedup key `backup/<job>`).
public struct BackupNotifier: Sendable {
    public let targets: [any AlertTarget]
    let logger: Logger

    public init(targets: [any AlertTarget], logger: Logger) {
        self.targets = targets
        self.logger = logger
    }

    /// Targets from URLs (see ``AlertTargets/make(_:configuration:)``).
    public init(urls: [String], configuration: AlertTargetConfiguration) throws {
        self.init(targets: try urls.map { try AlertTargets.make($0, configuration: configuration) }, logger: configuration.logger)
    }

    /// A target that could not be told, and why.
    public struct Failure: Sendable, Hashable {
        public var target: String
        public var error: String
    }

    /// Sends the run's notice to every target at once.
    /// - Returns: the targets that could not be reached after their retries.
    @discardableResult
    public func notify(_ run: BackupRunRecord) async -> [Failure] {
        guard !targets.isEmpty else { return [] }
        let alert = Self.alert(for: run)
        let failures = await withTaskGroup(of: Failure?.self) { group in
            for target in targets {
                group.addTask {
                    do {
                        try await target.send(alert)
                        return nil
                    } catch {
                        return Failure(target: target.description, error: String(describing: error))
                    }
                }
            }
            var failures: [Failure] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        for failure in failures {
            logger.warning(
                "backup notification failed",
                metadata: ["trail.backup.job": "\(run.job)", "trail.alert.target": "\(failure.target)", "trail.error": "\(failure.error)"])
        }
        return failures
    }

    /// The notice for a run.
    public static func alert(for run: BackupRunRecord) -> Alert {
        let severity: Severity =
            switch run.status {
            case .succeeded: .info
            case .incomplete: .medium
            case .failed: .high
            }
        let notice = Alert.Notice(
            title: title(run), text: text(run), fields: fields(run), isResolution: run.status == .succeeded)
        return Alert(notice: notice, name: "backup:" + run.job, severity: severity, at: run.finished, dedupKey: "backup/" + run.job)
    }

    static func title(_ run: BackupRunRecord) -> String {
        let name = "backup \(run.job)"
        guard let report = run.report, run.error == nil else {
            return "\(name) failed: " + String((run.error ?? "no report").prefix(200))
        }
        let verb = report.dryRun ? "would copy" : "copied"
        let copied = "\(verb) \(report.copied) (\(bytes(report.bytesCopied))), \(report.skipped) already backed up"
        switch run.status {
        case .failed: return "\(name) failed: \(report.failed.count) of \(report.selected) objects failed, \(copied)"
        case .incomplete where report.interrupted:
            return "\(name) interrupted after \(report.done) of \(report.selected) objects, \(copied)"
        case .incomplete: return "\(name): \(report.conflicts.count) conflicts (backup differs from source), \(copied)"
        case .succeeded: return "\(name) succeeded: \(copied)"
        }
    }

    static func text(_ run: BackupRunRecord) -> String {
        var lines = ["Backup \(run.job) from \(run.source) to \(run.destination): \(run.status.rawValue)."]
        lines.append(
            "Started \(timestamp(run.started)), finished \(timestamp(run.finished))"
                + (run.scheduledFor.map { " (scheduled for \(timestamp($0)))" } ?? "") + ".")
        if let error = run.error { lines.append("Error: \(error)") }
        guard let report = run.report else { return lines.joined(separator: "\n") }
        lines.append(
            "Objects: \(report.seen) seen, \(report.selected) selected (\(bytes(report.bytesSelected))), "
                + "\(report.copied) \(report.dryRun ? "would be copied" : "copied") (\(bytes(report.bytesCopied)) written), "
                + "\(report.skipped) already backed up, \(report.conflicts.count) conflicts, \(report.failed.count) failed, "
                + "\(report.vanished.count) vanished; " + String(format: "%.2f s", report.durationSeconds) + ".")
        func section(_ name: String, _ entries: [String]) {
            guard !entries.isEmpty else { return }
            lines.append("\(name) (\(entries.count < 10 ? "all \(entries.count)" : "first 10 of \(entries.count)")):")
            lines.append(contentsOf: entries.sorted().prefix(10).map { "  " + $0 })
        }
        section("Failed", report.failed.map { "\($0.key): \($0.value)" })
        section("Conflicts", report.conflicts)
        section("Vanished", report.vanished)
        section("Warnings", report.warnings.map { "\($0.key): \($0.value)" })
        return lines.joined(separator: "\n")
    }

    static func fields(_ run: BackupRunRecord) -> [Alert.Notice.Field] {
        var fields: [Alert.Notice.Field] = [
            .init("job", .text(run.job)), .init("status", .text(run.status.rawValue)), .init("source", .text(run.source)),
            .init("destination", .text(run.destination)), .init("started", .text(timestamp(run.started))),
            .init("finished", .text(timestamp(run.finished))),
        ]
        if let error = run.error { fields.append(.init("error", .text(error))) }
        if let report = run.report {
            fields += [
                .init("seen", .integer(Int64(report.seen))), .init("selected", .integer(Int64(report.selected))),
                .init("copied", .integer(Int64(report.copied))), .init("skipped", .integer(Int64(report.skipped))),
                .init("conflicts", .integer(Int64(report.conflicts.count))),
                .init("failed", .integer(Int64(report.failed.count))),
                .init("vanished", .integer(Int64(report.vanished.count))),
                .init("bytesSelected", .integer(report.bytesSelected)), .init("bytesCopied", .integer(report.bytesCopied)),
                .init("durationSeconds", .number(report.durationSeconds)), .init("dryRun", .text(String(report.dryRun))),
                .init("interrupted", .text(String(report.interrupted))),
            ]
        }
        return fields
    }

    /// `2026-12-01T02:00:00Z`.
    static func timestamp(_ date: Date) -> String { date.formatted(.iso8601) }

    /// `1.0 MB`, `12 KB`, `512 B` (powers of 1000).
    static func bytes(_ count: Int64) -> String {
        switch count {
        case ..<1000: "\(count) B"
        case ..<1_000_000: String(format: "%.1f KB", Double(count) / 1e3)
        case ..<1_000_000_000: String(format: "%.1f MB", Double(count) / 1e6)
        default: String(format: "%.2f GB", Double(count) / 1e9)
        }
    }
}
