import Foundation

/// A bucket's versioning state, as S3 has it: never enabled, enabled, or suspended after being
/// enabled (a bucket never returns to unversioned).
public enum BucketVersioning: Sendable, Hashable {
    /// Never enabled: an overwrite or delete replaces the one (`null`) version.
    case unversioned
    /// Every put and delete adds a version; nothing is replaced.
    case enabled
    /// Puts and deletes replace the `null` version; versions written while enabled stay.
    case suspended

    /// S3's `Status` (`Enabled`, `Suspended`), nil when never enabled.
    public var status: String? {
        switch self {
        case .unversioned: nil
        case .enabled: "Enabled"
        case .suspended: "Suspended"
        }
    }

    /// The state a `Status` names.
    public init?(status: String) {
        switch status {
        case "Enabled": self = .enabled
        case "Suspended": self = .suspended
        default: return nil
        }
    }
}

/// One version of an object (or a delete marker) in a version listing.
public struct ObjectVersion: Sendable, Hashable {
    /// Key, size, time, ETag and version ID (`null` for the null version); a delete marker has
    /// size 0 and an empty ETag.
    public var info: ObjectInfo
    /// Whether this is the key's newest version.
    public var isLatest: Bool
    public var isDeleteMarker: Bool

    public init(info: ObjectInfo, isLatest: Bool, isDeleteMarker: Bool) {
        self.info = info
        self.isLatest = isLatest
        self.isDeleteMarker = isDeleteMarker
    }

    /// The version's ID (`null` for the null version).
    public var versionId: String { info.versionId ?? "null" }
}

/// What a delete did: S3's `x-amz-version-id` and `x-amz-delete-marker`.
public struct ObjectDeletion: Sendable, Hashable {
    /// The version created (a delete marker) or removed; nil in an unversioned bucket.
    public var versionId: String?
    /// Whether a delete marker was created, or the version removed was one.
    public var isDeleteMarker: Bool

    public init(versionId: String?, isDeleteMarker: Bool) {
        self.versionId = versionId
        self.isDeleteMarker = isDeleteMarker
    }
}

/// What to list of a bucket's versions (S3's ListObjectVersions).
public struct ObjectVersionListRequest: Sendable, Hashable {
    public var bucket: String
    public var prefix: String
    /// Groups keys that contain this string after the prefix into common prefixes.
    public var delimiter: String?
    /// Starts after this key (after its versions up to `versionIdMarker` when that is set).
    public var keyMarker: String?
    /// With `keyMarker`: the versions of that key after this one (older) come first.
    public var versionIdMarker: String?
    /// At most this many versions, delete markers and common prefixes together (S3: 1000).
    public var maxKeys: Int

    public init(
        bucket: String, prefix: String = "", delimiter: String? = nil, keyMarker: String? = nil,
        versionIdMarker: String? = nil, maxKeys: Int = 1000
    ) {
        self.bucket = bucket
        self.prefix = prefix
        self.delimiter = delimiter
        self.keyMarker = keyMarker
        self.versionIdMarker = versionIdMarker
        self.maxKeys = maxKeys
    }
}

/// One page of a version listing: keys in UTF-8 byte order, each key's versions newest first.
public struct ObjectVersionListing: Sendable {
    /// Versions and delete markers, in listing order.
    public var versions: [ObjectVersion]
    public var commonPrefixes: [String]
    public var isTruncated: Bool
    /// Where the next page starts (S3's `NextKeyMarker`), when truncated.
    public var nextKeyMarker: String?
    /// S3's `NextVersionIdMarker`, when truncated after a version.
    public var nextVersionIdMarker: String?

    public init(
        versions: [ObjectVersion], commonPrefixes: [String], isTruncated: Bool, nextKeyMarker: String?,
        nextVersionIdMarker: String?
    ) {
        self.versions = versions
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.nextKeyMarker = nextKeyMarker
        self.nextVersionIdMarker = nextVersionIdMarker
    }
}
