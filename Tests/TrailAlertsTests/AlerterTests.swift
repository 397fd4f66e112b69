import AsyncHTTPClient
import Foundation
import Testing
import TrailAlerts
import TrailStore

/// Dedup, aggregation windows and failure isolation, delivering to a real webhook receiver.
@Suite struct AlerterTests {
    @Test func burstOfTenThousandMakesAHandfulOfMessages() async throws {
        let receiver = try await HTTPReceiver.start()
        let clock = TestClock()
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(receiver.url, configuration: Fixtures.configuration(http))
            let alerter = Alerter(targets: [target], now: { clock.now }, logger: Fixtures.logger)
            let findings = (0..<10_000).map { index in
                Fixtures.finding(
                    index,
                    who: index % 4 == 0 ? "arn:aws:iam::123456789012:user/bob" : "arn:aws:iam::123456789012:user/alice",
                    ip: index % 10 == 0 ? "198.51.100.1" : "203.0.113.7"
                )
            }
            let first = await alerter.submit(findings)
            #expect(first.isSuccess)
            #expect(first.alertsSent == 5)
            #expect(first.delivered.count == 5)
            #expect(first.deferred.count == 9_995)
            #expect(receiver.recorded.count == 5)

            // The window is still open: nothing more.
            clock.advance(seconds: 30)
            let early = await alerter.flush(force: false)
            #expect(early.alertsSent == 0)

            clock.advance(seconds: 31)
            let closed = await alerter.flush(force: false)
            #expect(closed.alertsSent == 1)
            #expect(closed.delivered.count == 9_995)
            #expect(await alerter.pendingSummaryCount == 0)
        }
        try await receiver.stop()
        let requests = receiver.recorded
        #expect(requests.count == 6)
        let summary = try #require(requests.last).json()
        #expect(summary["kind"] as? String == "summary")
        #expect(summary["count"] as? Int == 9_995)
        #expect(summary["title"] as? String == "[HIGH] CreateUser matched 9,995 more events in the last 60 s")
        let actors = try #require(summary["topActors"] as? [[String: Any]])
        // Indices 5..<10000: bob every 4th (2,498 of them), alice the rest (7,497).
        #expect(actors.first?["value"] as? String == "arn:aws:iam::123456789012:user/alice")
        #expect(actors.first?["count"] as? Int == 7_497)
        #expect(actors.last?["count"] as? Int == 2_498)
        let ips = try #require(summary["topSourceIPs"] as? [[String: Any]])
        #expect(ips.map { $0["value"] as? String } == ["203.0.113.7", "198.51.100.1"])
        #expect(
            (summary["text"] as? String)?.contains("Top actors: arn:aws:iam::123456789012:user/alice (7,497)") == true)
        #expect((summary["eventIDs"] as? [String])?.count == 20)
        #expect((summary["findings"] as? [[String: Any]])?.count == 3)
    }

    @Test func dropsDuplicatesAcrossSubmits() async throws {
        let receiver = try await HTTPReceiver.start()
        let clock = TestClock()
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(receiver.url, configuration: Fixtures.configuration(http))
            let alerter = Alerter(targets: [target], now: { clock.now }, logger: Fixtures.logger)
            let first = await alerter.submit([Fixtures.finding(1), Fixtures.finding(2), Fixtures.finding(1)])
            #expect(first.alertsSent == 2)
            #expect(first.duplicates == 1)
            clock.advance(seconds: 5)
            let again = await alerter.submit([Fixtures.finding(2), Fixtures.finding(3)])
            #expect(again.duplicates == 1)
            #expect(again.alertsSent == 1)
            // The same event under another rule is another finding.
            let otherRule = await alerter.submit([Fixtures.finding(2, rule: "IAMChange")])
            #expect(otherRule.duplicates == 0)
            #expect(otherRule.alertsSent == 1)
        }
        try await receiver.stop()
        let ids = try receiver.recorded.map { try $0.json()["eventIDs"] as? [String] }
        #expect(ids.count == 4)
        #expect(ids.compactMap { $0?.first?.suffix(2) } == ["01", "02", "03", "02"])
    }

    @Test func forgetsDuplicatesAfterTheHorizon() async throws {
        let receiver = try await HTTPReceiver.start()
        let clock = TestClock()
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(receiver.url, configuration: Fixtures.configuration(http))
            let policy = AlertPolicy(window: .seconds(10), dedupHorizon: .seconds(100))
            let alerter = Alerter(targets: [target], policy: policy, now: { clock.now }, logger: Fixtures.logger)
            _ = await alerter.submit([Fixtures.finding(1)])
            clock.advance(seconds: 50)
            #expect(await alerter.submit([Fixtures.finding(1)]).duplicates == 1)
            clock.advance(seconds: 51)
            #expect(await alerter.submit([Fixtures.finding(1)]).alertsSent == 1)
        }
        try await receiver.stop()
        #expect(receiver.recorded.count == 2)
    }

    @Test func forgetsTheOldestPairsBeyondTheLimit() async throws {
        let receiver = try await HTTPReceiver.start()
        let clock = TestClock()
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(receiver.url, configuration: Fixtures.configuration(http))
            let policy = AlertPolicy(individualAlertsPerWindow: 100, maximumRemembered: 2)
            let alerter = Alerter(targets: [target], policy: policy, now: { clock.now }, logger: Fixtures.logger)
            _ = await alerter.submit([Fixtures.finding(1), Fixtures.finding(2), Fixtures.finding(3)])
            // Only the two newest pairs are remembered: 1 is sent again, 3 is still a duplicate.
            let again = await alerter.submit([Fixtures.finding(3), Fixtures.finding(1)])
            #expect(again.duplicates == 1)
            #expect(again.alertsSent == 1)
            #expect(again.delivered == [Fixtures.finding(1).key])
        }
        try await receiver.stop()
        #expect(receiver.recorded.count == 4)
    }

    @Test func windowsAreCountedPerRule() async throws {
        let receiver = try await HTTPReceiver.start()
        let clock = TestClock()
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(receiver.url, configuration: Fixtures.configuration(http))
            let policy = AlertPolicy(individualAlertsPerWindow: 2)
            let alerter = Alerter(targets: [target], policy: policy, now: { clock.now }, logger: Fixtures.logger)
            let findings =
                (0..<4).map { Fixtures.finding($0, rule: "A") } + (10..<13).map { Fixtures.finding($0, rule: "B") }
            let report = await alerter.submit(findings)
            #expect(report.alertsSent == 4)
            #expect(report.deferred.count == 3)
            // A later submit after the window closed sends the summaries first, then opens new windows.
            clock.advance(seconds: 61)
            let next = await alerter.submit([Fixtures.finding(20, rule: "A")])
            #expect(next.alertsSent == 3)
            #expect(next.deferred.isEmpty)
            #expect(Set(next.delivered.map(\.rule)) == ["A", "B"])
        }
        try await receiver.stop()
        let summaries = try receiver.recorded.map { try $0.json() }.filter { $0["kind"] as? String == "summary" }
        #expect(summaries.map { $0["rule"] as? String } == ["A", "B"])
        #expect(summaries.map { $0["count"] as? Int } == [2, 1])
    }

    @Test func forcedFlushSendsOpenSummaries() async throws {
        let receiver = try await HTTPReceiver.start()
        let clock = TestClock()
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(receiver.url, configuration: Fixtures.configuration(http))
            let alerter = Alerter(
                targets: [target], policy: AlertPolicy(individualAlertsPerWindow: 0), now: { clock.now },
                logger: Fixtures.logger
            )
            _ = await alerter.submit((0..<3).map { Fixtures.finding($0) })
            clock.advance(seconds: 12)
            let report = await alerter.flush(force: true)
            #expect(report.alertsSent == 1)
            #expect(report.delivered.count == 3)
        }
        try await receiver.stop()
        let summary = try #require(receiver.recorded.first).json()
        #expect(summary["title"] as? String == "[HIGH] CreateUser matched 3 more events in the last 12 s")
    }

    @Test func aDownTargetDoesNotHoldTheOthersAndItsFindingsCanBeRetried() async throws {
        let receiver = try await HTTPReceiver.start()
        let port = try await AlertDeliveryTests.closedPort()
        let clock = TestClock()
        try await HTTPClient.withHTTPClient { http in
            let good = try AlertTargets.make(receiver.url, configuration: Fixtures.configuration(http))
            let down = try AlertTargets.make(
                "http://127.0.0.1:\(port)/",
                configuration: Fixtures.configuration(http, delivery: Fixtures.refusedDelivery)
            )
            let alerter = Alerter(targets: [down, good], now: { clock.now }, logger: Fixtures.logger)
            let report = await alerter.submit([Fixtures.finding(1), Fixtures.finding(2)])
            #expect(report.alertsSent == 2)
            #expect(report.deliveries == 2)
            #expect(report.failures.count == 2)
            #expect(report.failures.allSatisfy { $0.target == down.description && $0.error.code == .unavailable })
            #expect(report.failedKeys == [Fixtures.finding(1).key, Fixtures.finding(2).key])
            #expect(report.delivered.isEmpty)
            // Not remembered as seen: submitting again sends again.
            let retry = await alerter.submit([Fixtures.finding(1)])
            #expect(retry.duplicates == 0)
            #expect(retry.alertsSent == 1)
        }
        try await receiver.stop()
        #expect(receiver.recorded.count == 3)
    }
}
