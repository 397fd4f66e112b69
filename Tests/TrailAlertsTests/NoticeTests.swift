import AsyncHTTPClient
import Foundation
import Testing
import TrailAlerts
import TrailStore

/// Notices (Trailkeeper's own messages, such as a backup run's outcome) through every HTTP target.
@Suite struct NoticeTests {
    static func notice(resolution: Bool) -> Alert {
        Alert(
            notice: Alert.Notice(
                title: "backup nightly failed: 2 of 600 objects failed", text: "Backup nightly: failed.\nFailed (all 2):",
                fields: [.init("job", .text("nightly")), .init("failed", .integer(2)), .init("durationSeconds", .number(2.5))],
                isResolution: resolution),
            name: "backup:nightly", severity: resolution ? .info : .high, at: Date(timeIntervalSince1970: 1_764_547_300),
            dedupKey: "backup/nightly")
    }

    @Test func text() {
        let alert = Self.notice(resolution: false)
        #expect(alert.headline == "[HIGH] backup nightly failed: 2 of 600 objects failed")
        #expect(alert.subject(limit: 20) == "[HIGH] backup night…")
        #expect(alert.text == "Backup nightly: failed.\nFailed (all 2):")
        #expect(Alert.Notice.Field("x", .number(2.5)).text == "2.500")
    }

    @Test func webhookSlackAndPagerDuty() async throws {
        let receiver = try await HTTPReceiver.start()
        try await HTTPClient.withHTTPClient { http in
            let configuration = Fixtures.configuration(http)
            for url in [
                receiver.url + "/hook", "slack+" + receiver.url + "/services/T/B/x",
                "pagerduty+" + receiver.url + "/enqueue?routing_key=K",
            ] {
                let target = try AlertTargets.make(url, configuration: configuration)
                try await target.send(Self.notice(resolution: false))
            }
            try await AlertTargets.make("pagerduty+" + receiver.url + "/enqueue?routing_key=K", configuration: configuration)
                .send(Self.notice(resolution: true))
        }
        try await receiver.stop()
        let requests = receiver.recorded
        #expect(requests.map(\.uri) == ["/hook", "/services/T/B/x", "/enqueue", "/enqueue"])

        let webhook = try requests[0].json()
        #expect(webhook["kind"] as? String == "notice")
        #expect(webhook["rule"] as? String == "backup:nightly")
        #expect(webhook["severity"] as? String == "HIGH")
        #expect(webhook["title"] as? String == "[HIGH] backup nightly failed: 2 of 600 objects failed")
        #expect((webhook["findings"] as? [Any])?.isEmpty == true)
        let details = try #require(webhook["details"] as? [String: Any])
        #expect(details["failed"] as? Int == 2)
        #expect(details["durationSeconds"] as? Double == 2.5)
        #expect(details["job"] as? String == "nightly")

        let slack = try requests[1].json()
        let blocks = try #require(slack["blocks"] as? [[String: Any]])
        let section = try #require((blocks[1]["text"] as? [String: Any])?["text"] as? String)
        #expect(section == "*job:* `nightly`\n*failed:* `2`\n*durationSeconds:* `2.500`")

        let trigger = try requests[2].json()
        #expect(trigger["event_action"] as? String == "trigger")
        #expect(trigger["dedup_key"] as? String == "backup/nightly")
        let payload = try #require(trigger["payload"] as? [String: Any])
        #expect(payload["severity"] as? String == "error")
        #expect(payload["component"] as? String == "trailkeeper")
        #expect(((payload["custom_details"] as? [String: Any])?["details"] as? [String: Any])?["failed"] as? Int == 2)

        let resolve = try requests[3].json()
        #expect(resolve["event_action"] as? String == "resolve")
        #expect(resolve["dedup_key"] as? String == "backup/nightly")
        #expect(resolve["routing_key"] as? String == "K")
        #expect(resolve["payload"] == nil)
    }
}
