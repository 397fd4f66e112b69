import AWSWire
import AsyncHTTPClient
import Foundation
import Logging
import Testing

/// moto server, when the environment names it (`MOTO_ENDPOINT`).
enum Moto {
    static let endpoint = ProcessInfo.processInfo.environment["MOTO_ENDPOINT"]
    static let isRequired = ProcessInfo.processInfo.environment["TRAILKEEPER_REQUIRE_INTEGRATION"] == "1"
    static let logger = Logger(label: "trail.tests", factory: { _ in SwiftLogNoOpLogHandler() })
    static let credentials = SigV4.Credentials(accessKeyID: "AKIAMOTOTEST00000001", secretAccessKey: "moto-secret")

    /// A client of moto; fails when moto is required but not configured.
    static func withClient<T>(_ body: (AWSClient, String) async throws -> T) async throws -> T {
        let endpoint = try #require(Moto.endpoint, "TRAILKEEPER_REQUIRE_INTEGRATION=1 but MOTO_ENDPOINT is not set")
        return try await HTTPClient.withHTTPClient { http in
            let fast = AWSClient.Configuration(retry: .init(baseDelay: .milliseconds(10), maximumDelay: .milliseconds(50)))
            return try await body(AWSClient(httpClient: http, credentials: credentials, configuration: fast, logger: logger), endpoint)
        }
    }

    static func uniqueName(_ prefix: String) -> String {
        prefix + "-" + UUID().uuidString.lowercased().prefix(8)
    }
}

@Suite(
    .enabled(
        if: Moto.endpoint != nil || Moto.isRequired,
        "MOTO_ENDPOINT is not set (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    )
)
struct SQSClientMotoTests {
    @Test func queueLifecycleMessagesAndBatches() async throws {
        try await Moto.withClient { client, endpoint in
            let sqs = SQSClient(client: client, endpoint: endpoint, region: "us-east-1")
            let name = Moto.uniqueName("tk-q")
            let url = try await sqs.createQueue(name: name, attributes: ["VisibilityTimeout": "45"])
            #expect(try await sqs.queueURL(name: name) == url)
            #expect(try await sqs.listQueues(prefix: name).queueURLs == [url])
            var attributes = try await sqs.queueAttributes(queueURL: url)
            #expect(attributes["VisibilityTimeout"] == "45")
            #expect(attributes["QueueArn"]?.hasSuffix(":" + name) == true)
            try await sqs.setQueueAttributes(queueURL: url, ["VisibilityTimeout": "5"])
            #expect(try await sqs.queueAttributes(queueURL: url, names: ["VisibilityTimeout"])["VisibilityTimeout"] == "5")

            let id = try await sqs.sendMessage(
                queueURL: url, body: "héllo {\"x\":1}", messageAttributes: ["kind": .string("greeting"), "n": .number("7")])
            #expect(!id.isEmpty)
            let batch = try await sqs.sendMessageBatch(
                queueURL: url, entries: (1...3).map { SQSClient.BatchEntry(id: "e\($0)", body: "batch \($0)") })
            #expect(Set(batch.successful) == ["e1", "e2", "e3"] && batch.failed.isEmpty)
            attributes = try await sqs.queueAttributes(queueURL: url, names: ["ApproximateNumberOfMessages"])
            #expect(attributes["ApproximateNumberOfMessages"] == "4")

            var received: [SQSClient.Message] = []
            while received.count < 4 {
                let page = try await sqs.receiveMessages(
                    queueURL: url, maximum: 10, waitTimeSeconds: 1, visibilityTimeout: 30,
                    systemAttributes: ["ApproximateReceiveCount"], messageAttributeNames: ["All"])
                try #require(!page.isEmpty)
                received += page
            }
            #expect(Set(received.map(\.body)) == ["héllo {\"x\":1}", "batch 1", "batch 2", "batch 3"])
            let first = try #require(received.first { $0.messageID == id })
            #expect(first.messageAttributes["kind"] == .string("greeting"))
            #expect(first.messageAttributes["n"] == .number("7"))
            #expect(received.allSatisfy { $0.receiveCount == 1 })

            // Visibility 0 makes a message receivable again at once.
            try await sqs.changeMessageVisibility(queueURL: url, receiptHandle: first.receiptHandle, visibilityTimeout: 0)
            let again = try await sqs.receiveMessages(queueURL: url, maximum: 1, waitTimeSeconds: 1, systemAttributes: ["All"])
            #expect(again.map(\.messageID) == [id])
            #expect(again.first?.receiveCount == 2)

            try await sqs.deleteMessage(queueURL: url, receiptHandle: try #require(again.first).receiptHandle)
            let others = received.filter { $0.messageID != id }
            let deleted = try await sqs.deleteMessageBatch(
                queueURL: url, entries: others.enumerated().map { ("d\($0.offset)", $0.element.receiptHandle) })
            #expect(deleted.successful.count == 3 && deleted.failed.isEmpty)
            #expect(try await sqs.receiveMessages(queueURL: url, maximum: 10, waitTimeSeconds: 1).isEmpty)

            try await sqs.sendMessage(queueURL: url, body: "to purge")
            try await sqs.purgeQueue(queueURL: url)
            #expect(try await sqs.queueAttributes(queueURL: url)["ApproximateNumberOfMessages"] == "0")

            try await sqs.deleteQueue(queueURL: url)
            let missing = await #expect(throws: AWSError.self) { try await sqs.queueURL(name: name) }
            #expect(missing?.code.contains("NonExistentQueue") == true || missing?.code == "QueueDoesNotExist")
        }
    }

    @Test func redrivesToTheDeadLetterQueueAfterMaxReceiveCountAndBack() async throws {
        try await Moto.withClient { client, endpoint in
            let sqs = SQSClient(client: client, endpoint: endpoint, region: "us-east-1")
            let dlq = try await sqs.createQueue(name: Moto.uniqueName("tk-dlq"))
            let dlqARN = try #require(try await sqs.queueAttributes(queueURL: dlq, names: ["QueueArn"])["QueueArn"])
            let policy = #"{"deadLetterTargetArn":"\#(dlqARN)","maxReceiveCount":"2"}"#
            let source = try await sqs.createQueue(name: Moto.uniqueName("tk-src"), attributes: ["RedrivePolicy": policy])
            let redrive = try await sqs.queueAttributes(queueURL: source, names: ["RedrivePolicy"])["RedrivePolicy"]
            #expect(redrive?.contains(dlqARN) == true)

            try await sqs.sendMessage(queueURL: source, body: "poison")
            for _ in 0..<2 {
                let got = try await sqs.receiveMessages(queueURL: source, maximum: 1, waitTimeSeconds: 1, visibilityTimeout: 0)
                #expect(got.map(\.body) == ["poison"])
            }
            // The third receive moves it to the dead-letter queue.
            #expect(try await sqs.receiveMessages(queueURL: source, maximum: 1, waitTimeSeconds: 1).isEmpty)
            let dead = try await sqs.receiveMessages(queueURL: dlq, maximum: 1, waitTimeSeconds: 1)
            #expect(dead.map(\.body) == ["poison"])

            // Redrive back: StartMessageMoveTask where supported, else receive + send + delete.
            let sourceARN = try #require(try await sqs.queueAttributes(queueURL: source, names: ["QueueArn"])["QueueArn"])
            do {
                try await sqs.startMessageMoveTask(sourceARN: dlqARN, destinationARN: sourceARN)
            } catch is AWSError {
                for message in dead {
                    try await sqs.sendMessage(queueURL: source, body: message.body)
                    try await sqs.deleteMessage(queueURL: dlq, receiptHandle: message.receiptHandle)
                }
            }
            let back = try await sqs.receiveMessages(queueURL: source, maximum: 1, waitTimeSeconds: 2)
            #expect(back.map(\.body) == ["poison"])
        }
    }

    @Test func aQueueURLAloneIsEnough() async throws {
        try await Moto.withClient { client, endpoint in
            let url = try await SQSClient(client: client, endpoint: endpoint, region: "us-east-1")
                .createQueue(name: Moto.uniqueName("tk-url"))
            let sqs = try SQSClient(client: client, queueURL: url)
            #expect(sqs.region == "us-east-1")
            try await sqs.sendMessage(queueURL: url, body: "by url")
            #expect(try await sqs.receiveMessages(queueURL: url, waitTimeSeconds: 1).map(\.body) == ["by url"])
            let aws = try SQSClient(client: client, queueURL: "https://sqs.eu-west-3.amazonaws.com/123456789012/q")
            #expect(aws.region == "eu-west-3" && aws.endpoint == "https://sqs.eu-west-3.amazonaws.com")
        }
    }
}

@Suite(
    .enabled(
        if: Moto.endpoint != nil || Moto.isRequired,
        "MOTO_ENDPOINT is not set (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    )
)
struct SNSClientMotoTests {
    @Test func publishedMessagesReachASubscribedQueueInTheSNSEnvelope() async throws {
        try await Moto.withClient { client, endpoint in
            let sns = SNSClient(client: client, endpoint: endpoint, region: "us-east-1")
            let sqs = SQSClient(client: client, endpoint: endpoint, region: "us-east-1")
            let name = Moto.uniqueName("tk-topic")
            let topic = try await sns.createTopic(name: name, attributes: ["DisplayName": "Trail"])
            #expect(topic.hasSuffix(":" + name))
            #expect(try await sns.createTopic(name: name, attributes: ["DisplayName": "Trail"]) == topic)
            #expect(try await sns.allTopics().contains(topic))

            let queue = try await sqs.createQueue(name: Moto.uniqueName("tk-sub"))
            let queueARN = try #require(try await sqs.queueAttributes(queueURL: queue, names: ["QueueArn"])["QueueArn"])
            let raw = try await sqs.createQueue(name: Moto.uniqueName("tk-raw"))
            let rawARN = try #require(try await sqs.queueAttributes(queueURL: raw, names: ["QueueArn"])["QueueArn"])
            let subscription = try await sns.subscribe(topicARN: topic, protocol: "sqs", endpoint: queueARN)
            #expect(subscription.hasPrefix(topic + ":"))
            try await sns.subscribe(
                topicARN: topic, protocol: "sqs", endpoint: rawARN, attributes: ["RawMessageDelivery": "true"])

            let message = #"{"s3Bucket":"b","s3ObjectKey":["k 1&2"]}"#
            let id = try await sns.publish(
                topicARN: topic, message: message, subject: "[AWS CloudTrail] New log file delivered",
                messageAttributes: ["source": .string("trailkeeper")])
            let received = try await sqs.receiveMessages(queueURL: queue, waitTimeSeconds: 2)
            let body = try #require(received.first?.body)
            let envelope = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(envelope["Type"] as? String == "Notification")
            #expect(envelope["TopicArn"] as? String == topic)
            #expect(envelope["MessageId"] as? String == id)
            #expect(envelope["Message"] as? String == message)
            #expect(envelope["Subject"] as? String == "[AWS CloudTrail] New log file delivered")
            #expect(try await sqs.receiveMessages(queueURL: raw, waitTimeSeconds: 2).map(\.body) == [message])

            try await sns.deleteTopic(topicARN: topic)
            #expect(!(try await sns.allTopics().contains(topic)))
            await #expect(throws: AWSError.self) { try await sns.publish(topicARN: topic, message: "gone") }
        }
    }
}
