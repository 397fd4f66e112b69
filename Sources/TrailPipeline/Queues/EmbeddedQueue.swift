import Foundation
import TrailStore

/// The embedded queue (a table in DATA_DIR/delivery.sqlite), with SQS's semantics: visibility
/// timeout, receive count, and a dead-letter queue (`<name>-dlq`) after `maximumReceives`.
public struct EmbeddedQueue: PipelineQueue {
    /// The queue Trailkeeper's own trail deliveries feed.
    public static let defaultName = "trailkeeper-pipeline"

    public let state: any DeliveryStateStore
    public let name: String
    public let deadLetterName: String
    public let visibilityTimeout: Int
    public let maximumReceives: Int
    let now: @Sendable () -> Int64
    let pollInterval: Duration

    public init(
        state: any DeliveryStateStore, name: String = EmbeddedQueue.defaultName, visibilityTimeout: Int = 300,
        maximumReceives: Int = 5, pollInterval: Duration = .milliseconds(200),
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.state = state
        self.name = name
        self.deadLetterName = name + "-dlq"
        self.visibilityTimeout = visibilityTimeout
        self.maximumReceives = maximumReceives
        self.pollInterval = pollInterval
        self.now = now
    }

    public var description: String { "embedded queue \(name)" }

    public func send(_ body: String) async throws {
        try await state.enqueue(queue: name, body: body, time: now())
    }

    public func receive(maximum: Int, waitSeconds: Int) async throws -> [PipelineMessage] {
        let deadline = ContinuousClock.now + .seconds(waitSeconds)
        while true {
            let received = try await state.receive(
                queue: name, maximum: maximum, visibilityTimeout: Int64(visibilityTimeout), time: now())
            var out: [PipelineMessage] = []
            for message in received {
                // As SQS does: a message received more than maxReceiveCount times goes to the DLQ.
                if message.receiveCount > maximumReceives {
                    _ = try await state.moveMessage(id: message.id, from: name, to: deadLetterName, time: now())
                    continue
                }
                out.append(
                    PipelineMessage(
                        id: String(message.id), receipt: String(message.id), body: message.body,
                        receiveCount: message.receiveCount, sentTime: message.sentTime))
            }
            if !out.isEmpty || ContinuousClock.now >= deadline { return out }
            try await Task.sleep(for: pollInterval)
        }
    }

    public func delete(_ message: PipelineMessage) async throws {
        try await state.deleteMessage(queue: name, id: try Self.rowID(message))
    }

    public func changeVisibility(_ message: PipelineMessage, seconds: Int) async throws {
        try await state.changeVisibility(queue: name, id: try Self.rowID(message), visibleAt: now() + Int64(seconds))
    }

    public func deadLetters(limit: Int) async throws -> [PipelineMessage] {
        try await state.peekMessages(queue: deadLetterName, limit: limit).map {
            PipelineMessage(
                id: String($0.id), receipt: String($0.id), body: $0.body, receiveCount: $0.receiveCount,
                sentTime: $0.sentTime)
        }
    }

    public func redriveDeadLetters(limit: Int) async throws -> Int {
        var moved = 0
        for message in try await state.peekMessages(queue: deadLetterName, limit: limit) {
            if try await state.moveMessage(id: message.id, from: deadLetterName, to: name, time: now()) { moved += 1 }
        }
        return moved
    }

    static func rowID(_ message: PipelineMessage) throws -> Int64 {
        guard let id = Int64(message.receipt) else { throw PipelineQueueError("not an embedded-queue receipt: \(message.receipt)") }
        return id
    }
}
