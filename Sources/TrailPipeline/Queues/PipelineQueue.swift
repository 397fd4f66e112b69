/// A message received from a pipeline queue.
public struct PipelineMessage: Sendable, Hashable {
    /// The queue's message ID.
    public var id: String
    /// What deletes or re-times this receipt (SQS receipt handle; the embedded queue's row ID).
    public var receipt: String
    public var body: String
    /// How many times the message has been received, this time included.
    public var receiveCount: Int
    /// When the message was first sent, seconds since 1970, when the queue says.
    public var sentTime: Int64?

    public init(id: String, receipt: String, body: String, receiveCount: Int, sentTime: Int64? = nil) {
        self.id = id
        self.receipt = receipt
        self.body = body
        self.receiveCount = receiveCount
        self.sentTime = sentTime
    }
}

/// Where the pipeline's work comes from: SQS or the embedded queue. At-least-once: a message stays
/// until deleted; a message not deleted reappears after its visibility timeout, and after the
/// queue's maximum receive count it moves to the dead-letter queue.
public protocol PipelineQueue: Sendable, CustomStringConvertible {
    /// Receives up to `maximum` messages, waiting up to `waitSeconds` for the first one.
    func receive(maximum: Int, waitSeconds: Int) async throws -> [PipelineMessage]
    /// Deletes a processed message.
    func delete(_ message: PipelineMessage) async throws
    /// Hides (or shows) a received message for `seconds` from now: used to retry later and to
    /// extend the lease while a large file is processed.
    func changeVisibility(_ message: PipelineMessage, seconds: Int) async throws
    /// The dead-letter queue's messages, oldest first, without consuming them (`dlq list`).
    func deadLetters(limit: Int) async throws -> [PipelineMessage]
    /// Moves up to `limit` dead letters back to the source queue; returns how many moved.
    func redriveDeadLetters(limit: Int) async throws -> Int
    /// The visibility timeout applied on receive, in seconds.
    var visibilityTimeout: Int { get }
}

/// A queue or dead-letter operation that cannot be done.
public struct PipelineQueueError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
