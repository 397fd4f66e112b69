import Testing
import TrailInsights

@Suite struct BaselineTests {
    @Test func averageAndDeviationIncludeZeroMinutes() {
        let baseline = Baseline(count: 9, sumOfSquares: 29, durationMinutes: 10680)
        let average = 9.0 / 10680
        #expect(baseline.average == average)
        #expect(abs(baseline.standardDeviation - (29.0 / 10680 - average * average).squareRoot()) < 1e-15)
        #expect(Baseline(count: 0, sumOfSquares: 0, durationMinutes: 0).average == 0)
    }

    @Test func windowIsSevenDaysBeforeMidnightUpToTheMinute() {
        let thresholds = InsightThresholds(lateness: 0)
        var detector = InsightDetector(configuration: .init(callRate: thresholds))
        let key = callKey()
        let m = minute("2026-11-20T10:00:00Z")
        detector.add(100, to: key, atMinute: minute("2026-11-12T23:59:00Z"))  // before midnight − 7 days: out
        detector.add(2, to: key, atMinute: minute("2026-11-13T00:00:00Z"))  // exactly midnight − 7 days: in
        detector.add(4, to: key, atMinute: minute("2026-11-17T08:30:00Z"))
        detector.add(3, to: key, atMinute: minute("2026-11-20T09:59:00Z"))  // today, before m: in
        detector.add(7, to: key, atMinute: m)  // m itself: not in its own baseline
        _ = detector.advance(now: m * 60)
        #expect(detector.nextMinute(of: key) == m)
        let baseline = detector.nextBaseline(of: key)
        #expect(baseline == Baseline(count: 9, sumOfSquares: 4 + 16 + 9, durationMinutes: 10080 + 600))
    }

    @Test func documentedBaselineDurations() {
        // 11336 = 10080 + 20·60 + 56 (insight at 20:56); 11092 = 10080 + 16·60 + 52.
        for (time, expected) in [("2020-07-21T20:56:00Z", 11336), ("2026-11-20T16:52:00Z", 11092)] {
            let thresholds = InsightThresholds(lateness: 0)
            var detector = InsightDetector(configuration: .init(callRate: thresholds))
            let key = callKey()
            detector.add(1, to: key, atMinute: minute(time) - 3 * 1440)
            _ = detector.advance(now: minute(time) * 60)
            #expect(detector.nextBaseline(of: key)?.durationMinutes == expected)
        }
    }

    @Test func exactSevenDayWindowSlidesByTheMinute() {
        let thresholds = InsightThresholds(lateness: 0)
        var detector = InsightDetector(configuration: .init(callRate: thresholds, baselineWindow: .sevenDaysBefore))
        let key = callKey()
        let m = minute("2026-11-20T00:51:00Z")
        detector.add(5, to: key, atMinute: m - 10080 - 1)  // out
        detector.add(2, to: key, atMinute: m - 10080)  // in
        detector.add(3, to: key, atMinute: m - 1)  // in
        _ = detector.advance(now: m * 60)
        #expect(detector.nextBaseline(of: key) == Baseline(count: 5, sumOfSquares: 13, durationMinutes: 10080))
    }

    @Test func thresholdIsTheLargestOfTheThreeRules() {
        let thresholds = InsightThresholds(minimumPerMinute: 10, ratio: 3, sigma: 4)
        #expect(thresholds.threshold(for: Baseline(count: 0, sumOfSquares: 0, durationMinutes: 10080)) == 10)
        // average 20, σ 0: ratio wins.
        let steady = Baseline(count: 20 * 10080, sumOfSquares: 400 * 10080, durationMinutes: 10080)
        #expect(thresholds.threshold(for: steady) == 60)
        // average 1, σ² = 100 − 1 = 99: sigma wins.
        let bursty = Baseline(count: 10080, sumOfSquares: 100 * 10080, durationMinutes: 10080)
        #expect(abs(thresholds.threshold(for: bursty) - (1 + 4 * 99.0.squareRoot())) < 1e-12)
    }

    @Test func defaultsAreDocumented() {
        let d = InsightThresholds()
        #expect(d.minimumPerMinute == 10 && d.ratio == 3 && d.sigma == 4 && d.endQuietMinutes == 5)
        #expect(d.lateness == 120 && d.warmup == 604_800)
        #expect(InsightThresholds.errorRate.minimumPerMinute == 5)
        #expect(InsightThresholds(minimumPerMinute: 0, endQuietMinutes: 0).minimumPerMinute == 1)
    }
}
