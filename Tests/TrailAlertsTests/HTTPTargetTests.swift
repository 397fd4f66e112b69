import AsyncHTTPClient
import Foundation
import Testing
import TrailAlerts
import TrailStore

/// Webhook, Slack and PagerDuty payloads as a real HTTP server receives them.
@Suite struct HTTPTargetTests {
    @Test func webhookPostsTheAlertAsJSON() async throws {
        let receiver = try await HTTPReceiver.start()
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(
                "webhook+" + receiver.url + "/hook?team=sec",
                configuration: Fixtures.configuration(http, includeRecords: true)
            )
            try await target.send(
                Alert(finding: Fixtures.finding(7), raisedAt: Date(timeIntervalSince1970: 1_764_547_300)))
        }
        try await receiver.stop()
        let request = try #require(receiver.recorded.first)
        #expect(receiver.recorded.count == 1)
        #expect(request.method == "POST")
        #expect(request.uri == "/hook?team=sec")
        #expect(request.headers["content-type"] == "application/json")
        let json = try request.json()
        #expect(json["rule"] as? String == "CreateUser")
        #expect(json["severity"] as? String == "HIGH")
        #expect(json["kind"] as? String == "finding")
        #expect(json["count"] as? Int == 1)
        #expect(json["description"] as? String == "An IAM user was created.")
        #expect(json["eventIDs"] as? [String] == ["00000000-0000-4000-8000-000000000007"])
        #expect(json["dedupKey"] as? String == "CreateUser/00000000-0000-4000-8000-000000000007")
        let title = try #require(json["title"] as? String)
        #expect(
            title == "[HIGH] CreateUser: arn:aws:iam::123456789012:user/alice called iam:CreateUser from 203.0.113.7")
        let finding = try #require((json["findings"] as? [[String: Any]])?.first)
        #expect(finding["who"] as? String == "arn:aws:iam::123456789012:user/alice")
        #expect(finding["sourceIPAddress"] as? String == "203.0.113.7")
        #expect(finding["eventTime"] as? String == "2025-12-01T00:00:07Z")
        #expect(finding["region"] as? String == "us-east-1")
        #expect(finding["account"] as? String == "123456789012")
        #expect((finding["record"] as? [String: Any])?["eventVersion"] as? String == "1.08")
        let text = try #require(json["text"] as? String)
        #expect(text.contains("When:   2025-12-01T00:00:07Z"))
    }

    @Test func webhookLeavesRecordsOutByDefault() async throws {
        let receiver = try await HTTPReceiver.start()
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(receiver.url, configuration: Fixtures.configuration(http))
            try await target.send(Alert(finding: Fixtures.finding(), raisedAt: Date()))
        }
        try await receiver.stop()
        let finding = try #require((receiver.recorded.first?.json()["findings"] as? [[String: Any]])?.first)
        #expect(finding["record"] == nil)
        #expect(finding["eventID"] as? String == Fixtures.finding().eventID)
    }

    @Test func slackGetsTextAndBlocks() async throws {
        let receiver = try await HTTPReceiver.start()
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(
                "slack+" + receiver.url + "/services/T/B/x", configuration: Fixtures.configuration(http))
            #expect(!target.description.contains("services/T/B/x"))
            let finding = Fixtures.finding(1, who: "arn:aws:iam::1:user/<script>&")
            try await target.send(Alert(finding: finding, raisedAt: Date()))
        }
        try await receiver.stop()
        let json = try #require(receiver.recorded.first).json()
        let text = try #require(json["text"] as? String)
        #expect(text.hasPrefix("[HIGH] CreateUser: "))
        #expect(text.contains("&lt;script&gt;&amp;"))
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["header", "section", "context"])
        let header = try #require(blocks[0]["text"] as? [String: Any])
        #expect(header["type"] as? String == "plain_text")
        let section = try #require(blocks[1]["text"] as? [String: Any])
        #expect(section["type"] as? String == "mrkdwn")
        let details = try #require(section["text"] as? String)
        #expect(details.contains("*Who:* `arn:aws:iam::1:user/&lt;script&gt;&amp;`"))
        #expect(details.contains("*Where:* `203.0.113.7` in us-east-1"))
        #expect(details.contains("*What:* `iam:CreateUser`"))
    }

    @Test func plainSlackHookURLIsDetected() async throws {
        try await HTTPClient.withHTTPClient { http in
            let slack = try AlertTargets.make(
                "https://hooks.slack.com/services/T0/B0/secret", configuration: Fixtures.configuration(http))
            #expect(slack.description.hasPrefix("slack "))
            #expect(!slack.description.contains("secret"))
            let webhook = try AlertTargets.make("https://example.com/hook", configuration: Fixtures.configuration(http))
            #expect(webhook.description.hasPrefix("webhook "))
        }
    }

    @Test func pagerDutyGetsAnEventsV2Trigger() async throws {
        let receiver = try await HTTPReceiver.start(statuses: [202])
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(
                "pagerduty+" + receiver.url + "/v2/enqueue?routing_key=R0UTINGKEY",
                configuration: Fixtures.configuration(http)
            )
            #expect(!target.description.contains("R0UTINGKEY"))
            try await target.send(Alert(finding: Fixtures.finding(3, severity: .critical), raisedAt: Date()))
        }
        try await receiver.stop()
        let request = try #require(receiver.recorded.first)
        #expect(request.uri == "/v2/enqueue")
        let json = try request.json()
        #expect(json["routing_key"] as? String == "R0UTINGKEY")
        #expect(json["event_action"] as? String == "trigger")
        #expect(json["dedup_key"] as? String == "CreateUser/00000000-0000-4000-8000-000000000003")
        let payload = try #require(json["payload"] as? [String: Any])
        #expect(payload["severity"] as? String == "critical")
        #expect((payload["summary"] as? String)?.hasPrefix("[CRITICAL] CreateUser: ") == true)
        #expect(payload["source"] as? String == "aws account 123456789012")
        #expect(payload["timestamp"] as? String == "2025-12-01T00:00:03Z")
        let details = try #require(payload["custom_details"] as? [String: Any])
        #expect(details["rule"] as? String == "CreateUser")
        #expect(details["count"] as? Int == 1)
    }

    @Test func pagerDutySummaryUsesTheWindowAsDedupKey() async throws {
        let receiver = try await HTTPReceiver.start()
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(
                "pagerduty+" + receiver.url + "/enqueue?routing_key=K", configuration: Fixtures.configuration(http)
            )
            let alert = Alert(
                summaryOf: "CreateUser", severity: .medium, ruleDescription: "", count: 42, samples: [],
                eventIDs: ["e1"], topActors: [.init(value: "alice", count: 40)], topSourceIPs: [],
                windowStart: Date(timeIntervalSince1970: 1000), windowEnd: Date(timeIntervalSince1970: 1060)
            )
            try await target.send(alert)
        }
        try await receiver.stop()
        let json = try #require(receiver.recorded.first).json()
        #expect(json["dedup_key"] as? String == "CreateUser/1000")
        let payload = try #require(json["payload"] as? [String: Any])
        #expect(payload["severity"] as? String == "warning")
        #expect(payload["summary"] as? String == "[MEDIUM] CreateUser matched 42 more events in the last 60 s")
    }
}
