import Foundation

/// The content type, user metadata and tags an object is written with.
public struct ObjectProperties: Sendable, Hashable {
    public var contentType: String?
    /// Names lowercased, without the `x-amz-meta-` prefix.
    public var metadata: [String: String]
    /// The object's tags; the caller has checked S3's limits.
    public var tags: [String: String]
    /// The Object Lock settings of the new version (a multipart upload's, given at its start).
    public var lock: ObjectLockOptions

    public init(
        contentType: String? = nil, metadata: [String: String] = [:], tags: [String: String] = [:],
        lock: ObjectLockOptions = .none
    ) {
        self.contentType = contentType
        self.metadata = metadata
        self.tags = tags
        self.lock = lock
    }
}

/// The object a copy reads.
public struct ObjectCopySource: Sendable, Hashable {
    public var bucket: String
    public var key: String
    /// When set, the copy fails with ``ObjectStoreError/preconditionFailed`` unless the source
    /// still has this ETag (unquoted) when its bytes are read.
    public var ifMatch: String?
    /// The version to read (S3's `?versionId=` in `x-amz-copy-source`); nil reads the latest.
    public var versionId: String?

    public init(bucket: String, key: String, ifMatch: String? = nil, versionId: String? = nil) {
        self.bucket = bucket
        self.key = key
        self.ifMatch = ifMatch
        self.versionId = versionId
    }
}

/// A server-side copy (S3's CopyObject): the bytes of `source` at `bucket`/`key`.
public struct ObjectCopyRequest: Sendable, Hashable {
    public var source: ObjectCopySource
    public var bucket: String
    public var key: String
    /// The copy's content type and metadata (S3's metadata directive `REPLACE`); nil keeps the
    /// source's (`COPY`). Its tags are not used: see ``tags``.
    public var replacement: ObjectProperties?
    /// The copy's tags (S3's tagging directive `REPLACE`); nil keeps the source's (`COPY`).
    public var tags: [String: String]?
    /// The copy's storage class (`STANDARD` unless asked for, as in S3).
    public var storageClass: StorageClass
    /// The copy's Object Lock settings (the bucket's defaults when none).
    public var lock: ObjectLockOptions

    public init(
        source: ObjectCopySource, bucket: String, key: String, replacement: ObjectProperties? = nil,
        tags: [String: String]? = nil, storageClass: StorageClass = .standard, lock: ObjectLockOptions = .none
    ) {
        self.lock = lock
        self.source = source
        self.bucket = bucket
        self.key = key
        self.replacement = replacement
        self.tags = tags
        self.storageClass = storageClass
    }
}

/// What GetObjectAttributes reports: the object's description and, for an object completed from
/// a multipart upload, its parts.
public struct ObjectAttributes: Sendable, Hashable {
    public var info: ObjectInfo
    /// How many parts the object was completed from; nil for an object stored in one piece.
    public var partCount: Int?
    /// The sizes of parts 1, 2, …, when the store knows them (empty otherwise).
    public var partSizes: [Int64]

    public init(info: ObjectInfo, partCount: Int? = nil, partSizes: [Int64] = []) {
        self.info = info
        self.partCount = partCount
        self.partSizes = partSizes
    }
}
