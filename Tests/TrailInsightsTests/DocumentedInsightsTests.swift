import Foundation
import Testing
import TrailInsights
import TrailModel

/// Rebuilds the User Guide's Insights examples from counts (plan §4.5) and compares them with the
/// documented records (`Resources/`, see NOTICE.md).
@Suite struct DocumentedInsightsTests {
    static let role = "arn:aws:sts::012345678901:assumed-role/CodeDeployRole"
    static let agent = "codedeploy.amazonaws.com"

    /// One `CompleteLifecycleAction` call by role 1 in the week before, then one call each by roles 1–3
    /// at minutes 0, 2 and 4 of the insight; thresholds lowered to one call per minute, two quiet
    /// minutes end it. Returns the Start and End records, with attributions from the same calls.
    func codeDeployInsight(startingAt start: Int64, account: String = "123456789012") throws
        -> (start: InsightRecord, end: InsightRecord)
    {
        let key = InsightKey(
            account: account, region: "us-east-1", category: "Management",
            eventSource: "autoscaling.amazonaws.com", eventName: "CompleteLifecycleAction", insightType: .apiCallRate
        )
        let thresholds = InsightThresholds(minimumPerMinute: 1, endQuietMinutes: 2, lateness: 0, warmup: 60)
        var detector = InsightDetector(configuration: .init(callRate: thresholds))
        var counts = Attributions.Counts()  // the whole insight's calls, for the End
        let baselineCall = start - 3 * 1440 - 17
        detector.add(1, to: key, atMinute: baselineCall)
        counts.add(
            userIdentityARN: Self.role + "1", userAgent: Self.agent, errorCode: nil, inInsight: false,
            insightType: .apiCallRate
        )
        var startCounts = counts  // the same baseline; only the start minute's calls in its insight window
        for index in 0..<3 {
            detector.add(1, to: key, atMinute: start + Int64(2 * index))
            counts.add(
                userIdentityARN: Self.role + "\(index + 1)", userAgent: Self.agent, errorCode: nil, inInsight: true,
                insightType: .apiCallRate
            )
            if index == 0 {
                startCounts.add(
                    userIdentityARN: Self.role + "1", userAgent: Self.agent, errorCode: nil, inInsight: true,
                    insightType: .apiCallRate
                )
            }
        }
        let actions = detector.advance(now: (start + 60) * 60)
        let opened = try #require(starts(actions).first)
        let closed = try #require(ends(actions).first)
        #expect(actions.count == 2)
        let duration = try #require(closed.durationMinutes)
        return (
            opened.record(.start, attributions: startCounts.attributions(for: opened, insightMinutes: 1)),
            closed.record(.end, attributions: counts.attributions(for: closed, insightMinutes: duration))
        )
    }

    /// `view-insights-events-cli__2.json`: the Start (21:13) and End (21:14) of a lookup-events answer.
    ///
    /// The documented records both carry the End's statistics (AWS emits the Start late) and a
    /// `baselineDuration` of 11336, which a baseline ending at the insight's start gives at 20:56, not
    /// at 21:13 (the same numbers as `cloudtrail-event-reference__1.json`, whose Start is at 20:56).
    /// So the insight is rebuilt starting at 20:56 that day, and every field but the times and IDs is
    /// compared with our End record.
    @Test func lookupEventsExample() throws {
        let documented = try #require(try fixture("view-insights-events-cli__2.json") as? [String: Any])
        let events = try #require(documented["Events"] as? [[String: Any]])
        #expect(events.count == 2)
        let rebuilt = try codeDeployInsight(startingAt: minute("2019-10-15T20:56:00Z"))
        let ours = try parse(rebuilt.end.jsonText)
        for event in events {
            let diffs = differences(
                documented: event, ours: ours,
                skipping: ["eventVersion", "eventTime", "eventID", "sharedEventID", "state"],
                extraAllowed: ["sourceEventCategory"]
            )
            #expect(diffs.isEmpty, "\(diffs)")
        }
        #expect(rebuilt.end.insightDuration == 5)
        #expect(rebuilt.end.baselineDuration == 11336)
        #expect(rebuilt.end.eventTime == minute("2019-10-15T21:01:00Z") * 60)
        // Both documented records share one sharedEventID; so do ours.
        #expect(events[0]["sharedEventID"] as? String == events[1]["sharedEventID"] as? String)
        #expect(rebuilt.start.sharedEventID == rebuilt.end.sharedEventID)
        // Our Start is emitted at detection: the start minute's rate, attributions over that minute.
        #expect(rebuilt.start.insightAverage == 1)
        #expect(rebuilt.start.insightDuration == nil)
        #expect(rebuilt.start.baselineAverage == rebuilt.end.baselineAverage)
        #expect(rebuilt.start.attributions?.first?.insight.map(\.average) == [1])
    }

    /// `cloudtrail-event-reference__1.json`: a Start at 2020-07-21T20:56 with the whole insight's
    /// statistics; compared with our End's, and its time with our Start's.
    @Test func eventReferenceExample() throws {
        let documented = try #require(try fixture("cloudtrail-event-reference__1.json") as? [String: Any])
        let rebuilt = try codeDeployInsight(startingAt: minute("2020-07-21T20:56:00Z"), account: "838185438692")
        #expect(documented["eventTime"] as? String == EventTime.format(rebuilt.start.eventTime))
        let diffs = differences(
            documented: documented, ours: try parse(rebuilt.end.jsonText),
            skipping: ["eventVersion", "eventTime", "eventID", "sharedEventID", "state"],
            extraAllowed: ["sourceEventCategory"]
        )
        #expect(diffs.isEmpty, "\(diffs)")
    }

    /// `cloudtrail-log-file-examples__9.json`: baseline 85.4202380952 calls per minute, 664 calls at
    /// 00:51, End at 00:52 after one minute.
    ///
    /// 85.4202380952 = 861036 / 10080: this 2019 example's baseline is exactly seven days, which no
    /// integer count over the plan's `10080 + minuteOfDay` window (10131 minutes at 00:51) gives; it is
    /// rebuilt with ``BaselineWindow/sevenDaysBefore``.
    @Test func logFileExample() throws {
        let documented = try #require(try fixture("cloudtrail-log-file-examples__9.json") as? [String: Any])
        let records = try #require(documented["Records"] as? [[String: Any]])
        let key = InsightKey(
            account: "123456789012", region: "us-east-1", category: "Management", eventSource: "ssm.amazonaws.com",
            eventName: "UpdateInstanceInformation", insightType: .apiCallRate
        )
        var detector = InsightDetector(configuration: .init(baselineWindow: .sevenDaysBefore))
        let start = minute("2019-11-14T00:51:00Z")
        // 861036 calls over the 10080 minutes before: 86 in the first 4236 minutes, 85 in the others.
        for offset in 0..<10080 {
            detector.add(offset < 4236 ? 86 : 85, to: key, atMinute: start - 10080 + Int64(offset))
        }
        detector.add(664, to: key, atMinute: start)
        for offset in 1...30 { detector.add(85, to: key, atMinute: start + Int64(offset)) }
        let actions = detector.advance(now: (start + 31) * 60 + 120)
        #expect(actions.count == 2)
        let opened = try #require(starts(actions).first)
        let closed = try #require(ends(actions).first)
        #expect(opened.baseline.count == 861036)
        #expect(opened.baseline.durationMinutes == 10080)
        let ours = [opened.record(.start), closed.record(.end)]
        for (doc, mine) in zip(records, ours) {
            let diffs = differences(
                documented: doc, ours: try parse(mine.jsonText),
                skipping: ["eventVersion", "eventID", "sharedEventID"],
                extraAllowed: ["sourceEventCategory", "baselineDuration"]
            )
            #expect(diffs.isEmpty, "\(diffs)")
        }
        #expect(ours[0].sharedEventID == ours[1].sharedEventID)
        #expect(ours[0].insightDuration == nil)
        #expect(ours[1].insightDuration == 1)
    }
}
