import Foundation
import Logging
import Synchronization
import Testing
import TrailAlerts
import TrailArchive
import TrailStore

@Suite struct BackupSchedulerTests {
    static let logger = Logger(label: "trail.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Counts runs and how many overlap.
    final class Runs: Sendable {
        let state = Mutex<(started: [Date], active: Int, maximumActive: Int)>(([], 0, 0))
        var started: [Date] { state.withLock { $0.started } }
        var maximumActive: Int { state.withLock { $0.maximumActive } }

        func begin(_ now: Date) -> Int {
            state.withLock { s in
                s.started.append(now)
                s.active += 1
                s.maximumActive = max(s.maximumActive, s.active)
                return s.started.count
            }
        }

        func end() { state.withLock { $0.active -= 1 } }
    }

    struct Fixture {
        let clock: ManualClock
        let folder: TemporaryFolder
        let target = RecordingTarget()
        let runs = Runs()
        var states: BackupJobStateStore { BackupJobStateStore(folder: folder.path) }

        init(now: String) throws {
            clock = ManualClock(Dates.utc(now))
            folder = try TemporaryFolder()
        }

        func job(
            _ schedule: String, name: String = "nightly",
            body: @escaping @Sendable (_ run: Int, _ now: Date) async throws -> BackupReport = { _, _ in BackupReport() }
        ) throws -> BackupScheduler.Job {
            let runs = runs
            return BackupScheduler.Job(
                name: name, schedule: try Schedule(schedule), source: "s3://src/", destination: "s3://dst/",
                notifier: BackupNotifier(targets: [target], logger: BackupSchedulerTests.logger)
            ) { now in
                let n = runs.begin(now)
                defer { runs.end() }
                return try await body(n, now)
            }
        }

        /// Runs the scheduler while `body` drives the clock, then stops it.
        func withScheduler(_ jobs: [BackupScheduler.Job], _ body: () async throws -> Void) async throws {
            let scheduler = BackupScheduler(jobs: jobs, states: states, clock: clock, logger: BackupSchedulerTests.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                try await body()
                group.cancelAll()
                try await group.waitForAll()
            }
        }
    }

    static func report(copied: Int, failed: [String: String] = [:]) -> BackupReport {
        var report = BackupReport()
        report.seen = copied + failed.count
        report.selected = copied + failed.count
        report.copied = copied
        report.failed = failed
        return report
    }

    @Test func runsAtEveryScheduleTimeAndKeepsTheLastReport() async throws {
        let f = try Fixture(now: "2026-03-04T00:30:00Z")
        defer { f.folder.remove() }
        let job = try f.job("rate(1 hour)") { n, _ in Self.report(copied: n) }
        try await f.withScheduler([job]) {
            try await f.clock.waitForSleepers(1)
            #expect(f.runs.started.isEmpty, "a new job waits for its first schedule time")
            f.clock.advance(to: Dates.utc("2026-03-04T01:00:00Z"))
            try await f.clock.waitForSleepers(1)
            f.clock.advance(to: Dates.utc("2026-03-04T02:00:00Z"))
            try await f.clock.waitForSleepers(1)
        }
        #expect(f.runs.started == [Dates.utc("2026-03-04T01:00:00Z"), Dates.utc("2026-03-04T02:00:00Z")])
        let state = try #require(try f.states.load("nightly"))
        #expect(state.firstSeen == Dates.utc("2026-03-04T00:30:00Z"))
        #expect(state.lastRun?.scheduledFor == Dates.utc("2026-03-04T02:00:00Z"))
        #expect(state.lastRun?.report?.copied == 2)
        #expect(state.lastRun?.status == .succeeded)
        #expect(state.skippedRuns == 0)
        let sent = f.target.sent
        #expect(sent.count == 2)
        #expect(sent.last?.severity == .info)
        #expect(sent.last?.headline == "[INFO] backup nightly succeeded: copied 2 (0 B), 0 already backed up")
    }

    @Test func aRunNeverOverlapsItselfAndSkippedTimesAreCounted() async throws {
        let f = try Fixture(now: "2026-03-04T00:30:00Z")
        defer { f.folder.remove() }
        let clock = f.clock
        // The first run lasts two and a half hours; the others are quick.
        let job = try f.job("rate(1 hour)") { n, now in
            if n == 1 { try await clock.sleep(until: now.addingTimeInterval(9000)) }
            return Self.report(copied: 1)
        }
        try await f.withScheduler([job]) {
            try await f.clock.waitForSleepers(1)
            f.clock.advance(to: Dates.utc("2026-03-04T01:00:00Z"))
            // The run sleeps inside; 02:00 and 03:00 pass while it runs.
            try await f.clock.waitForSleepers(1)
            f.clock.advance(to: Dates.utc("2026-03-04T02:00:00Z"))
            f.clock.advance(to: Dates.utc("2026-03-04T03:00:00Z"))
            #expect(f.runs.started.count == 1)
            f.clock.advance(to: Dates.utc("2026-03-04T03:30:00Z"))
            try await f.clock.waitForSleepers(1)
            f.clock.advance(to: Dates.utc("2026-03-04T04:00:00Z"))
            try await f.clock.waitForSleepers(1)
        }
        #expect(f.runs.maximumActive == 1)
        #expect(f.runs.started == [Dates.utc("2026-03-04T01:00:00Z"), Dates.utc("2026-03-04T04:00:00Z")])
        let state = try #require(try f.states.load("nightly"))
        #expect(state.skippedRuns == 2)
    }

    @Test func aMissedRunRunsOnceAtStartUp() async throws {
        let f = try Fixture(now: "2026-03-10T09:15:00Z")
        defer { f.folder.remove() }
        // Last ran three days ago at 02:00; the server was down since.
        let lastRun = BackupRunRecord(
            job: "nightly", source: "s3://src/", destination: "s3://dst/", scheduledFor: Dates.utc("2026-03-07T02:00:00Z"),
            started: Dates.utc("2026-03-07T02:00:00Z"), finished: Dates.utc("2026-03-07T02:01:00Z"),
            report: Self.report(copied: 5), error: nil)
        try f.states.save(BackupJobState(firstSeen: Dates.utc("2026-01-01T00:00:00Z"), lastRun: lastRun), for: "nightly")
        let job = try f.job("cron(0 2 * * ? *)")
        try await f.withScheduler([job]) {
            try await f.clock.waitForSleepers(1)
        }
        #expect(f.runs.started == [Dates.utc("2026-03-10T09:15:00Z")])
        let state = try #require(try f.states.load("nightly"))
        #expect(state.lastRun?.scheduledFor == Dates.utc("2026-03-08T02:00:00Z"))
        #expect(state.firstSeen == Dates.utc("2026-01-01T00:00:00Z"))
    }

    @Test func missedRunRule() throws {
        let schedule = try Schedule("rate(1 day)")
        let fresh = BackupJobState(firstSeen: Dates.utc("2026-03-04T10:00:00Z"))
        #expect(fresh.missedRun(of: schedule, now: Dates.utc("2026-03-04T23:59:00Z")) == nil)
        #expect(fresh.missedRun(of: schedule, now: Dates.utc("2026-03-06T08:00:00Z")) == Dates.utc("2026-03-05T00:00:00Z"))
        var ran = fresh
        ran.lastRun = BackupRunRecord(
            job: "j", source: "a", destination: "b", started: Dates.utc("2026-03-05T00:00:00Z"),
            finished: Dates.utc("2026-03-05T00:10:00Z"), report: BackupReport(), error: nil)
        #expect(ran.missedRun(of: schedule, now: Dates.utc("2026-03-05T23:00:00Z")) == nil)
        #expect(ran.missedRun(of: schedule, now: Dates.utc("2026-03-06T00:00:00Z")) == Dates.utc("2026-03-06T00:00:00Z"))
    }

    @Test func aFailedRunIsRecordedAndNotified() async throws {
        let f = try Fixture(now: "2026-03-04T00:59:00Z")
        defer { f.folder.remove() }
        struct Unreachable: Error, CustomStringConvertible { var description: String { "connection refused" } }
        let job = try f.job("rate(1 hour)") { n, _ in
            if n == 1 { throw Unreachable() }
            return Self.report(copied: 3, failed: ["a.json.gz": "disk full"])
        }
        try await f.withScheduler([job]) {
            try await f.clock.waitForSleepers(1)
            f.clock.advance(to: Dates.utc("2026-03-04T01:00:00Z"))
            try await f.clock.waitForSleepers(1)
            f.clock.advance(to: Dates.utc("2026-03-04T02:00:00Z"))
            try await f.clock.waitForSleepers(1)
        }
        let sent = f.target.sent
        #expect(sent.count == 2)
        #expect(sent.map(\.severity) == [.high, .high])
        #expect(sent[0].headline == "[HIGH] backup nightly failed: connection refused")
        #expect(sent[1].headline.hasPrefix("[HIGH] backup nightly failed: 1 of 4 objects failed"))
        #expect(sent[1].text.contains("a.json.gz: disk full"))
        #expect(sent.allSatisfy { $0.notice?.isResolution == false && $0.dedupKey == "backup/nightly" })
        let state = try #require(try f.states.load("nightly"))
        #expect(state.lastRun?.status == .failed)
        #expect(state.lastRun?.report?.failed == ["a.json.gz": "disk full"])
    }
}
