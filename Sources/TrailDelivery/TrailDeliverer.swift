import Crypto
import Foundation
import Logging
import ObjectStorage
import TrailModel
import TrailStore

/// Delivers trails: journal events → gzipped CloudTrail log files → object store, and signed
/// hourly digests chaining them. One actor, so each trail's steps run one at a time.
///
/// Every write is planned, recorded in the delivery state, written, then completed (see
/// ``DeliveryStateStore``): after a crash the plan is replayed byte for byte.
public actor TrailDeliverer {
    public struct Configuration: Sendable {
        /// Seconds between deliveries (CloudTrail: about 5 minutes).
        public var deliveryInterval: Int64
        /// Seconds between digests (CloudTrail: 1 hour).
        public var digestInterval: Int64
        /// A log file holds at most this many uncompressed bytes…
        public var maximumFileBytes: Int
        /// …and at most this many records; a backlog this large is delivered without waiting.
        public var maximumFileRecords: Int
        /// Journal entries read per delivery pass.
        public var batchSize: Int
        /// gzip level (libdeflate).
        public var compressionLevel: Int
        /// The embedded queue that receives an S3 event notification for every delivered log file
        /// (the pipeline's source), or nil.
        public var pipelineQueue: String? = nil

        public init(
            deliveryInterval: Int64 = 300, digestInterval: Int64 = 3600, maximumFileBytes: Int = 8 << 20,
            maximumFileRecords: Int = 10_000, batchSize: Int = 50_000, compressionLevel: Int = 6
        ) {
            self.deliveryInterval = max(1, deliveryInterval)
            self.digestInterval = max(1, digestInterval)
            self.maximumFileBytes = maximumFileBytes
            self.maximumFileRecords = maximumFileRecords
            self.batchSize = batchSize
            self.compressionLevel = compressionLevel
        }
    }

    let journal: any EventStore
    let state: any DeliveryStateStore
    public nonisolated let catalog: TrailCatalog
    let objects: any ObjectStore
    public nonisolated let keys: SigningKeyRing
    let identity: ServiceIdentity
    let configuration: Configuration
    let now: @Sendable () -> Int64
    let logger: Logger
    private let reader = RecordFieldReader()
    /// When each trail last looked for events to deliver (in memory: a restart delivers at once).
    private var lastDeliveryCheck: [String: Int64] = [:]
    /// A trail whose last pass failed (bucket gone, disk full) waits until then before retrying.
    private var retryAfter: [String: Int64] = [:]

    public init(
        journal: any EventStore, state: any DeliveryStateStore, catalog: TrailCatalog, objects: any ObjectStore,
        keys: SigningKeyRing, identity: ServiceIdentity, configuration: Configuration, logger: Logger,
        now: @escaping @Sendable () -> Int64
    ) {
        self.journal = journal
        self.state = state
        self.catalog = catalog
        self.objects = objects
        self.keys = keys
        self.identity = identity
        self.configuration = configuration
        self.logger = logger
        self.now = now
    }

    static func cursorName(_ trail: String) -> String { "trail:" + trail }

    // MARK: - Control

    /// Starts logging: the trail delivers events appended from now on; its digest chains start anew.
    public func startLogging(_ name: String) async throws -> Trail {
        let time = now()
        let position = try await journal.statistics().lastSequence
        var trail = try await catalog.trail(name, accountID: identity.accountID)
        if trail.finalDeliveryPending { try await finish(trail) }
        try await state.startTrail(trail.name, at: position, time: time)
        try await journal.commitCursor(named: Self.cursorName(trail.name), to: position)
        trail = try await catalog.update(trail.name) {
            $0.isLogging = true
            $0.startLoggingTime = time
        }
        lastDeliveryCheck[trail.name] = time
        return trail
    }

    /// Stops logging: delivers what the trail has not yet delivered and writes final digests.
    public func stopLogging(_ name: String) async throws -> Trail {
        let existing = try await catalog.trail(name, accountID: identity.accountID)
        let time = now()
        let trail = try await catalog.update(existing.name) {
            if $0.isLogging { $0.finalDeliveryPending = true }
            $0.isLogging = false
            $0.stopLoggingTime = time
        }
        if trail.finalDeliveryPending {
            do {
                try await finish(trail)
            } catch {
                // The final delivery is retried by the loop (the flag is durable); StopLogging itself succeeded.
                logger.warning(
                    "final delivery failed; will retry",
                    metadata: ["trail.name": "\(trail.name)", "trail.error": "\(String(describing: error))"])
            }
        }
        return try await catalog.trail(trail.name, accountID: identity.accountID)
    }

    /// Deletes a trail after its final delivery; its journal cursor stops holding back retention.
    public func delete(_ name: String) async throws {
        let trail = try await catalog.trail(name, accountID: identity.accountID)
        if trail.terminationProtectionEnabled {
            throw TrailError(
                "OperationNotPermittedException",
                "Trail \(trail.name) has termination protection (tag \(Trail.terminationProtectionTag)=true); "
                    + "remove the tag to delete the trail.")
        }
        if trail.isLogging { _ = try await stopLogging(trail.name) }
        try await catalog.delete(trail.name)
        try await state.deleteTrail(trail.name)
        try await journal.commitCursor(named: Self.cursorName(trail.name), to: Int64.max)
        lastDeliveryCheck[trail.name] = nil
    }

    /// Applies a validation switch: turning validation on starts new chains.
    public func validationChanged(_ trail: Trail, wasEnabled: Bool) async throws {
        if trail.logFileValidationEnabled && !wasEnabled {
            try await state.endChains(trail: trail.name, windowStart: now())
        }
    }

    // MARK: - The loop's work

    /// One pass over every trail: recover interrupted writes, deliver what is due, write due digests.
    public func tick() async {
        for trail in await catalog.all() {
            if let until = retryAfter[trail.name], now() < until { continue }
            retryAfter[trail.name] = nil
            do {
                if trail.finalDeliveryPending {
                    try await finish(trail)
                } else if trail.isLogging {
                    try await step(trail, time: now())
                }
            } catch {
                logger.warning(
                    "trail delivery failed",
                    metadata: ["trail.name": "\(trail.name)", "trail.error": "\(String(describing: error))"])
                try? await state.recordAttempt(trail: trail.name, kind: .delivery, time: now(), error: String(describing: error))
                retryAfter[trail.name] = now() + min(configuration.deliveryInterval, 30)
            }
        }
    }

    /// Delivers everything pending and writes digests now, whatever the intervals (tests, benchmarks).
    public func flush(_ name: String, digests: Bool) async throws {
        let trail = try await catalog.trail(name, accountID: identity.accountID)
        try await recover(trail)
        try await deliverAll(trail, time: now())
        if digests && trail.logFileValidationEnabled { try await writeDigests(trail, time: now(), final: true) }
    }

    func step(_ trail: Trail, time: Int64) async throws {
        try await recover(trail)
        let last = lastDeliveryCheck[trail.name] ?? 0
        var due = time - last >= configuration.deliveryInterval
        if !due, let progress = try await state.progress(trail: trail.name) {
            // A backlog of a full file goes out without waiting for the interval.
            let probe = try await journal.entries(after: progress.position + Int64(configuration.maximumFileRecords) - 1, limit: 1)
            due = !probe.isEmpty
        }
        if due {
            lastDeliveryCheck[trail.name] = time
            try await deliverAll(trail, time: time)
        }
        if trail.logFileValidationEnabled { try await writeDigests(trail, time: time, final: false) }
    }

    /// Completes a StopLogging: final delivery, final digests, chains ended.
    func finish(_ trail: Trail) async throws {
        try await recover(trail)
        if try await state.progress(trail: trail.name) != nil {
            try await deliverAll(trail, time: now())
            if trail.logFileValidationEnabled { try await writeDigests(trail, time: now(), final: true) }
            try await state.endChains(trail: trail.name, windowStart: now())
        }
        try await journal.commitCursor(named: Self.cursorName(trail.name), to: Int64.max)
        try await catalog.update(trail.name) { $0.finalDeliveryPending = false }
    }

    /// Replays a planned delivery or digest that a crash interrupted.
    func recover(_ trail: Trail) async throws {
        if let plan = try await state.plannedDelivery(trail: trail.name) {
            logger.info("replaying an interrupted delivery", metadata: ["trail.name": "\(trail.name)", "trail.files": "\(plan.files.count)"])
            let entries = try await entries(from: plan.fromSequence, through: plan.toSequence)
            let rendered = render(entries, plan: plan, trail: trail)
            guard rendered.map(\.key) == plan.files.map(\.key) else {
                throw TrailError("InternalFailure", "replayed delivery of \(trail.name) does not match its plan")
            }
            try await write(plan, rendered: rendered, trail: trail)
        }
        if let digest = try await state.plannedDigest(trail: trail.name) {
            logger.info("replaying an interrupted digest", metadata: ["trail.name": "\(trail.name)", "trail.key": "\(digest.key)"])
            try await write(digest, trail: trail)
        }
    }

    private func entries(from: Int64, through: Int64) async throws -> [JournalEntry] {
        var out: [JournalEntry] = []
        var after = from
        while after < through {
            let page = try await journal.entries(after: after, limit: configuration.batchSize)
            guard let last = page.last else { break }
            out.append(contentsOf: page.prefix { $0.sequence <= through })
            if last.sequence >= through { break }
            after = last.sequence
        }
        return out
    }

    // MARK: - Delivery

    struct RenderedFile: Sendable {
        var key: String
        var stream: DigestStream
        var body: LogFileBody
    }

    /// Delivers every journal entry past the trail's position, a batch at a time.
    func deliverAll(_ trail: Trail, time: Int64) async throws {
        guard var position = try await state.progress(trail: trail.name)?.position else { return }
        while true {
            let batch = try await journal.entries(after: position, limit: configuration.batchSize)
            guard let last = batch.last else { return }
            var plan = PlannedDelivery(
                fromSequence: position, toSequence: last.sequence, deliveryTime: time, bucket: trail.s3BucketName,
                layout: PlannedLayout(prefix: trail.keyLayout.prefix, organizationID: trail.keyLayout.organizationID),
                filter: trail.filter, files: [])
            let rendered = render(batch, plan: plan, trail: trail)
            if rendered.isEmpty {
                try await state.advance(trail: trail.name, to: last.sequence)
            } else {
                plan.files = rendered.map { PlannedLogFile(key: $0.key, stream: $0.stream, recordCount: $0.body.count) }
                try await state.planDelivery(trail: trail.name, plan)
                try await write(plan, rendered: rendered, trail: trail)
            }
            try await journal.commitCursor(named: Self.cursorName(trail.name), to: last.sequence)
            position = last.sequence
            if batch.count < configuration.batchSize { return }
        }
    }

    /// Selects, groups by (account, region) and cuts into files — deterministically. Insights records
    /// (selected by the trail's insight selectors) go to `CloudTrail-Insight/` files of their own, in the
    /// same digest stream as the region's log files.
    func render(_ entries: [JournalEntry], plan: PlannedDelivery, trail: Trail) -> [RenderedFile] {
        struct Group: Hashable, Comparable {
            var stream: DigestStream
            var isInsight: Bool
            static func < (a: Group, b: Group) -> Bool {
                a.stream != b.stream ? a.stream < b.stream : (!a.isInsight && b.isInsight)
            }
        }
        var groups: [Group: [AuditRecord]] = [:]
        for entry in entries where entry.sequence > plan.fromSequence && entry.sequence <= plan.toSequence {
            let record = entry.record
            let region = record.awsRegion ?? identity.region
            guard plan.filter.matches(record, region: region, reader: reader) else { continue }
            let stream = DigestStream(account: record.recipientAccountID ?? identity.accountID, region: region)
            groups[Group(stream: stream, isInsight: record.isInsight), default: []].append(record)
        }
        let layout = TrailKeyLayout(prefix: plan.layout.prefix, organizationID: plan.layout.organizationID)
        var files: [RenderedFile] = []
        for group in groups.keys.sorted() {
            let stream = group.stream
            var chunks: [LogFileBody] = []
            var body = LogFileBody()
            for record in groups[group]! {
                if body.count > 0
                    && (body.count >= configuration.maximumFileRecords || body.size + record.raw.count + 1 > configuration.maximumFileBytes)
                {
                    chunks.append(body)
                    body = LogFileBody()
                }
                body.append(record)
            }
            if body.count > 0 { chunks.append(body) }
            for (part, chunk) in chunks.enumerated() {
                // Log files keep their historical seed; Insights files add their kind, so keys never collide.
                let kindSeed = group.isInsight ? "|\(TrailKeyLayout.Kind.insight.rawValue)" : ""
                let seed = Array(
                    SHA256.hash(data: Data("\(trail.trailARN)|\(plan.fromSequence)|\(plan.toSequence)|\(stream.account)|\(stream.region)|\(part)\(kindSeed)".utf8)))
                let key = layout.logKey(
                    kind: group.isInsight ? .insight : .cloudTrail, account: stream.account, region: stream.region,
                    deliveryTime: plan.deliveryTime, unique: TrailKeyLayout.uniqueSuffix(seed: seed))
                files.append(RenderedFile(key: key, stream: stream, body: chunk))
            }
        }
        return files
    }

    /// Writes a plan's files, then completes it with the digest entries and notification.
    func write(_ plan: PlannedDelivery, rendered: [RenderedFile], trail: Trail) async throws {
        // Gzip, hash and store files in parallel (one task per core): compression dominates.
        let objects = self.objects
        let level = configuration.compressionLevel
        let bucket = plan.bucket
        let width = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var hashes = [String](repeating: "", count: rendered.count)
        var sizes = [Int64](repeating: 0, count: rendered.count)
        do {
            try await withThrowingTaskGroup(of: (Int, String, Int64).self) { group in
                var next = 0
                func start(_ i: Int) {
                    let file = rendered[i]
                    group.addTask {
                        let bytes = file.body.finished()
                        let sha = Hex.sha256(bytes)
                        guard let gz = Gzip.compress(bytes, level: level) else {
                            throw TrailError("InternalFailure", "gzip failed for \(file.key)")
                        }
                        try await objects.putObject(bucket: bucket, key: file.key, body: gz, contentType: "application/x-gzip", metadata: [:])
                        return (i, sha, Int64(gz.count))
                    }
                }
                while next < min(width, rendered.count) {
                    start(next)
                    next += 1
                }
                while let (i, sha, size) = try await group.next() {
                    hashes[i] = sha
                    sizes[i] = size
                    if next < rendered.count {
                        start(next)
                        next += 1
                    }
                }
            }
        } catch {
            try? await state.recordAttempt(trail: trail.name, kind: .delivery, time: now(), error: Self.deliveryError(error, bucket: plan.bucket))
            throw error
        }
        let delivered = rendered.enumerated().map { i, file in
            DeliveredLogFile(
                stream: file.stream,
                file: DigestLogFile(
                    bucket: plan.bucket, key: file.key, sha256: hashes[i], newestEventTime: file.body.newestEventTime,
                    oldestEventTime: file.body.oldestEventTime),
                deliveryTime: plan.deliveryTime)
        }
        var notifications: [QueuedNotification] = []
        if let topic = trail.snsTopicName {
            notifications.append(
                QueuedNotification(
                    queue: topic,
                    body: Self.notification(
                        topicARN: trail.snsTopicARN ?? topic, bucket: plan.bucket, keys: rendered.map(\.key), time: plan.deliveryTime)))
        }
        if let queue = configuration.pipelineQueue, !rendered.isEmpty {
            let region = rendered[0].stream.region
            notifications.append(
                QueuedNotification(
                    queue: queue,
                    body: S3EventNotification.objectCreated(
                        bucket: plan.bucket, objects: rendered.indices.map { (rendered[$0].key, sizes[$0]) },
                        time: plan.deliveryTime, region: region)))
        }
        if trail.logFileValidationEnabled {
            for stream in Set(rendered.map(\.stream)) {
                try await state.ensureStream(trail: trail.name, stream, windowStart: trail.startLoggingTime ?? plan.deliveryTime)
            }
        }
        try await state.completeDelivery(
            trail: trail.name, plan, files: delivered, digested: trail.logFileValidationEnabled, notifications: notifications)
        logger.debug(
            "delivered log files",
            metadata: ["trail.name": "\(trail.name)", "trail.files": "\(rendered.count)", "trail.through": "\(plan.toSequence)"])
    }

    static func deliveryError(_ error: any Error, bucket: String) -> String {
        if let e = error as? ObjectStoreError {
            switch e {
            case .noSuchBucket: return "NoSuchBucket"
            case .accessDenied: return "AccessDenied"
            default: return e.s3Code
            }
        }
        return String(describing: error)
    }

    /// CloudTrail's SNS notification for delivered files, in the SNS envelope a queue subscriber sees.
    static func notification(topicARN: String, bucket: String, keys: [String], time: Int64) -> String {
        var message = "{\"s3Bucket\":\(JSONText.quoted(bucket)),\"s3ObjectKey\":["
        message += keys.map { JSONText.quoted($0) }.joined(separator: ",")
        message += "]}"
        let id = UUID().uuidString.lowercased()
        return "{\"Type\":\"Notification\",\"MessageId\":\"\(id)\",\"TopicArn\":\(JSONText.quoted(topicARN)),"
            + "\"Subject\":\"[AWS CloudTrail] New log file delivered\",\"Message\":\(JSONText.quoted(message)),"
            + "\"Timestamp\":\"\(EventTime.format(time).dropLast()).000Z\"}"
    }

    // MARK: - Digests

    /// Writes the digest of every stream whose window has run its interval (or all, when `final`).
    func writeDigests(_ trail: Trail, time: Int64, final: Bool) async throws {
        let home = DigestStream(account: identity.accountID, region: trail.homeRegion)
        try await state.ensureStream(trail: trail.name, home, windowStart: trail.startLoggingTime ?? time)
        for s in try await state.streams(trail: trail.name) {
            guard final || time - s.windowStart >= configuration.digestInterval else { continue }
            let end = max(time, s.windowStart + 1)
            let files = try await state.undigestedFiles(trail: trail.name, s.stream)
            let key = trail.keyLayout.digestKey(
                account: s.stream.account, region: s.stream.region, trailName: trail.name, homeRegion: trail.homeRegion, endTime: end)
            let signingKey = try await keys.currentKey(region: s.stream.region, at: end)
            let digest = DigestFile(
                accountID: s.stream.account, startTime: s.windowStart, endTime: end, bucket: trail.s3BucketName, key: key,
                publicKeyFingerprint: signingKey.fingerprint, previous: s.previous, logFiles: files.map(\.file))
            let json = digest.jsonBytes()
            let sha = Hex.sha256(json)
            let signature = try signingKey.sign(
                DigestFile.signingString(
                    endTime: EventTime.format(end), bucket: trail.s3BucketName, key: key, sha256Hex: sha,
                    previousSignature: s.previous?.signature))
            let plan = PlannedDigest(
                stream: s.stream, bucket: trail.s3BucketName, key: key, endTime: end, json: Array(json), sha256: sha,
                signature: signature, coversThroughID: files.last?.id ?? 0)
            try await state.planDigest(trail: trail.name, plan)
            try await write(plan, trail: trail)
        }
    }

    func write(_ plan: PlannedDigest, trail: Trail) async throws {
        guard let gz = Gzip.compress(Data(plan.json), level: configuration.compressionLevel) else {
            throw TrailError("InternalFailure", "gzip failed for \(plan.key)")
        }
        do {
            try await objects.putObject(
                bucket: plan.bucket, key: plan.key, body: gz, contentType: "application/x-gzip",
                metadata: ["signature": plan.signature, "signature-algorithm": DigestFile.signatureAlgorithm])
        } catch {
            try? await state.recordAttempt(trail: trail.name, kind: .digest, time: now(), error: Self.deliveryError(error, bucket: plan.bucket))
            throw error
        }
        try await state.completeDigest(trail: trail.name, plan)
        logger.debug("delivered digest", metadata: ["trail.name": "\(trail.name)", "trail.key": "\(plan.key)"])
    }
}

extension TrailDeliverer {
    /// The trail's delivery progress (GetTrailStatus).
    public func progress(_ name: String) async throws -> DeliveryProgress? {
        try await state.progress(trail: name)
    }
}

extension TrailDeliverer {
    /// Receives delivery notifications from the embedded queue `queue` (a trail's SNS topic name).
    public func receiveNotifications(queue: String, maximum: Int, visibilityTimeout: Int64) async throws -> [QueuedMessage] {
        try await state.receive(queue: queue, maximum: maximum, visibilityTimeout: visibilityTimeout, time: now())
    }

    /// Deletes a received notification.
    public func deleteNotification(queue: String, id: Int64) async throws {
        try await state.deleteMessage(queue: queue, id: id)
    }
}
