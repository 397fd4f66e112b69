import TrailModel

/// The durable state of trail delivery: each trail's journal position, the log files waiting for
/// their digest, each digest chain's head, write-ahead intents for files and digests being
/// written, and the embedded notification queue.
///
/// Intents make delivery exactly-once across crashes: a delivery or digest is planned and
/// recorded first, then written to the object store, then completed in one transaction. After a
/// crash the same plan is written again (same keys, same bytes), so nothing is lost or doubled.
public protocol DeliveryStateStore: Sendable {
    /// The trail's progress, or `nil` for a trail never started.
    func progress(trail: String) async throws -> DeliveryProgress?
    /// Starts (or restarts) a trail at journal position `position` (never moving it back); its
    /// digest chains start anew with windows starting at `time`.
    func startTrail(_ trail: String, at position: Int64, time: Int64) async throws
    /// Forgets everything about a trail.
    func deleteTrail(_ trail: String) async throws
    /// Records the outcome of an attempt (delivery, digest or notification) for GetTrailStatus.
    func recordAttempt(trail: String, kind: DeliveryAttemptKind, time: Int64, error: String?) async throws

    /// The planned delivery not yet completed, if any.
    func plannedDelivery(trail: String) async throws -> PlannedDelivery?
    /// Records a plan before its files are written.
    func planDelivery(trail: String, _ plan: PlannedDelivery) async throws
    /// Completes a plan: the files join their digest streams (when `digested`), the position
    /// moves to `plan.toSequence`, notifications are queued, the plan is cleared — atomically.
    func completeDelivery(
        trail: String, _ plan: PlannedDelivery, files: [DeliveredLogFile], digested: Bool, notifications: [QueuedNotification]
    ) async throws
    /// Moves the position without delivering (nothing in the range was selected).
    func advance(trail: String, to position: Int64) async throws

    /// The trail's digest streams.
    func streams(trail: String) async throws -> [DigestStreamState]
    /// Creates a stream if it does not exist, with its first window starting at `windowStart`.
    func ensureStream(trail: String, _ stream: DigestStream, windowStart: Int64) async throws
    /// Log files delivered for a stream and not yet covered by a digest, in delivery order.
    func undigestedFiles(trail: String, _ stream: DigestStream) async throws -> [DeliveredLogFile]
    /// The planned digest not yet completed, if any.
    func plannedDigest(trail: String) async throws -> PlannedDigest?
    /// Records a digest (its final bytes and signature) before it is written.
    func planDigest(trail: String, _ plan: PlannedDigest) async throws
    /// Completes a digest: the stream's head moves to it, the files it covers leave the
    /// undigested list, the plan is cleared — atomically.
    func completeDigest(trail: String, _ plan: PlannedDigest) async throws
    /// Breaks every chain of the trail: the next digest of each stream is a starting digest whose
    /// window starts at `windowStart`; undigested files are dropped (they are never digested).
    func endChains(trail: String, windowStart: Int64) async throws

    /// Queues a message on the embedded queue `queue`.
    func enqueue(queue: String, body: String, time: Int64) async throws
    /// Receives up to `maximum` visible messages, hiding them for `visibilityTimeout` seconds.
    func receive(queue: String, maximum: Int, visibilityTimeout: Int64, time: Int64) async throws -> [QueuedMessage]
    /// Deletes a received message.
    func deleteMessage(queue: String, id: Int64) async throws
    /// Makes a received message visible again at `visibleAt` (seconds since 1970).
    func changeVisibility(queue: String, id: Int64, visibleAt: Int64) async throws
    /// Moves a message to another queue (a dead-letter queue, or back for a redrive), resetting
    /// its receive count and making it visible at `time`. Returns false when it no longer exists.
    func moveMessage(id: Int64, from queue: String, to destination: String, time: Int64) async throws -> Bool
    /// Up to `limit` messages of `queue`, oldest first, without receiving them.
    func peekMessages(queue: String, limit: Int) async throws -> [QueuedMessage]
    /// How many messages `queue` holds, visible or not.
    func queueDepth(queue: String) async throws -> Int
}

/// What GetTrailStatus reports.
public struct DeliveryProgress: Sendable, Hashable {
    public var position: Int64
    public var latestDeliveryTime: Int64?
    public var latestDeliveryAttemptTime: Int64?
    public var latestDeliveryError: String?
    public var latestDigestDeliveryTime: Int64?
    public var latestDigestAttemptTime: Int64?
    public var latestDigestDeliveryError: String?
    public var latestNotificationTime: Int64?
    public var latestNotificationAttemptTime: Int64?
    public var latestNotificationError: String?

    public init(position: Int64) { self.position = position }
}

public enum DeliveryAttemptKind: String, Sendable {
    case delivery, digest, notification
}

/// An (account, region) pair: the unit of log folders and digest chains.
public struct DigestStream: Sendable, Hashable, Codable, Comparable {
    public var account: String
    public var region: String
    public init(account: String, region: String) {
        self.account = account
        self.region = region
    }
    public static func < (a: Self, b: Self) -> Bool { (a.account, a.region) < (b.account, b.region) }
}

/// A stream's chain head and current window.
public struct DigestStreamState: Sendable, Hashable {
    public var stream: DigestStream
    /// Start of the window the next digest covers (the previous digest's end time).
    public var windowStart: Int64
    /// The previous digest; `nil` when the next digest starts a chain.
    public var previous: DigestLink?
    public init(stream: DigestStream, windowStart: Int64, previous: DigestLink?) {
        self.stream = stream
        self.windowStart = windowStart
        self.previous = previous
    }
}

/// One log file of a planned delivery.
public struct PlannedLogFile: Sendable, Hashable, Codable {
    public var key: String
    public var stream: DigestStream
    /// How many records the file holds.
    public var recordCount: Int
    public init(key: String, stream: DigestStream, recordCount: Int) {
        self.key = key
        self.stream = stream
        self.recordCount = recordCount
    }
}

/// A delivery planned from a journal range: the same range and selection always render the same files.
public struct PlannedDelivery: Sendable, Hashable, Codable {
    /// Exclusive lower bound of the journal range.
    public var fromSequence: Int64
    /// Inclusive upper bound.
    public var toSequence: Int64
    public var deliveryTime: Int64
    public var bucket: String
    public var layout: PlannedLayout
    /// The trail's filter when the plan was made.
    public var filter: TrailFilter
    public var files: [PlannedLogFile]

    public init(
        fromSequence: Int64, toSequence: Int64, deliveryTime: Int64, bucket: String, layout: PlannedLayout,
        filter: TrailFilter, files: [PlannedLogFile]
    ) {
        self.fromSequence = fromSequence
        self.toSequence = toSequence
        self.deliveryTime = deliveryTime
        self.bucket = bucket
        self.layout = layout
        self.filter = filter
        self.files = files
    }
}

/// The key layout a plan was made with.
public struct PlannedLayout: Sendable, Hashable, Codable {
    public var prefix: String?
    public var organizationID: String?
    public init(prefix: String?, organizationID: String?) {
        self.prefix = prefix
        self.organizationID = organizationID
    }
}

/// A log file written, with what its digest needs.
public struct DeliveredLogFile: Sendable, Hashable, Codable {
    public var stream: DigestStream
    public var file: DigestLogFile
    public var deliveryTime: Int64
    /// The store's row ID (0 before it is stored).
    public var id: Int64
    public init(stream: DigestStream, file: DigestLogFile, deliveryTime: Int64, id: Int64 = 0) {
        self.stream = stream
        self.file = file
        self.deliveryTime = deliveryTime
        self.id = id
    }
}

/// A digest ready to write: final bytes, signature, and what it covers.
public struct PlannedDigest: Sendable, Hashable, Codable {
    public var stream: DigestStream
    public var bucket: String
    public var key: String
    public var endTime: Int64
    /// The uncompressed digest JSON.
    public var json: [UInt8]
    /// Lowercase hex SHA-256 of `json`.
    public var sha256: String
    /// Lowercase hex signature.
    public var signature: String
    /// The highest undigested-file ID the digest lists (0 when it lists none).
    public var coversThroughID: Int64

    public init(
        stream: DigestStream, bucket: String, key: String, endTime: Int64, json: [UInt8], sha256: String, signature: String,
        coversThroughID: Int64
    ) {
        self.stream = stream
        self.bucket = bucket
        self.key = key
        self.endTime = endTime
        self.json = json
        self.sha256 = sha256
        self.signature = signature
        self.coversThroughID = coversThroughID
    }
}

/// A notification to queue with a completed delivery.
public struct QueuedNotification: Sendable, Hashable {
    public var queue: String
    public var body: String
    public init(queue: String, body: String) {
        self.queue = queue
        self.body = body
    }
}

/// A message received from the embedded queue.
public struct QueuedMessage: Sendable, Hashable {
    public var id: Int64
    public var body: String
    public var sentTime: Int64
    public var receiveCount: Int
    public init(id: Int64, body: String, sentTime: Int64, receiveCount: Int) {
        self.id = id
        self.body = body
        self.sentTime = sentTime
        self.receiveCount = receiveCount
    }
}
