import Foundation
import Testing
import TrailInsights
import TrailModel

@Suite struct InsightDetectorTests {
    /// 2026-11-01T00:00Z in minutes; every synthetic history starts here.
    let day0 = minute("2026-11-01T00:00:00Z")

    /// A call at minute 30 of every second hour, for `days` days: the quiet history of `key`.
    func quietHistory(_ detector: inout InsightDetector, key: InsightKey, days: Int) {
        for hour in stride(from: 0, to: days * 24, by: 2) {
            detector.add(1, to: key, atMinute: day0 + Int64(hour) * 60 + 30)
        }
    }

    /// Counts CreateUser events through the counting rules, as the analyzer will.
    func count(_ events: [InsightEventFields], into detector: inout InsightDetector) {
        for event in events {
            for key in InsightKey.keys(for: event) { detector.add(1, to: key, atMinute: event.minute) }
        }
    }

    func createUser(at minute: Int64, second: Int64 = 0, error: String? = nil, readOnly: Bool = false)
        -> InsightEventFields
    {
        InsightEventFields(
            eventTime: minute * 60 + second, eventCategory: "Management", readOnly: readOnly,
            eventSource: "iam.amazonaws.com", eventName: "CreateUser", errorCode: error, account: "111122223333",
            region: "us-east-1"
        )
    }

    @Test func quietWeekThenBurstGivesOneStartAndOneEnd() throws {
        var detector = InsightDetector()
        let key = callKey()
        quietHistory(&detector, key: key, days: 9)
        let burst = day0 + 8 * 1440 + 10 * 60  // day 8, 10:00
        var events: [InsightEventFields] = []
        for offset in 0..<3 {
            for second in 0..<40 { events.append(createUser(at: burst + Int64(offset), second: Int64(second))) }
        }
        count(events, into: &detector)
        // Minute by minute, as the shell would run.
        var actions: [InsightDetector.Action] = []
        var startSeenAt: Int64?
        for now in stride(from: (day0 + 7 * 1440) * 60, through: (day0 + 9 * 1440) * 60, by: 60) {
            let step = detector.advance(now: now)
            if !starts(step).isEmpty { startSeenAt = now }
            actions += step
        }
        let started = starts(actions)
        let ended = ends(actions)
        #expect(started.count == 1)
        #expect(ended.count == 1)
        #expect(startSeenAt == finalTime(of: burst, .callRate))
        let insight = try #require(ended.first)
        #expect(insight.startMinute == burst)
        #expect(insight.endMinute == burst + 3)
        #expect(insight.durationMinutes == 3)
        #expect(insight.totalCount == 120)
        #expect(insight.average == 40)
        #expect(started.first?.startCount == 40)
        #expect(started.first?.sharedEventID == insight.sharedEventID)
        #expect(detector.openInsights.isEmpty)
        // Baseline frozen at the start: 7 full days and 10 hours of one call per 2 hours.
        #expect(insight.baseline.durationMinutes == 10080 + 600)
        #expect(insight.baseline.count == 7 * 12 + 5)
    }

    @Test func steadyWeekGivesNoInsight() {
        var detector = InsightDetector()
        let key = callKey("PutObject", source: "s3.amazonaws.com")
        for m in day0..<(day0 + 10 * 1440) { detector.add(20, to: key, atMinute: m) }
        let actions = detector.advance(now: (day0 + 10 * 1440) * 60 + 120)
        #expect(actions.isEmpty)
        #expect(detector.nextBaseline(of: key)?.average == 20)
        #expect(detector.nextBaseline(of: key)?.standardDeviation == 0)
    }

    @Test func errorSpikeGivesAnErrorRateInsight() throws {
        var detector = InsightDetector()
        // A read call failing now and then: no call-rate key, an error-rate key.
        var events: [InsightEventFields] = []
        for hour in stride(from: 0, to: 9 * 24, by: 3) {
            events.append(createUser(at: day0 + Int64(hour) * 60 + 7, error: "NoSuchEntity", readOnly: true))
        }
        let spike = day0 + 8 * 1440 + 13 * 60 + 15
        for second in 0..<30 {
            events.append(createUser(at: spike, second: Int64(second % 60), error: "NoSuchEntity", readOnly: true))
        }
        count(events, into: &detector)
        let actions = detector.advance(now: (day0 + 9 * 1440) * 60)
        let started = starts(actions)
        #expect(started.count == 1)
        #expect(ends(actions).count == 1)
        let insight = try #require(started.first)
        #expect(insight.key.insightType == .apiErrorRate)
        #expect(insight.key.errorCode == "NoSuchEntity")
        #expect(insight.startMinute == spike)
        let record = try #require(try parse(insight.record(.start).jsonText) as? [String: Any])
        let details = try #require(record["insightDetails"] as? [String: Any])
        #expect(details["insightType"] as? String == "ApiErrorRateInsight")
        #expect(details["errorCode"] as? String == "NoSuchEntity")
        #expect(detector.keys.map(\.insightType) == [.apiErrorRate])
    }

    @Test func aMinuteNotYetFinalGivesNoDecision() {
        let thresholds = InsightThresholds(lateness: 120)
        var detector = InsightDetector(configuration: .init(callRate: thresholds))
        let key = callKey()
        quietHistory(&detector, key: key, days: 8)
        let burst = day0 + 7 * 1440 + 5 * 60 + 1
        detector.add(50, to: key, atMinute: burst)
        #expect(starts(detector.advance(now: (burst + 1) * 60)).isEmpty)  // minute over, not yet final
        #expect(starts(detector.advance(now: (burst + 1) * 60 + 119)).isEmpty)
        #expect(detector.nextMinute(of: key) == burst)
        // A late event still counts while the minute is not final.
        detector.add(1, to: key, atMinute: burst)
        let actions = detector.advance(now: (burst + 1) * 60 + 120)
        #expect(starts(actions).map(\.startCount) == [51])
        // After the decision, a late event for that minute cannot change it.
        detector.add(2, to: key, atMinute: burst)
        #expect(detector.lateEvents(of: key) == 2)
    }

    @Test func restartFromSerialisedStateGivesTheSameDecisions() throws {
        let key = callKey()
        func feed(_ detector: inout InsightDetector) {
            quietHistory(&detector, key: key, days: 9)
            let burst = day0 + 8 * 1440 + 10 * 60
            for offset in 0..<4 { detector.add(30, to: key, atMinute: burst + Int64(offset)) }
        }
        let times = stride(from: (day0 + 8 * 1440) * 60, through: (day0 + 9 * 1440) * 60, by: 300).map { $0 }
        var uninterrupted = InsightDetector()
        feed(&uninterrupted)
        var expected: [InsightDetector.Action] = []
        for now in times { expected += uninterrupted.advance(now: now) }

        var first = InsightDetector()
        feed(&first)
        var actual: [InsightDetector.Action] = []
        // Crash right after the Start, while the insight is open.
        let crashAt = (day0 + 8 * 1440 + 10 * 60 + 5) * 60
        for now in times where now <= crashAt { actual += first.advance(now: now) }
        #expect(first.openInsights.count == 1)
        let saved = try JSONEncoder().encode(first.state)
        let restored = try JSONDecoder().decode(InsightDetector.State.self, from: saved)
        #expect(restored == first.state)
        var second = InsightDetector(state: restored)
        for now in times where now > crashAt { actual += second.advance(now: now) }
        #expect(actual == expected)
        #expect(starts(actual).count == 1 && ends(actual).count == 1)
    }

    @Test func oneOpenInsightPerKeyAndQuietStreaksReset() {
        let thresholds = InsightThresholds(endQuietMinutes: 5)
        var detector = InsightDetector(configuration: .init(callRate: thresholds))
        let key = callKey()
        quietHistory(&detector, key: key, days: 9)
        let burst = day0 + 8 * 1440 + 3 * 60
        // burst, 2 quiet minutes (one with 3 calls), burst again, then quiet.
        detector.add(40, to: key, atMinute: burst)
        detector.add(3, to: key, atMinute: burst + 2)
        detector.add(45, to: key, atMinute: burst + 3)
        let actions = detector.advance(now: (day0 + 9 * 1440) * 60)
        #expect(starts(actions).count == 1)
        let ended = ends(actions)
        #expect(ended.count == 1)
        #expect(ended.first?.endMinute == burst + 4)
        #expect(ended.first?.totalCount == 88)
        #expect(ended.first?.durationMinutes == 4)
    }

    @Test func aSecondBurstAfterTheEndOpensASecondInsight() {
        var detector = InsightDetector()
        let key = callKey()
        quietHistory(&detector, key: key, days: 9)
        let burst = day0 + 8 * 1440 + 3 * 60
        detector.add(40, to: key, atMinute: burst)
        detector.add(40, to: key, atMinute: burst + 60)
        let actions = detector.advance(now: (day0 + 9 * 1440) * 60)
        #expect(starts(actions).map(\.startMinute) == [burst, burst + 60])
        #expect(ends(actions).count == 2)
        #expect(Set(starts(actions).map(\.sharedEventID)).count == 2)
    }

    @Test func noDecisionDuringWarmupOrBeforeTheEvaluationStart() {
        var detector = InsightDetector()
        let key = callKey()
        quietHistory(&detector, key: key, days: 9)
        detector.add(100, to: key, atMinute: day0 + 6 * 1440)  // within the 7-day warmup
        #expect(detector.advance(now: (day0 + 9 * 1440) * 60).isEmpty)

        let start = (day0 + 8 * 1440) * 60
        var late = InsightDetector(configuration: .init(evaluationStart: start))
        quietHistory(&late, key: key, days: 9)
        late.add(100, to: key, atMinute: day0 + 7 * 1440 + 60)  // after warmup, before evaluationStart
        late.add(100, to: key, atMinute: day0 + 8 * 1440 + 60)
        let actions = late.advance(now: (day0 + 9 * 1440) * 60)
        #expect(starts(actions).map(\.startMinute) == [day0 + 8 * 1440 + 60])
    }

    @Test func keysAreIndependentAndActionsOrderedByKey() {
        var detector = InsightDetector()
        let a = callKey("AttachUserPolicy")
        let b = callKey("CreateUser")
        quietHistory(&detector, key: a, days: 9)
        quietHistory(&detector, key: b, days: 9)
        detector.add(30, to: b, atMinute: day0 + 8 * 1440 + 100)
        detector.add(30, to: a, atMinute: day0 + 8 * 1440 + 200)
        let actions = detector.advance(now: (day0 + 9 * 1440) * 60)
        #expect(starts(actions).map(\.key) == [a, b])
    }

    @Test func idleKeysArePruned() {
        var detector = InsightDetector()
        let key = callKey()
        detector.add(1, to: key, atMinute: day0)
        let other = callKey("DeleteUser")
        detector.add(1, to: other, atMinute: day0 + 15 * 1440)
        _ = detector.advance(now: (day0 + 20 * 1440) * 60)
        detector.pruneIdle()
        #expect(detector.keys == [other])
    }
}
