import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A minimal Amazon SQS client on ``AWSClient``, speaking the AWS JSON 1.0 protocol
/// (`X-Amz-Target: AmazonSQS.<Operation>`), as current SDKs do.
///
/// Every request goes to ``endpoint``; ``init(client:queueURL:region:)`` takes the endpoint (and, for
/// AWS hosts, the region) from a queue URL, so a queue URL alone is enough. Every method throws
/// ``AWSError`` when SQS answers with an error (such as `QueueDoesNotExist`), after ``AWSClient``'s
/// retries.
public struct SQSClient: Sendable {
    /// The underlying signed client.
    public let client: AWSClient
    /// `scheme://host[:port]` of the SQS endpoint.
    public let endpoint: String
    /// The SigV4 region.
    public let region: String

    /// A client of the SQS endpoint `endpoint` in `region`.
    public init(client: AWSClient, endpoint: String, region: String) {
        self.client = client
        self.endpoint = endpoint
        self.region = region
    }

    /// A client that talks to the host of `queueURL` (`https://sqs.eu-west-1.amazonaws.com/123456789012/q`
    /// or `http://127.0.0.1:5000/123456789012/q`).
    ///
    /// - Parameter region: the SigV4 region; by default the one an AWS host names, else `us-east-1`.
    /// - Throws: ``AWSError`` (`InvalidEndpoint`) when `queueURL` is not an http(s) URL.
    public init(client: AWSClient, queueURL: String, region: String? = nil) throws {
        let target = try AWSClient.Endpoint(queueURL)
        self.client = client
        self.endpoint = target.origin
        self.region = region ?? Self.region(ofHost: URL(string: queueURL)?.host() ?? "") ?? "us-east-1"
    }

    /// A client from the user's configuration: its credentials, region, and SQS endpoint
    /// (`AWS_ENDPOINT_URL_SQS`…, else `https://sqs.<region>.amazonaws.com`).
    ///
    /// - Throws: ``AWSError`` with code `MissingCredentials` when no credentials are configured.
    public init(
        httpClient: HTTPClient = .shared,
        configuration: AWSConfiguration,
        clientConfiguration: AWSClient.Configuration = .init(),
        logger: Logger
    ) throws {
        self.client = try AWSClient(
            httpClient: httpClient, awsConfiguration: configuration, configuration: clientConfiguration, logger: logger)
        self.endpoint = configuration.endpoint(for: "SQS") ?? "https://sqs.\(configuration.region).amazonaws.com"
        self.region = configuration.region
    }

    /// `sqs.<region>.amazonaws.com` → `<region>`.
    static func region(ofHost host: String) -> String? {
        let labels = host.lowercased().split(separator: ".")
        guard labels.count >= 4, labels[0] == "sqs", labels.dropFirst(2).starts(with: ["amazonaws"]) else { return nil }
        return String(labels[1])
    }

    // MARK: queues

    /// Creates a queue (or returns the URL of an identical existing one).
    ///
    /// - Parameters:
    ///   - attributes: queue attributes, such as `VisibilityTimeout`, `MessageRetentionPeriod`,
    ///     `RedrivePolicy` (`{"deadLetterTargetArn":"…","maxReceiveCount":"3"}`), `FifoQueue`.
    ///   - tags: queue tags.
    /// - Returns: the queue URL.
    @discardableResult
    public func createQueue(name: String, attributes: [String: String] = [:], tags: [String: String] = [:]) async throws
        -> String
    {
        var input: [String: Any] = ["QueueName": name]
        if !attributes.isEmpty { input["Attributes"] = attributes }
        if !tags.isEmpty { input["tags"] = tags }
        return try Self.string("QueueUrl", in: try await call("CreateQueue", input))
    }

    /// The URL of the queue named `name` (owned by `accountID`, by default the caller).
    public func queueURL(name: String, accountID: String? = nil) async throws -> String {
        var input: [String: Any] = ["QueueName": name]
        if let accountID { input["QueueOwnerAWSAccountId"] = accountID }
        return try Self.string("QueueUrl", in: try await call("GetQueueUrl", input))
    }

    /// Deletes a queue.
    public func deleteQueue(queueURL: String) async throws {
        _ = try await call("DeleteQueue", ["QueueUrl": queueURL])
    }

    /// Queue attributes by name (`QueueArn`, `ApproximateNumberOfMessages`, `RedrivePolicy`…; `All` for every one).
    public func queueAttributes(queueURL: String, names: [String] = ["All"]) async throws -> [String: String] {
        let output = try await call("GetQueueAttributes", ["QueueUrl": queueURL, "AttributeNames": names])
        return output["Attributes"] as? [String: String] ?? [:]
    }

    /// Sets queue attributes (such as `VisibilityTimeout`, `RedrivePolicy`, `Policy`).
    public func setQueueAttributes(queueURL: String, _ attributes: [String: String]) async throws {
        _ = try await call("SetQueueAttributes", ["QueueUrl": queueURL, "Attributes": attributes])
    }

    /// Deletes every message of the queue.
    public func purgeQueue(queueURL: String) async throws {
        _ = try await call("PurgeQueue", ["QueueUrl": queueURL])
    }

    /// One page of queue URLs, optionally only those whose name starts with `prefix`.
    ///
    /// - Returns: the URLs and the token of the next page, if any.
    public func listQueues(prefix: String? = nil, maximum: Int? = nil, nextToken: String? = nil) async throws -> (
        queueURLs: [String], nextToken: String?
    ) {
        var input: [String: Any] = [:]
        if let prefix { input["QueueNamePrefix"] = prefix }
        if let maximum { input["MaxResults"] = maximum }
        if let nextToken { input["NextToken"] = nextToken }
        let output = try await call("ListQueues", input)
        return (output["QueueUrls"] as? [String] ?? [], output["NextToken"] as? String)
    }

    /// Starts moving the messages of a dead-letter queue back to their source queues (or to
    /// `destinationARN`): `StartMessageMoveTask`.
    ///
    /// - Returns: the task handle.
    /// - Important: not every SQS-compatible server implements it (moto does not); a caller can
    ///   fall back to receive, send and delete.
    @discardableResult
    public func startMessageMoveTask(sourceARN: String, destinationARN: String? = nil, maximumPerSecond: Int? = nil)
        async throws -> String
    {
        var input: [String: Any] = ["SourceArn": sourceARN]
        if let destinationARN { input["DestinationArn"] = destinationARN }
        if let maximumPerSecond { input["MaxNumberOfMessagesPerSecond"] = maximumPerSecond }
        return try Self.string("TaskHandle", in: try await call("StartMessageMoveTask", input))
    }

    // MARK: messages

    /// Sends a message.
    ///
    /// - Parameters:
    ///   - delaySeconds: how long the message stays invisible (0–900).
    ///   - messageAttributes: typed message attributes.
    ///   - messageGroupID: the group of a FIFO queue.
    ///   - deduplicationID: the deduplication ID of a FIFO queue.
    /// - Returns: the message ID.
    @discardableResult
    public func sendMessage(
        queueURL: String,
        body: String,
        delaySeconds: Int? = nil,
        messageAttributes: [String: MessageAttribute] = [:],
        messageGroupID: String? = nil,
        deduplicationID: String? = nil
    ) async throws -> String {
        var input = Self.entry(body: body, delaySeconds: delaySeconds, messageAttributes: messageAttributes)
        input["QueueUrl"] = queueURL
        if let messageGroupID { input["MessageGroupId"] = messageGroupID }
        if let deduplicationID { input["MessageDeduplicationId"] = deduplicationID }
        return try Self.string("MessageId", in: try await call("SendMessage", input))
    }

    /// Sends up to 10 messages in one request; entries are identified by their ``BatchEntry/id``.
    public func sendMessageBatch(queueURL: String, entries: [BatchEntry]) async throws -> BatchResult {
        let list: [[String: Any]] = entries.map { entry in
            var item = Self.entry(
                body: entry.body, delaySeconds: entry.delaySeconds, messageAttributes: entry.messageAttributes)
            item["Id"] = entry.id
            return item
        }
        return BatchResult(try await call("SendMessageBatch", ["QueueUrl": queueURL, "Entries": list]))
    }

    /// Receives up to `maximum` messages (1–10), waiting up to `waitTimeSeconds` (0–20) for one
    /// to arrive (long polling).
    ///
    /// - Parameters:
    ///   - visibilityTimeout: how long the received messages stay hidden; the queue's default when nil.
    ///   - systemAttributes: system attributes to return in ``Message/attributes``, such as
    ///     `ApproximateReceiveCount`, `SentTimestamp` or `All`.
    ///   - messageAttributeNames: message attributes to return (`All` for every one).
    public func receiveMessages(
        queueURL: String,
        maximum: Int = 1,
        waitTimeSeconds: Int? = nil,
        visibilityTimeout: Int? = nil,
        systemAttributes: [String] = [],
        messageAttributeNames: [String] = []
    ) async throws -> [Message] {
        var input: [String: Any] = ["QueueUrl": queueURL, "MaxNumberOfMessages": maximum]
        if let waitTimeSeconds { input["WaitTimeSeconds"] = waitTimeSeconds }
        if let visibilityTimeout { input["VisibilityTimeout"] = visibilityTimeout }
        if !systemAttributes.isEmpty {
            input["MessageSystemAttributeNames"] = systemAttributes
            input["AttributeNames"] = systemAttributes  // older servers read only this one
        }
        if !messageAttributeNames.isEmpty { input["MessageAttributeNames"] = messageAttributeNames }
        // A long poll holds the request open: the attempt's deadline must outlast it.
        let wait = TimeAmount.seconds(Int64(waitTimeSeconds ?? 0) + 10)
        let output = try await call("ReceiveMessage", input, timeout: max(wait, client.configuration.timeout))
        return (output["Messages"] as? [[String: Any]] ?? []).map(Message.init(json:))
    }

    /// Deletes a received message.
    public func deleteMessage(queueURL: String, receiptHandle: String) async throws {
        _ = try await call("DeleteMessage", ["QueueUrl": queueURL, "ReceiptHandle": receiptHandle])
    }

    /// Deletes up to 10 received messages: `entries` pair an ID of your choice with a receipt handle.
    public func deleteMessageBatch(queueURL: String, entries: [(id: String, receiptHandle: String)]) async throws
        -> BatchResult
    {
        let list: [[String: Any]] = entries.map { ["Id": $0.id, "ReceiptHandle": $0.receiptHandle] }
        return BatchResult(try await call("DeleteMessageBatch", ["QueueUrl": queueURL, "Entries": list]))
    }

    /// Changes how long a received message stays hidden (0 makes it visible at once).
    public func changeMessageVisibility(queueURL: String, receiptHandle: String, visibilityTimeout: Int) async throws {
        _ = try await call(
            "ChangeMessageVisibility",
            ["QueueUrl": queueURL, "ReceiptHandle": receiptHandle, "VisibilityTimeout": visibilityTimeout])
    }

    // MARK: plumbing

    static func entry(body: String, delaySeconds: Int?, messageAttributes: [String: MessageAttribute]) -> [String: Any] {
        var input: [String: Any] = ["MessageBody": body]
        if let delaySeconds { input["DelaySeconds"] = delaySeconds }
        if !messageAttributes.isEmpty { input["MessageAttributes"] = messageAttributes.mapValues(\.json) }
        return input
    }

    static func string(_ name: String, in output: [String: Any]) throws -> String {
        guard let value = output[name] as? String else {
            throw AWSError(code: "MalformedResponse", message: "the response has no \(name)", status: 200)
        }
        return value
    }

    /// Sends one operation; a non-2xx answer becomes an ``AWSError``.
    func call(_ operation: String, _ input: [String: Any], timeout: TimeAmount? = nil) async throws -> [String: Any] {
        let body = try JSONSerialization.data(withJSONObject: input, options: [.sortedKeys])
        let target = try AWSClient.Endpoint(endpoint)
        let response = try await client.send(
            method: .POST,
            target: target,
            path: target.basePath + "/",
            query: "",
            headers: [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS." + operation)],
            body: body,
            service: "sqs",
            region: region,
            timeout: timeout
        )
        guard response.isSuccess else { throw AWSError(response: response) }
        guard !response.body.isEmpty else { return [:] }
        return (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
    }
}
