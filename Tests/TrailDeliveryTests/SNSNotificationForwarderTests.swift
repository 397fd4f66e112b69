import AWSWire
import Foundation
import Logging
import Testing
import TrailDelivery
import TrailModel
import TrailStore
import TrailStoreSQLite

/// The forwarder of trail notifications against SNS and SQS on moto server (`MOTO_ENDPOINT`).
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["MOTO_ENDPOINT"] != nil
            || ProcessInfo.processInfo.environment["TRAILKEEPER_REQUIRE_INTEGRATION"] == "1",
        "MOTO_ENDPOINT is not set (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    )
)
struct SNSNotificationForwarderTests {
    static let logger = Logger(label: "trail.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test("notifications wait on the embedded queue until SNS accepts them, then reach a subscribed queue")
    func forwardsDurably() async throws {
        let endpoint = try #require(
            ProcessInfo.processInfo.environment["MOTO_ENDPOINT"], "TRAILKEEPER_REQUIRE_INTEGRATION=1 but MOTO_ENDPOINT is not set")
        let aws = AWSConfiguration(environment: [
            "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
        ])
        let sns = try SNSClient(
            configuration: aws, endpoint: endpoint,
            clientConfiguration: .init(retry: .init(maximumAttempts: 1)), logger: Self.logger)
        let sqs = SQSClient(client: sns.client, endpoint: endpoint, region: "us-east-1")
        let topic = "tk-fwd-" + UUID().uuidString.lowercased().prefix(8)

        let f = try await DeliveryFixture()
        let d = try f.deliverer()
        _ = try await d.catalog.create(DeliveryFixture.trail(topic: topic))
        _ = try await d.startLogging("audit")
        try await f.append(TrailDelivererTests.records(3, time: f.clock.now))
        f.clock.advance(300)
        await d.tick()

        let forwarder = SNSNotificationForwarder(deliverer: d, sns: sns, logger: Self.logger)
        // No such topic yet: the pass fails, the notification stays queued, the trail status says why.
        await #expect(throws: AWSError.self) { try await forwarder.forwardPending() }
        #expect(try await d.progress("audit")?.latestNotificationError == "NotFound")

        let topicARN = try await sns.createTopic(name: topic)
        let queue = try await sqs.createQueue(name: topic + "-q")
        let queueARN = try #require(try await sqs.queueAttributes(queueURL: queue, names: ["QueueArn"])["QueueArn"])
        try await sns.subscribe(topicARN: topicARN, protocol: "sqs", endpoint: queueARN)

        f.clock.advance(31)  // the failed pass's receive has expired
        #expect(try await forwarder.forwardPending() == 1)
        let received = try await sqs.receiveMessages(queueURL: queue, waitTimeSeconds: 2)
        let body = try #require(received.first).body
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(envelope["TopicArn"] as? String == topicARN)
        #expect(envelope["Subject"] as? String == "[AWS CloudTrail] New log file delivered")
        let text = try #require(envelope["Message"] as? String)
        let message = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(message["s3Bucket"] as? String == "audit-logs")
        #expect(message["s3ObjectKey"] as? [String] == (try await f.files("CloudTrail").map(\.key)))

        // Published once: deleted from the embedded queue.
        f.clock.advance(31)
        #expect(try await forwarder.forwardPending() == 0)
        #expect(try await d.receiveNotifications(queue: topic, maximum: 10, visibilityTimeout: 1).isEmpty)
    }
}
