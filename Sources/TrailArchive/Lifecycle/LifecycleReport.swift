import Foundation

/// What a lifecycle run did (or, for a plan, would do).
public struct LifecycleReport: Sendable, Hashable, Codable {
    /// What is done to an object.
    public enum Kind: String, Sendable, Hashable, Codable {
        case transition
        case expire
        /// A noncurrent version (or noncurrent delete marker) removed.
        case expireNoncurrent = "expire-noncurrent"
        /// A delete marker that was all that was left of its key, removed.
        case removeDeleteMarker = "remove-delete-marker"
        /// An incomplete multipart upload aborted.
        case abortUpload = "abort-upload"
    }

    /// What became of an action.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// A plan: nothing was done.
        case planned
        case done
        /// The store refused: retention lock.
        case skippedLocked = "skipped-locked"
        /// The object changed since it was listed (its ETag): the next run decides again.
        case skippedChanged = "skipped-changed"
        /// An archived object on S3 cannot be copied to another class without a restore.
        case skippedArchived = "skipped-archived"
        /// Deleted since it was listed.
        case vanished
        case failed
    }

    /// One action on one object.
    public struct Action: Sendable, Hashable, Codable {
        public var bucket: String
        public var key: String
        public var size: Int64
        /// Whole days since the object's creation (Last-Modified or key date).
        public var ageDays: Int
        public var action: Kind
        /// The class the object is in.
        public var fromStorageClass: String
        /// The class it goes to; nil when it expires.
        public var toStorageClass: String?
        /// The rule that asked for it.
        public var rule: String
        public var outcome: Outcome
        /// Why it was skipped or failed.
        public var reason: String?
        /// The version acted on (noncurrent versions and delete markers).
        public var versionId: String? = nil
        /// The upload aborted.
        public var uploadID: String? = nil
    }

    /// Objects listed under the rules' prefixes.
    public var seen = 0
    /// Objects moved to another storage class (or, in a plan, to be moved).
    public var transitioned = 0
    /// Objects deleted (or to be deleted).
    public var expired = 0
    /// Noncurrent versions and noncurrent delete markers removed (or to be removed).
    public var noncurrentExpired = 0
    /// Expired object delete markers removed (or to be removed).
    public var deleteMarkersRemoved = 0
    /// Incomplete multipart uploads aborted (or to be aborted).
    public var uploadsAborted = 0
    /// Objects whose action was not carried out: under retention lock, changed or deleted since
    /// the listing, or archived on S3 without a restore.
    public var skipped = 0
    /// Keys (`bucket/key`) the store refused to delete or change: retention lock.
    public var skippedLocked: [String] = []
    /// Objects with a transition due that stay because of the 128 KiB transition minimum.
    public var heldBackBySize = 0
    /// `bucket/key` → reason.
    public var failed: [String: String] = [:]
    /// Bytes of the objects transitioned or expired.
    public var bytes: Int64 = 0
    /// Objects per storage class they went to.
    public var transitionedTo: [String: Int] = [:]
    /// Tier files no object pointed to any more, removed (embedded store).
    public var orphansRemoved = 0
    public var durationSeconds = 0.0
    /// Whether nothing was done: a plan.
    public var dryRun = false
    /// Every action, in bucket and key order.
    public var actions: [Action] = []

    public init() {}

    /// Whether anything failed (skipped objects are reported, not failures).
    public var hasFailures: Bool { !failed.isEmpty }

    mutating func record(_ action: Action) {
        let name = action.bucket + "/" + action.key
        switch action.outcome {
        case .planned, .done:
            switch action.action {
            case .expire: expired += 1
            case .transition:
                transitioned += 1
                transitionedTo[action.toStorageClass ?? "", default: 0] += 1
            case .expireNoncurrent: noncurrentExpired += 1
            case .removeDeleteMarker: deleteMarkersRemoved += 1
            case .abortUpload: uploadsAborted += 1
            }
            bytes += action.size
        case .failed:
            failed[name] = action.reason ?? "failed"
        case .skippedLocked, .skippedChanged, .skippedArchived, .vanished:
            skipped += 1
            if action.outcome == .skippedLocked { skippedLocked.append(name) }
        }
        actions.append(action)
    }

    /// One line for people.
    public var summary: String {
        let verb = dryRun ? "plan: would transition" : "transitioned"
        let classes = transitionedTo.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(seen) seen, \(verb) \(transitioned)" + (classes.isEmpty ? "" : " (\(classes))")
            + ", \(dryRun ? "would expire" : "expired") \(expired)"
            + (noncurrentExpired + deleteMarkersRemoved + uploadsAborted == 0
                ? ""
                : ", \(noncurrentExpired) noncurrent versions, \(deleteMarkersRemoved) delete markers, \(uploadsAborted) uploads")
            + ", \(skipped) skipped (\(skippedLocked.count) locked), "
            + "\(failed.count) failed, \(bytes) bytes, \(heldBackBySize) held back by the 128 KiB transition minimum in "
            + String(format: "%.2f s", durationSeconds)
    }
}
