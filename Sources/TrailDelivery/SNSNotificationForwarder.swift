import AWSWire
import Foundation
import Logging
import ServiceLifecycle
import TrailModel
import TrailStore

/// Forwards the SNS notifications that trail delivery queues on the embedded queue to a real SNS
/// topic (AWS, moto, LocalStack…): a durable outbox.
///
/// ``TrailDeliverer`` queues a notification in the same transaction that completes a delivery,
/// on the embedded queue named after the trail's SNS topic. Each pass receives those messages
/// (hiding them for ``Configuration/visibilityTimeout``), publishes each one's `Message` to the
/// topic, and deletes it only after SNS accepted it. A failed publish leaves the message queued:
/// it becomes visible again and is retried, with exponential backoff and jitter between failing
/// passes, so a notification is never lost (it may be published twice if the process stops
/// between publish and delete).
///
/// A trail's `SnsTopicName` is either a topic ARN, used as is, or a name, resolved to the ARN of
/// the topic of that name on the SNS endpoint (`ListTopics`).
public struct SNSNotificationForwarder: Service {
    /// How often and how persistently to forward.
    public struct Configuration: Sendable {
        /// The wait between passes that found nothing to forward.
        public var pollInterval: Duration
        /// Seconds a received notification stays hidden while it is published.
        public var visibilityTimeout: Int64
        /// Notifications received per queue per pass.
        public var batchSize: Int
        /// The backoff between failing passes (its `maximumAttempts` is not used: passes never give up).
        public var backoff: AWSClient.RetryPolicy

        /// Defaults: poll every second, hide for 30 s, 10 at a time, back off from 1 s up to 5 min.
        public init(
            pollInterval: Duration = .seconds(1), visibilityTimeout: Int64 = 30, batchSize: Int = 10,
            backoff: AWSClient.RetryPolicy = .init(baseDelay: .seconds(1), maximumDelay: .seconds(300))
        ) {
            self.pollInterval = pollInterval
            self.visibilityTimeout = max(1, visibilityTimeout)
            self.batchSize = max(1, batchSize)
            self.backoff = backoff
        }
    }

    let deliverer: TrailDeliverer
    let sns: SNSClient
    let configuration: Configuration
    let logger: Logger

    /// A forwarder from `deliverer`'s embedded queues to the SNS endpoint of `sns`.
    public init(deliverer: TrailDeliverer, sns: SNSClient, configuration: Configuration = .init(), logger: Logger) {
        self.deliverer = deliverer
        self.sns = sns
        self.configuration = configuration
        self.logger = logger
    }

    /// Forwards until graceful shutdown; a failing pass is logged and retried after a backoff.
    public func run() async throws {
        var failures = 0
        var generator = SystemRandomNumberGenerator()
        while !Task.isShuttingDownGracefully {
            let wait: Duration
            do {
                let forwarded = try await forwardPending()
                failures = 0
                wait = forwarded > 0 ? .zero : configuration.pollInterval
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                wait = configuration.backoff.delay(beforeRetry: failures, using: &generator)
                logger.warning(
                    "forwarding trail notifications to SNS failed; will retry",
                    metadata: [LogKey.error: "\(String(reflecting: error))", LogKey.failures: "\(failures)"])
            }
            if wait > .zero {
                _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            }
        }
    }

    /// One pass over every trail with an SNS topic: publishes up to ``Configuration/batchSize``
    /// queued notifications of each and deletes those SNS accepted.
    ///
    /// - Returns: how many notifications were published.
    /// - Throws: the first failure, after every trail was tried.
    @discardableResult
    public func forwardPending() async throws -> Int {
        var forwarded = 0
        var firstError: (any Error)?
        var topicARNs: [String: String] = [:]
        let topics = Set(await deliverer.catalog.all().compactMap { trail in trail.snsTopicName.map { (trail.name, $0) } }.map(\.1))
        for topic in topics.sorted() {
            do {
                forwarded += try await forward(topic: topic, resolved: &topicARNs)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                firstError = firstError ?? error
                for trail in await deliverer.catalog.all() where trail.snsTopicName == topic {
                    try? await deliverer.state.recordAttempt(
                        trail: trail.name, kind: .notification, time: deliverer.now(), error: Self.errorText(error))
                }
            }
        }
        if let firstError { throw firstError }
        return forwarded
    }

    func forward(topic: String, resolved: inout [String: String]) async throws -> Int {
        let messages = try await deliverer.receiveNotifications(
            queue: topic, maximum: configuration.batchSize, visibilityTimeout: configuration.visibilityTimeout)
        guard !messages.isEmpty else { return 0 }
        let topicARN = try await resolveTopic(topic, cache: &resolved)
        var forwarded = 0
        for message in messages {
            try Task.checkCancellation()
            let (text, subject) = Self.unwrap(message.body)
            try await sns.publish(topicARN: topicARN, message: text, subject: subject)
            try await deliverer.deleteNotification(queue: topic, id: message.id)
            forwarded += 1
        }
        logger.debug(
            "forwarded trail notifications to SNS", metadata: [LogKey.topic: "\(topicARN)", LogKey.count: "\(forwarded)"])
        return forwarded
    }

    /// The ARN of the topic `topic` (an ARN, or a name looked up on the SNS endpoint).
    func resolveTopic(_ topic: String, cache: inout [String: String]) async throws -> String {
        if topic.hasPrefix("arn:") { return topic }
        if let known = cache[topic] { return known }
        guard let arn = try await sns.allTopics().first(where: { $0.split(separator: ":").last.map(String.init) == topic })
        else {
            throw AWSError(code: "NotFound", message: "no SNS topic named \(topic) at \(sns.endpoint)", status: 404)
        }
        cache[topic] = arn
        return arn
    }

    /// The `Message` and `Subject` of a queued SNS envelope; a body that is not one is published as is.
    static func unwrap(_ envelope: String) -> (message: String, subject: String?) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(envelope.utf8)) as? [String: Any],
            let message = object["Message"] as? String
        else { return (envelope, nil) }
        return (message, object["Subject"] as? String)
    }

    static func errorText(_ error: any Error) -> String {
        if let error = error as? AWSError { return error.code }
        return String(describing: error)
    }

    enum LogKey {
        static let error = "trail.error"
        static let failures = "trail.sns.failures"
        static let topic = "trail.sns.topic"
        static let count = "trail.sns.forwarded"
    }
}
