import Foundation
import ObjectStorage

/// One S3 Lifecycle rule: which objects (``Filter``) and what happens to them as they age
/// (transitions to cheaper storage classes, expiration, removal of noncurrent versions).
public struct LifecycleRule: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case enabled = "Enabled"
        case disabled = "Disabled"
    }

    /// When an action is due: a number of days after the object's creation, or a date.
    public enum Timing: Sendable, Hashable {
        case days(Int)
        /// Midnight UTC of a day.
        case date(Date)

        /// The instant the action is due for an object created at `created`. As S3 computes it:
        /// creation plus the days, rounded up to the next midnight UTC.
        public func due(createdAt created: Date) -> Date {
            switch self {
            case .days(let days): Self.nextMidnight(created.addingTimeInterval(Double(days) * 86_400))
            case .date(let date): date
            }
        }

        /// `date` if it is midnight UTC, else the following midnight.
        static func nextMidnight(_ date: Date) -> Date {
            Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.up) * 86_400)
        }

        var days: Int? {
            if case .days(let days) = self { return days }
            return nil
        }
    }

    /// An object tag a filter asks for.
    public struct Tag: Sendable, Hashable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Which objects a rule applies to: all of its predicates hold.
    public struct Filter: Sendable, Hashable {
        /// The key prefix; nil when the filter names none (all keys).
        public var prefix: String?
        public var tags: [Tag]
        /// Only objects larger than this many bytes.
        public var objectSizeGreaterThan: Int64?
        /// Only objects smaller than this many bytes.
        public var objectSizeLessThan: Int64?
        /// Written as the rule's own `<Prefix>` (S3's older form) rather than in a `<Filter>`.
        public var isRulePrefix: Bool

        public init(
            prefix: String? = nil, tags: [Tag] = [], objectSizeGreaterThan: Int64? = nil, objectSizeLessThan: Int64? = nil,
            isRulePrefix: Bool = false
        ) {
            self.prefix = prefix
            self.tags = tags
            self.objectSizeGreaterThan = objectSizeGreaterThan
            self.objectSizeLessThan = objectSizeLessThan
            self.isRulePrefix = isRulePrefix
        }

        /// Whether an object with this key, size and tags is one the rule applies to.
        public func matches(key: String, size: Int64, tags objectTags: [String: String]) -> Bool {
            if let prefix, !key.hasPrefix(prefix) { return false }
            if let bound = objectSizeGreaterThan, size <= bound { return false }
            if let bound = objectSizeLessThan, size >= bound { return false }
            return tags.allSatisfy { objectTags[$0.key] == $0.value }
        }

        /// Whether the filter bounds object sizes (which overrides the default transition minimum).
        public var hasSizeBounds: Bool { objectSizeGreaterThan != nil || objectSizeLessThan != nil }

        /// The filter as S3 names it in error messages: `(prefix=logs/)`.
        var label: String {
            var parts = ["prefix=\(prefix ?? "")"]
            parts += tags.map { "tag=\($0.key)=\($0.value)" }
            if let objectSizeGreaterThan { parts.append("objectSizeGreaterThan=\(objectSizeGreaterThan)") }
            if let objectSizeLessThan { parts.append("objectSizeLessThan=\(objectSizeLessThan)") }
            return "(" + parts.joined(separator: ", ") + ")"
        }
    }

    public struct Transition: Sendable, Hashable {
        public var timing: Timing
        public var storageClass: StorageClass

        public init(_ timing: Timing, to storageClass: StorageClass) {
            self.timing = timing
            self.storageClass = storageClass
        }
    }

    public struct Expiration: Sendable, Hashable {
        /// When current objects expire; nil when the expiration only removes delete markers.
        public var timing: Timing?
        /// Removes a delete marker that has no noncurrent versions left (versioned buckets).
        public var expiredObjectDeleteMarker: Bool?

        public init(_ timing: Timing?, expiredObjectDeleteMarker: Bool? = nil) {
            self.timing = timing
            self.expiredObjectDeleteMarker = expiredObjectDeleteMarker
        }
    }

    public struct NoncurrentVersionExpiration: Sendable, Hashable {
        /// Days after an object version became noncurrent.
        public var noncurrentDays: Int
        /// How many of the newest noncurrent versions are kept regardless of age.
        public var newerNoncurrentVersions: Int?

        public init(noncurrentDays: Int, newerNoncurrentVersions: Int? = nil) {
            self.noncurrentDays = noncurrentDays
            self.newerNoncurrentVersions = newerNoncurrentVersions
        }
    }

    /// At most 255 characters; S3 makes one up when a rule has none.
    public var id: String
    public var status: Status
    public var filter: Filter
    public var transitions: [Transition]
    public var expiration: Expiration?
    public var noncurrentVersionExpiration: NoncurrentVersionExpiration?
    /// Days after which an incomplete multipart upload is aborted.
    public var abortIncompleteMultipartUploadDays: Int?

    public init(
        id: String, status: Status = .enabled, filter: Filter = Filter(prefix: ""), transitions: [Transition] = [],
        expiration: Expiration? = nil, noncurrentVersionExpiration: NoncurrentVersionExpiration? = nil,
        abortIncompleteMultipartUploadDays: Int? = nil
    ) {
        self.id = id
        self.status = status
        self.filter = filter
        self.transitions = transitions
        self.expiration = expiration
        self.noncurrentVersionExpiration = noncurrentVersionExpiration
        self.abortIncompleteMultipartUploadDays = abortIncompleteMultipartUploadDays
    }

    /// An ID for a rule given without one, as S3 generates them.
    static func generatedID() -> String {
        Data(UUID().uuidString.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }
}
