import AWSWire
import Foundation

/// An SQS queue (AWS, or any SQS-compatible server) as the pipeline's source. Redelivery and the
/// dead-letter queue are SQS's own: the queue's `VisibilityTimeout` and `RedrivePolicy`.
public struct SQSQueue: PipelineQueue {
    public let client: SQSClient
    public let url: String
    public let visibilityTimeout: Int

    /// - Parameter visibilityTimeout: the queue's timeout (read with ``open(client:url:)``).
    public init(client: SQSClient, url: String, visibilityTimeout: Int) {
        self.client = client
        self.url = url
        self.visibilityTimeout = visibilityTimeout
    }

    /// Opens `url`, reading its visibility timeout.
    public static func open(client: SQSClient, url: String) async throws -> SQSQueue {
        let attributes = try await client.queueAttributes(queueURL: url, names: ["VisibilityTimeout"])
        return SQSQueue(client: client, url: url, visibilityTimeout: Int(attributes["VisibilityTimeout"] ?? "") ?? 30)
    }

    public var description: String { "SQS queue \(url)" }

    public func receive(maximum: Int, waitSeconds: Int) async throws -> [PipelineMessage] {
        try await client.receiveMessages(
            queueURL: url, maximum: min(max(maximum, 1), 10), waitTimeSeconds: min(max(waitSeconds, 0), 20),
            systemAttributes: ["ApproximateReceiveCount", "SentTimestamp"]
        ).map(Self.message)
    }

    public func delete(_ message: PipelineMessage) async throws {
        try await client.deleteMessage(queueURL: url, receiptHandle: message.receipt)
    }

    public func changeVisibility(_ message: PipelineMessage, seconds: Int) async throws {
        try await client.changeMessageVisibility(
            queueURL: url, receiptHandle: message.receipt, visibilityTimeout: min(max(seconds, 0), 43_200))
    }

    /// The dead-letter queue named by this queue's RedrivePolicy.
    public func deadLetterQueue() async throws -> (url: String, arn: String) {
        let attributes = try await client.queueAttributes(queueURL: url, names: ["RedrivePolicy"])
        guard let policy = attributes["RedrivePolicy"], let data = policy.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let arn = object["deadLetterTargetArn"] as? String
        else { throw PipelineQueueError("\(url) has no RedrivePolicy naming a dead-letter queue") }
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { throw PipelineQueueError("dead-letter target \(arn) is not a queue ARN") }
        let dlq = try await client.queueURL(name: String(parts[5]), accountID: String(parts[4]))
        return (dlq, arn)
    }

    public func deadLetters(limit: Int) async throws -> [PipelineMessage] {
        let dlq = try await deadLetterQueue()
        // Peek: receive (hiding what was seen so each message is listed once), then show them again.
        var seen: [SQSClient.Message] = []
        var ids = Set<String>()
        while seen.count < limit {
            let batch = try await client.receiveMessages(
                queueURL: dlq.url, maximum: min(10, limit - seen.count), waitTimeSeconds: 0, visibilityTimeout: 30,
                systemAttributes: ["ApproximateReceiveCount", "SentTimestamp"])
            let fresh = batch.filter { ids.insert($0.messageID).inserted }
            if fresh.isEmpty { break }
            seen += fresh
        }
        for message in seen {
            try? await client.changeMessageVisibility(
                queueURL: dlq.url, receiptHandle: message.receiptHandle, visibilityTimeout: 0)
        }
        return seen.map(Self.message)
    }

    public func redriveDeadLetters(limit: Int) async throws -> Int {
        let dlq = try await deadLetterQueue()
        // Receive, send to the source, then delete from the DLQ: a crash in between duplicates a
        // message (harmless: processing is idempotent), never loses one.
        var moved = 0
        while moved < limit {
            let batch = try await client.receiveMessages(
                queueURL: dlq.url, maximum: min(10, limit - moved), waitTimeSeconds: 0, visibilityTimeout: 60)
            if batch.isEmpty { break }
            for message in batch {
                try await client.sendMessage(queueURL: url, body: message.body)
                try await client.deleteMessage(queueURL: dlq.url, receiptHandle: message.receiptHandle)
                moved += 1
            }
        }
        return moved
    }

    static func message(_ m: SQSClient.Message) -> PipelineMessage {
        PipelineMessage(
            id: m.messageID, receipt: m.receiptHandle, body: m.body, receiveCount: m.receiveCount ?? 1,
            sentTime: m.attributes["SentTimestamp"].flatMap { Int64($0) }.map { $0 / 1000 })
    }
}
