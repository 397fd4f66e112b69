import Foundation
import Logging
import Synchronization
import Testing
import TrailInsights
import TrailModel
import TrailStore
import TrailStoreSQLite

@Suite("Insights analyzer")
struct InsightsAnalyzerTests {
    static let burstMinuteStart = weekStart + 7 * 86_400 + 12 * 3600
    static var burstMinute: Int64 { burstMinuteStart / 60 }

    func configuration(warmup: Int64 = 0) -> InsightsAnalyzer.Configuration {
        InsightsAnalyzer.Configuration(
            callRate: testThresholds(warmup: warmup), errorRate: testThresholds(minimum: 5, warmup: warmup),
            backfill: 30 * 86_400, batchSize: 500)
    }

    func analyzer(
        _ journal: any EventStore, _ store: any InsightStateStore, clock: TestClock, warmup: Int64 = 0,
        enabled: Set<InsightType> = Set(InsightType.allCases)
    ) -> InsightsAnalyzer {
        InsightsAnalyzer(
            journal: journal, store: store, configuration: configuration(warmup: warmup), enabledTypes: { enabled },
            logger: Logger(label: "test"), now: { clock.now })
    }

    /// A quiet week of CreateUser every 30 minutes, with read-only noise that is never counted.
    func quietWeek() -> Traffic {
        var traffic = Traffic()
        for i in 0..<(7 * 48) {
            traffic.call("CreateUser", at: weekStart + Int64(i) * 1800 + 17)
            traffic.call("ListUsers", at: weekStart + Int64(i) * 1800 + 23, readOnly: true)
        }
        return traffic
    }

    func insightRecords(in journal: any EventStore) async throws -> [AuditRecord] {
        try await journal.lookup(LookupQuery(category: .insight, maxResults: 50)).events.map(\.record)
    }

    @Test("A quiet week then a burst of CreateUser calls yields exactly one Start and one End")
    func quietWeekThenBurst() async throws {
        let journal = MemoryEventStore()
        var traffic = quietWeek()
        traffic.burst("CreateUser", count: 30, minuteStart: Self.burstMinuteStart)
        _ = try await journal.append(traffic.records)
        let clock = TestClock(Self.burstMinuteStart + 600)
        let store = MemoryInsightStateStore()
        let analyzer = analyzer(journal, store, clock: clock)
        let written = try await drain(analyzer)

        #expect(written.count == 2)
        let start = try #require(records(written, .start).first)
        let end = try #require(records(written, .end).first)
        #expect(start.insightType == .apiCallRate && start.eventName == "CreateUser" && start.eventSource == "iam.amazonaws.com")
        #expect(start.eventTime == Self.burstMinuteStart)
        #expect(start.insightAverage == 30)
        #expect(start.baselineDuration == 10080 + 720)
        #expect(abs(start.baselineAverage - 336.0 / 10800.0) < 1e-12)
        #expect(start.insightDuration == nil)
        #expect(end.eventTime == Self.burstMinuteStart + 60)
        #expect(end.insightDuration == 1)
        #expect(end.insightAverage == 30)
        #expect(end.sharedEventID == start.sharedEventID && end.eventID != start.eventID)
        #expect(start.sourceEventCategory == "Management" && start.errorCode == nil)

        // Attributions: the three burst users at 10 calls a minute; alice in the baseline.
        let arns = try #require(start.attributions?.first { $0.attribute == "userIdentityArn" })
        #expect(arns.insight.map(\.average) == [10, 10, 10])
        #expect(arns.baseline.map(\.value) == ["arn:aws:iam::111122223333:user/alice"])
        #expect(abs((arns.baseline.first?.average ?? 0) - 336.0 / 10800.0) < 1e-12)
        #expect(start.attributions?.map(\.attribute) == ["userIdentityArn", "userAgent", "errorCode"])
        #expect(start.attributions?.last?.insight.map(\.value) == ["null"])

        // Both are in the journal as Insights events, found by LookupEvents' insight category.
        let stored = try await insightRecords(in: journal)
        #expect(stored.count == 2)
        #expect(Set(stored.map(\.eventID)) == [start.eventID, end.eventID])
        #expect(stored.allSatisfy { $0.eventName == "CreateUser" && $0.eventSource == "iam.amazonaws.com" })

        // Nothing new happens on later steps, and the counts match the journal.
        clock.set(clock.now + 3600)
        #expect(try await drain(analyzer).isEmpty)
        let filter = InsightSeriesFilter(
            account: Traffic.account, region: "us-east-1", eventSource: "iam.amazonaws.com", eventName: "CreateUser",
            insightType: .apiCallRate, errorCode: nil)
        let counts = try await store.counts(matching: filter, fromMinute: 0, toMinute: .max)
        #expect(counts.values.reduce(0, +) == 336 + 30)
        #expect(counts[Self.burstMinute] == 30)
    }

    @Test("A steady week yields no insight")
    func steadyWeek() async throws {
        let journal = MemoryEventStore()
        var traffic = Traffic()
        // 12 calls every five minutes for nine days: bursty, but the same all the time.
        for slot in 0..<(9 * 288) {
            traffic.burst("CreateUser", count: 12, minuteStart: weekStart + Int64(slot) * 300, users: 4)
        }
        _ = try await journal.append(traffic.records)
        let clock = TestClock(weekStart + 9 * 86_400 + 600)
        let analyzer = analyzer(journal, MemoryInsightStateStore(), clock: clock, warmup: 7 * 86_400)
        #expect(try await drain(analyzer).isEmpty)
        #expect(try await insightRecords(in: journal).isEmpty)
        #expect(await analyzer.openInsights.isEmpty)
    }

    @Test("An error spike yields an ApiErrorRateInsight for its error code")
    func errorSpike() async throws {
        let journal = MemoryEventStore()
        var traffic = quietWeek()
        for hour in 0..<(7 * 24) {
            traffic.call("ListUsers", at: weekStart + Int64(hour) * 3600 + 300, readOnly: true, error: "AccessDenied")
        }
        traffic.burst("ListUsers", count: 20, minuteStart: Self.burstMinuteStart, readOnly: true, error: "AccessDenied")
        _ = try await journal.append(traffic.records)
        let clock = TestClock(Self.burstMinuteStart + 600)
        let written = try await drain(analyzer(journal, MemoryInsightStateStore(), clock: clock))

        #expect(records(written, .start, .apiCallRate).isEmpty)
        let starts = records(written, .start, .apiErrorRate)
        #expect(starts.count == 1)
        let start = try #require(starts.first)
        #expect(start.eventName == "ListUsers" && start.errorCode == "AccessDenied")
        #expect(start.insightAverage == 20)
        #expect(start.attributions?.map(\.attribute) == ["userIdentityArn", "userAgent"])
        #expect(records(written, .end, .apiErrorRate).count == 1)
        let text = start.jsonText
        #expect(text.contains("\"insightType\":\"ApiErrorRateInsight\"") && text.contains("\"errorCode\":\"AccessDenied\""))
    }

    @Test("A restart between Start and End loses and duplicates nothing (state in insights.sqlite)")
    func restart() async throws {
        let directory = NSTemporaryDirectory() + "insights-analyzer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/insights.sqlite"
        let journal = MemoryEventStore()
        var history = quietWeek()
        history.burst("CreateUser", count: 30, minuteStart: Self.burstMinuteStart)
        _ = try await journal.append(history.records)
        // The burst minute is final, the quiet minutes after it are not yet.
        let clock = TestClock(Self.burstMinuteStart + 60 + 60)

        let first = try SQLiteInsightStateStore(path: path)
        let before = try await drain(analyzer(journal, first, clock: clock))
        #expect(before.map(\.state) == [.start])
        try first.close()

        // More traffic arrives while the analyzer is down.
        var later = Traffic(firstSerial: 1_000_000)
        later.call("CreateUser", at: Self.burstMinuteStart + 300)
        _ = try await journal.append(later.records)
        clock.set(Self.burstMinuteStart + 900)

        let second = try SQLiteInsightStateStore(path: path)
        defer { try? second.close() }
        let resumed = analyzer(journal, second, clock: clock)
        let after = try await drain(resumed)
        #expect(after.map(\.state) == [.end])
        #expect(after.first?.sharedEventID == before.first?.sharedEventID)
        #expect(try await insightRecords(in: journal).count == 2)
        let last = try await journal.statistics().lastSequence
        #expect(await resumed.countedPosition == last)
        #expect(try await journal.cursor(named: InsightsAnalyzer.cursorName) == last)
        let counts = try await second.counts(types: [.apiCallRate], fromMinute: 0, toMinute: .max)
        let total: Int = counts.reduce(0) { $0 + $1.count }
        #expect(total == 367)
    }

    @Test("A crash after appending records but before committing replays them as duplicates")
    func crashBeforeCommit() async throws {
        let journal = MemoryEventStore()
        var traffic = quietWeek()
        traffic.burst("CreateUser", count: 30, minuteStart: Self.burstMinuteStart)
        _ = try await journal.append(traffic.records)
        // Everything counted and committed while the burst is not final yet.
        let clock = TestClock(Self.burstMinuteStart)
        let store = FailingStateStore()
        #expect(try await drain(analyzer(journal, store, clock: clock)).isEmpty)
        clock.set(Self.burstMinuteStart + 600)
        store.failNextCommit()
        let crashed = analyzer(journal, store, clock: clock)
        await #expect(throws: FailingStateStore.Failure.self) { _ = try await drain(crashed) }
        // The records reached the journal, the state did not reach the store.
        let appended = try await insightRecords(in: journal)
        #expect(appended.count == 2)

        let replayed = try await drain(analyzer(journal, store, clock: clock))
        #expect(replayed.count == 2)
        #expect(Set(replayed.map(\.eventID)) == Set(appended.map(\.eventID)))
        #expect(try await insightRecords(in: journal).count == 2)
    }

    @Test("Counting runs with no type enabled; enabling later evaluates the backfilled history")
    func enableLater() async throws {
        let journal = MemoryEventStore()
        var traffic = quietWeek()
        traffic.burst("CreateUser", count: 30, minuteStart: Self.burstMinuteStart)
        _ = try await journal.append(traffic.records)
        let clock = TestClock(Self.burstMinuteStart + 600)
        let enabled = Mutex<Set<InsightType>>([])
        let store = MemoryInsightStateStore()
        let analyzer = InsightsAnalyzer(
            journal: journal, store: store, configuration: configuration(), enabledTypes: { enabled.withLock { $0 } },
            logger: Logger(label: "test"), now: { clock.now })
        #expect(try await drain(analyzer).isEmpty)
        #expect(try await store.counts(types: [.apiCallRate], fromMinute: 0, toMinute: .max).count == 337)

        enabled.withLock { $0 = [.apiCallRate] }
        let written = try await drain(analyzer)
        #expect(written.map(\.state) == [.start, .end])
        #expect(written.allSatisfy { $0.insightType == .apiCallRate })

        // Disabled again: the detector goes; enabling without backfill would not repeat the insight.
        enabled.withLock { $0 = [] }
        #expect(try await drain(analyzer).isEmpty)
        #expect(await analyzer.openInsights.isEmpty)
    }
}

extension InsightsAnalyzerTests {
    @Test("A type enabled while counts wait uncommitted (catching up) still sees them")
    func enableWhileCatchingUp() async throws {
        let journal = MemoryEventStore()
        var traffic = quietWeek()
        traffic.burst("CreateUser", count: 30, minuteStart: Self.burstMinuteStart)
        _ = try await journal.append(traffic.records)
        let clock = TestClock(Self.burstMinuteStart + 600)
        let enabled = Mutex<Set<InsightType>>([])
        var configuration = configuration()
        configuration.batchSize = 100
        configuration.commitInterval = 1_000_000
        let store = MemoryInsightStateStore()
        let analyzer = InsightsAnalyzer(
            journal: journal, store: store, configuration: configuration, enabledTypes: { enabled.withLock { $0 } },
            logger: Logger(label: "test"), now: { clock.now })
        for _ in 0..<3 { try await analyzer.step() }
        #expect(try await store.snapshot() == nil, "nothing committed while catching up")
        enabled.withLock { $0 = [.apiCallRate] }
        let written = try await drain(analyzer)
        #expect(written.map(\.state) == [.start, .end])
        #expect(written.first?.insightAverage == 30)
        // The baseline holds the whole quiet week, including the calls read before enabling.
        #expect(abs((written.first?.baselineAverage ?? 0) - 336.0 / 10800.0) < 1e-12)
    }
}

/// A memory state store whose next commit can be made to fail, as a crash would.
final class FailingStateStore: InsightStateStore {
    struct Failure: Error {}
    private let inner = MemoryInsightStateStore()
    private let failing = Mutex(false)

    func failNextCommit() { failing.withLock { $0 = true } }

    func snapshot() async throws -> InsightAnalyzerSnapshot? { try await inner.snapshot() }

    func commit(position: Int64, state: Data, adding counts: [InsightMinuteCount]) async throws {
        let fail = failing.withLock { value in
            defer { value = false }
            return value
        }
        if fail { throw Failure() }
        try await inner.commit(position: position, state: state, adding: counts)
    }

    func counts(types: Set<InsightType>, fromMinute from: Int64, toMinute to: Int64) async throws -> [InsightMinuteCount] {
        try await inner.counts(types: types, fromMinute: from, toMinute: to)
    }

    func counts(matching filter: InsightSeriesFilter, fromMinute from: Int64, toMinute to: Int64) async throws -> [Int64: Int] {
        try await inner.counts(matching: filter, fromMinute: from, toMinute: to)
    }

    func removeCounts(before minute: Int64) async throws -> Int { try await inner.removeCounts(before: minute) }
}
