import Foundation
import Logging
import Testing
import TrailAlerts
import TrailArchive
import TrailStore

@Suite struct BackupNotifierTests {
    static let logger = Logger(label: "trail.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    static func record(_ report: BackupReport?, error: String? = nil) -> BackupRunRecord {
        BackupRunRecord(
            job: "nightly", source: "s3://trail/AWSLogs/", destination: "s3://vault/ct/",
            scheduledFor: Dates.utc("2026-03-04T02:00:00Z"), started: Dates.utc("2026-03-04T02:00:01Z"),
            finished: Dates.utc("2026-03-04T02:00:04Z"), report: report, error: error)
    }

    static var report: BackupReport {
        var report = BackupReport()
        report.seen = 700
        report.selected = 600
        report.bytesSelected = 1_048_576
        report.copied = 598
        report.skipped = 2
        report.bytesCopied = 1_040_000
        report.durationSeconds = 2.5
        return report
    }

    func field(_ alert: Alert, _ name: String) -> Alert.Notice.Field.Value? {
        alert.notice?.fields.first { $0.name == name }?.value
    }

    @Test func successIsAnInfoResolutionWithTheNumbers() {
        let alert = BackupNotifier.alert(for: Self.record(Self.report))
        #expect(alert.kind == .notice)
        #expect(alert.severity == .info)
        #expect(alert.rule == "backup:nightly")
        #expect(alert.dedupKey == "backup/nightly")
        #expect(alert.notice?.isResolution == true)
        #expect(alert.headline == "[INFO] backup nightly succeeded: copied 598 (1.0 MB), 2 already backed up")
        #expect(alert.text.hasPrefix("Backup nightly from s3://trail/AWSLogs/ to s3://vault/ct/: succeeded."))
        #expect(alert.text.contains("Started 2026-03-04T02:00:01Z, finished 2026-03-04T02:00:04Z (scheduled for 2026-03-04T02:00:00Z)."))
        #expect(alert.text.contains("700 seen, 600 selected (1.0 MB), 598 copied (1.0 MB written), 2 already backed up, 0 conflicts, 0 failed, 0 vanished; 2.50 s."))
        #expect(field(alert, "copied") == .integer(598))
        #expect(field(alert, "bytesCopied") == .integer(1_040_000))
        #expect(field(alert, "durationSeconds") == .number(2.5))
        #expect(field(alert, "status") == .text("succeeded"))
    }

    @Test func failuresConflictsAndErrors() {
        var failing = Self.report
        failing.copied = 595
        failing.failed = ["b.json.gz": "SlowDown after 4 attempts", "a.json.gz": "No space left on device"]
        failing.vanished = ["c.json.gz"]
        let failed = BackupNotifier.alert(for: Self.record(failing))
        #expect(failed.severity == .high)
        #expect(failed.notice?.isResolution == false)
        #expect(failed.headline.hasPrefix("[HIGH] backup nightly failed: 2 of 600 objects failed, copied 595"))
        #expect(failed.text.contains("Failed (all 2):\n  a.json.gz: No space left on device\n  b.json.gz: SlowDown after 4 attempts"))
        #expect(failed.text.contains("Vanished (all 1):\n  c.json.gz"))

        var conflicting = Self.report
        conflicting.conflicts = (0..<12).map { "k\($0 < 10 ? "0" : "")\($0)" }
        let conflict = BackupNotifier.alert(for: Self.record(conflicting))
        #expect(conflict.severity == .medium)
        #expect(conflict.headline.hasPrefix("[MEDIUM] backup nightly: 12 conflicts (backup differs from source)"))
        #expect(conflict.text.contains("Conflicts (first 10 of 12):\n  k00\n"))
        #expect(!conflict.text.contains("k10"))

        let error = BackupNotifier.alert(for: Self.record(nil, error: "NoSuchBucket: the bucket trail does not exist"))
        #expect(error.severity == .high)
        #expect(error.headline == "[HIGH] backup nightly failed: NoSuchBucket: the bucket trail does not exist")
        #expect(field(error, "error") == .text("NoSuchBucket: the bucket trail does not exist"))
        #expect(field(error, "copied") == nil)
    }

    @Test func everyTargetIsToldAndFailuresAreReturned() async {
        let (a, b) = (RecordingTarget(name: "a"), RecordingTarget(failing: true, name: "b"))
        let notifier = BackupNotifier(targets: [a, b], logger: Self.logger)
        let failures = await notifier.notify(Self.record(Self.report))
        #expect(a.sent.count == 1)
        #expect(b.sent.count == 1)
        #expect(failures.map(\.target) == ["b"])
        #expect(failures.map(\.error) == ["b is down"])
        #expect(await BackupNotifier(targets: [], logger: Self.logger).notify(Self.record(nil, error: "x")).isEmpty)
    }

    @Test func progressLine() {
        var report = Self.report
        report.copied = 300
        report.skipped = 12
        report.bytesCopied = 500_000
        #expect(
            BackupProgress.line(report, elapsed: 2)
                == "312/600 objects · 500.0 KB copied of 1.0 MB selected · 156 objects/s · 250.0 KB/s")
        let start = ContinuousClock.now
        var progress = BackupProgress(interval: .milliseconds(100), started: start)
        #expect(progress.redraw(report, now: start + .milliseconds(10))?.hasPrefix("\r312/600 objects") == true)
        #expect(progress.redraw(report, now: start + .milliseconds(50)) == nil)
        #expect(progress.redraw(report, now: start + .milliseconds(120))?.hasSuffix("\u{1B}[K") == true)
        report.copied = 588
        #expect(progress.redraw(report, now: start + .milliseconds(121)) != nil, "the last object is always drawn")
    }
}
