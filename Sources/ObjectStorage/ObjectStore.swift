import Foundation

/// An S3-like object store: buckets of keyed objects with user metadata, tags, versions and
/// Object Lock.
///
/// Implementations: ``FileObjectStore`` (embedded: plain files at `DIR/objects/<bucket>/<key>`),
/// ``S3ObjectStore`` (any S3 API, over AWSWire's `S3Client`) and ``MemoryObjectStore`` (tests). Trail delivery, validate-logs and the S3 REST subset
/// of the server are written against this protocol only.
///
/// Versioning and Object Lock follow S3: in a bucket whose versioning is enabled, an overwrite
/// or a delete keeps the previous version (a delete adds a delete marker); a version under an
/// active retention or a legal hold cannot be removed (``ObjectStoreError/accessDenied(_:)``),
/// whoever asks, except a governance-mode retention with `bypassGovernanceRetention`. The
/// embedded and memory stores enforce it themselves, so every path (the S3 subset, the CLI,
/// trail delivery, backup, lifecycle) is held to it; ``S3ObjectStore`` passes it to S3.
///
/// - Important: ``putObject(bucket:key:body:contentType:metadata:tags:lock:)`` returns only after
///   the object is durable and complete; a reader never sees a partial object, and a put or delete
///   that fails midway never loses the version it would have kept.
public protocol ObjectStore: Sendable {
    /// Creates a bucket; with `objectLockEnabled`, Object Lock is on and versioning enabled for good.
    /// Throws ``ObjectStoreError/bucketAlreadyOwnedByYou(_:)`` when it exists.
    func createBucket(_ name: String, region: String, objectLockEnabled: Bool) async throws
    /// The bucket, or `nil` when there is none of that name.
    func bucket(_ name: String) async throws -> BucketInfo?
    /// Every bucket, by name.
    func listBuckets() async throws -> [BucketInfo]
    /// Deletes an empty bucket (no objects, versions or delete markers). Throws
    /// ``ObjectStoreError/bucketNotEmpty(_:)`` otherwise.
    func deleteBucket(_ name: String) async throws

    /// The bucket's versioning state.
    func versioning(ofBucket bucket: String) async throws -> BucketVersioning
    /// Enables or suspends versioning. Throws ``ObjectStoreError/invalidBucketState(_:)`` for
    /// suspending a bucket with Object Lock.
    func setVersioning(_ versioning: BucketVersioning, ofBucket bucket: String) async throws
    /// The bucket's Object Lock configuration, nil when Object Lock is not enabled.
    func objectLockConfiguration(ofBucket bucket: String) async throws -> ObjectLockConfiguration?
    /// Sets the default retention, enabling Object Lock on a bucket whose versioning is enabled.
    func setObjectLockConfiguration(_ configuration: ObjectLockConfiguration, ofBucket bucket: String) async throws

    /// Stores `body` at `key` with its tags atomically: a new version when versioning is enabled,
    /// else in place of the object there (and its tags).
    /// - Parameters:
    ///   - metadata: user metadata, names lowercased without the `x-amz-meta-` prefix.
    ///   - tags: the object's tags (S3's `x-amz-tagging`); the caller has checked S3's limits.
    ///   - lock: the new version's retention and legal hold (the bucket's default retention when none).
    @discardableResult
    func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String],
        tags: [String: String], lock: ObjectLockOptions
    ) async throws -> ObjectInfo
    /// The bytes (all, or the inclusive byte `range`) and description of the latest version, or of
    /// version `versionId`. Throws ``ObjectStoreError/noSuchKey(bucket:key:)`` when the latest is a
    /// delete marker, ``ObjectStoreError/deleteMarker(bucket:key:versionId:)`` when `versionId` is one.
    func getObject(bucket: String, key: String, versionId: String?, range: ObjectByteRange?) async throws -> StoredObject
    /// The description of the latest version, or of version `versionId`, with its retention and
    /// legal hold. Throws ``ObjectStoreError/noSuchKey(bucket:key:)`` when missing.
    func headObject(bucket: String, key: String, versionId: String?) async throws -> ObjectInfo
    /// Without `versionId`: deletes the object (unversioned), or adds a delete marker. With it:
    /// removes that version for good, unless Object Lock protects it. Deleting a missing key or
    /// version succeeds, as in S3.
    @discardableResult
    func deleteObject(
        bucket: String, key: String, versionId: String?, bypassGovernanceRetention: Bool
    ) async throws -> ObjectDeletion
    /// One page of keys in UTF-8 byte order, as S3 lists them.
    func listObjects(_ request: ObjectListRequest) async throws -> ObjectListing
    /// One page of versions and delete markers: keys in UTF-8 byte order, newest version first.
    func listObjectVersions(_ request: ObjectVersionListRequest) async throws -> ObjectVersionListing

    /// Sets (or, with nil, removes) a version's retention, within Object Lock's rules
    /// (``ObjectLockRules/checkRetentionChange(from:to:bypassGovernance:now:)``).
    /// - Returns: the version's ID.
    @discardableResult
    func setRetention(
        _ retention: ObjectRetention?, bucket: String, key: String, versionId: String?, bypassGovernanceRetention: Bool
    ) async throws -> String?
    /// Places or removes a version's legal hold.
    /// - Returns: the version's ID.
    @discardableResult
    func setLegalHold(_ on: Bool, bucket: String, key: String, versionId: String?) async throws -> String?

    /// The tags of the latest version (or of version `versionId`); empty when it has none.
    /// Throws ``ObjectStoreError/noSuchKey(bucket:key:)``.
    func objectTags(bucket: String, key: String, versionId: String?) async throws -> [String: String]
    /// Replaces the tags of the latest version (or of version `versionId`; empty removes them),
    /// leaving its bytes and metadata alone.
    func setObjectTags(bucket: String, key: String, versionId: String?, tags: [String: String]) async throws
    /// The bucket's tags; empty when it has none (S3's `NoSuchTagSet`).
    func bucketTags(_ bucket: String) async throws -> [String: String]
    /// Replaces the bucket's tags (empty removes them).
    func setBucketTags(_ bucket: String, tags: [String: String]) async throws
    /// How the store encrypts the bucket's objects at rest; nil when it does not.
    func bucketEncryption(_ bucket: String) async throws -> BucketEncryption?

    /// Moves the latest version to another storage class, keeping its bytes, ETag, content type,
    /// user metadata and Last-Modified (what an S3 Lifecycle transition does). A reader sees the
    /// object throughout, in the old class or the new one.
    ///
    /// - Parameter etag: when given, the object must still have this ETag, else
    ///   ``ObjectStoreError/preconditionFailed``.
    /// - Returns: the object's description in its new class.
    /// - Throws: ``ObjectStoreError/noSuchKey(bucket:key:)``; ``ObjectStoreError/invalidObjectState(_:)``
    ///   when the store cannot move it (an archived object on S3 needs a restore first).
    @discardableResult
    func transitionObject(bucket: String, key: String, to storageClass: StorageClass, ifMatch etag: String?) async throws
        -> ObjectInfo

    /// Deletes each key as ``deleteObject(bucket:key:)`` does; returns the keys that could not be
    /// deleted with the reason. Throws only when the whole request fails (no such bucket).
    func deleteObjects(bucket: String, keys: [String]) async throws -> [String: ObjectStoreError]
    /// Copies an object within the store, without its bytes passing through the caller; the copy
    /// is a new object in one piece (its ETag is the MD5 of its bytes).
    @discardableResult
    func copyObject(_ request: ObjectCopyRequest) async throws -> ObjectInfo
    /// The description of the object's latest version (or of version `versionId`) and, when it was
    /// completed from parts, its parts.
    func objectAttributes(bucket: String, key: String, versionId: String?) async throws -> ObjectAttributes

    // MARK: multipart uploads (S3's rules: ``MultipartRules``)

    /// Starts an upload of `key`; the properties and storage class apply to the completed object.
    func createMultipartUpload(
        bucket: String, key: String, properties: ObjectProperties, storageClass: StorageClass
    ) async throws -> MultipartUpload
    /// Stores part `partNumber` of an upload, replacing any part of that number.
    /// Throws ``ObjectStoreError/noSuchUpload(_:)`` when there is no such upload of that key.
    @discardableResult
    func uploadPart(bucket: String, key: String, uploadID: String, partNumber: Int, body: Data) async throws
        -> UploadedPart
    /// Stores the bytes `range` (inclusive; all when nil) of another object as part `partNumber`.
    @discardableResult
    func uploadPartCopy(
        bucket: String, key: String, uploadID: String, partNumber: Int, source: ObjectCopySource,
        range: ClosedRange<Int64>?
    ) async throws -> UploadedPart
    /// Builds the object from the parts named, in order (see ``MultipartRules/select(_:from:)``),
    /// installs it as a put does, and ends the upload.
    @discardableResult
    func completeMultipartUpload(bucket: String, key: String, uploadID: String, parts: [CompletedPart]) async throws
        -> ObjectInfo
    /// Ends an upload and frees its parts.
    func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws
    /// The upload's parts after part number `marker`, at most `maxParts`.
    func listParts(bucket: String, key: String, uploadID: String, after marker: Int, maxParts: Int) async throws
        -> PartListing
    /// One page of the bucket's uploads in progress.
    func listMultipartUploads(_ request: MultipartUploadListRequest) async throws -> MultipartUploadListing
}

extension ObjectStore {
    /// Creates a bucket without Object Lock.
    public func createBucket(_ name: String, region: String) async throws {
        try await createBucket(name, region: region, objectLockEnabled: false)
    }

    /// Stores `body` at `key` without tags, with the bucket's default lock settings.
    @discardableResult
    public func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String]
    ) async throws -> ObjectInfo {
        try await putObject(
            bucket: bucket, key: key, body: body, contentType: contentType, metadata: metadata, tags: [:], lock: .none)
    }

    /// Stores `body` at `key` with its tags, with the bucket's default lock settings.
    @discardableResult
    public func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String], tags: [String: String]
    ) async throws -> ObjectInfo {
        try await putObject(
            bucket: bucket, key: key, body: body, contentType: contentType, metadata: metadata, tags: tags, lock: .none)
    }

    /// Stores `body` at `key` without tags, with lock settings.
    @discardableResult
    public func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String], lock: ObjectLockOptions
    ) async throws -> ObjectInfo {
        try await putObject(
            bucket: bucket, key: key, body: body, contentType: contentType, metadata: metadata, tags: [:], lock: lock)
    }

    /// The latest version's bytes (or those of `range`).
    public func getObject(bucket: String, key: String, range: ObjectByteRange?) async throws -> StoredObject {
        try await getObject(bucket: bucket, key: key, versionId: nil, range: range)
    }

    /// The whole object.
    public func getObject(bucket: String, key: String) async throws -> StoredObject {
        try await getObject(bucket: bucket, key: key, versionId: nil, range: nil)
    }

    /// The latest version's description.
    public func headObject(bucket: String, key: String) async throws -> ObjectInfo {
        try await headObject(bucket: bucket, key: key, versionId: nil)
    }

    /// Deletes the object, or adds a delete marker when the bucket keeps versions.
    @discardableResult
    public func deleteObject(bucket: String, key: String) async throws -> ObjectDeletion {
        try await deleteObject(bucket: bucket, key: key, versionId: nil, bypassGovernanceRetention: false)
    }

    /// The latest version's tags.
    public func objectTags(bucket: String, key: String) async throws -> [String: String] {
        try await objectTags(bucket: bucket, key: key, versionId: nil)
    }

    /// Replaces the latest version's tags.
    public func setObjectTags(bucket: String, key: String, tags: [String: String]) async throws {
        try await setObjectTags(bucket: bucket, key: key, versionId: nil, tags: tags)
    }

    /// The attributes of the object's latest version.
    public func objectAttributes(bucket: String, key: String) async throws -> ObjectAttributes {
        try await objectAttributes(bucket: bucket, key: key, versionId: nil)
    }

    /// One ``deleteObject(bucket:key:)`` per key; a missing bucket fails the whole request.
    public func deleteObjects(bucket: String, keys: [String]) async throws -> [String: ObjectStoreError] {
        guard try await self.bucket(bucket) != nil else { throw ObjectStoreError.noSuchBucket(bucket) }
        var failures: [String: ObjectStoreError] = [:]
        for key in keys {
            do {
                try await deleteObject(bucket: bucket, key: key)
            } catch let error as ObjectStoreError {
                if case .noSuchBucket = error { throw error }
                failures[key] = error
            }
        }
        return failures
    }
}

/// A bucket's description.
public struct BucketInfo: Sendable, Hashable {
    public var name: String
    public var creationDate: Date
    /// The bucket's region (S3's LocationConstraint; `us-east-1` when none was given).
    public var region: String

    public init(name: String, creationDate: Date, region: String) {
        self.name = name
        self.creationDate = creationDate
        self.region = region
    }
}

/// An object's description, as HeadObject and listings return it.
public struct ObjectInfo: Sendable, Hashable {
    public var key: String
    public var size: Int64
    public var lastModified: Date
    /// Lowercase hex MD5 of the content, without quotes.
    public var etag: String
    public var contentType: String?
    /// User metadata: names lowercased, without the `x-amz-meta-` prefix.
    public var metadata: [String: String]
    /// `STANDARD` unless the store says otherwise.
    public var storageClass: String
    /// How many tags the object has (S3's `x-amz-tagging-count`).
    public var tagCount: Int
    /// The version's ID (`null` for the null version); nil in a bucket that was never versioned.
    public var versionId: String?
    /// The version's Object Lock retention, if it has one.
    public var retention: ObjectRetention?
    /// The version's legal hold: ON, OFF, or never set (nil).
    public var legalHold: Bool?

    public init(
        key: String, size: Int64, lastModified: Date, etag: String, contentType: String? = nil,
        metadata: [String: String] = [:], storageClass: String = "STANDARD", tagCount: Int = 0, versionId: String? = nil,
        retention: ObjectRetention? = nil, legalHold: Bool? = nil
    ) {
        self.versionId = versionId
        self.retention = retention
        self.legalHold = legalHold
        self.key = key
        self.size = size
        self.lastModified = lastModified
        self.etag = etag
        self.contentType = contentType
        self.metadata = metadata
        self.storageClass = storageClass
        self.tagCount = tagCount
    }
}

/// An object's bytes with its description.
public struct StoredObject: Sendable {
    public var info: ObjectInfo
    /// The requested bytes (the whole object, or the range).
    public var body: Data
    /// The range served, when a range was asked for.
    public var range: ClosedRange<Int64>?

    public init(info: ObjectInfo, body: Data, range: ClosedRange<Int64>? = nil) {
        self.info = info
        self.body = body
        self.range = range
    }
}

/// An HTTP byte range (`bytes=first-last`, `bytes=first-`, `bytes=-suffixLength`).
public enum ObjectByteRange: Sendable, Hashable {
    case closed(first: Int64, last: Int64)
    case from(first: Int64)
    case suffix(length: Int64)

    /// The inclusive range within an object of `size` bytes, or `nil` when it is unsatisfiable.
    public func resolved(size: Int64) -> ClosedRange<Int64>? {
        switch self {
        case .closed(let first, let last):
            guard first <= last, first < size else { return nil }
            return first...min(last, size - 1)
        case .from(let first):
            guard first < size else { return nil }
            return first...(size - 1)
        case .suffix(let length):
            guard length > 0, size > 0 else { return nil }
            return max(0, size - length)...(size - 1)
        }
    }
}

/// What to list.
public struct ObjectListRequest: Sendable, Hashable {
    public var bucket: String
    public var prefix: String
    /// Groups keys that contain this string after the prefix into common prefixes.
    public var delimiter: String?
    /// Lists keys strictly after this one (S3's `Marker` / `StartAfter` / continuation).
    public var startAfter: String?
    /// At most this many keys and common prefixes together (S3: 1000).
    public var maxKeys: Int

    public init(bucket: String, prefix: String = "", delimiter: String? = nil, startAfter: String? = nil, maxKeys: Int = 1000) {
        self.bucket = bucket
        self.prefix = prefix
        self.delimiter = delimiter
        self.startAfter = startAfter
        self.maxKeys = maxKeys
    }
}

/// One page of a listing.
public struct ObjectListing: Sendable {
    public var objects: [ObjectInfo]
    public var commonPrefixes: [String]
    /// Whether more keys follow.
    public var isTruncated: Bool
    /// The last key or common prefix of this page: where the next page starts after.
    public var lastReturned: String?

    public init(objects: [ObjectInfo], commonPrefixes: [String], isTruncated: Bool, lastReturned: String?) {
        self.objects = objects
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.lastReturned = lastReturned
    }
}

/// Why an object store refused an operation; the S3 subset maps these to S3 error codes.
public enum ObjectStoreError: Error, Sendable, Hashable {
    case noSuchBucket(String)
    case noSuchKey(bucket: String, key: String)
    case bucketAlreadyOwnedByYou(String)
    case bucketNotEmpty(String)
    case invalidBucketName(String)
    /// The key cannot be stored (e.g. an empty path segment or `..` in the embedded store).
    case invalidKey(String)
    case invalidRange
    /// The object is protected (retention lock) and cannot be changed or removed.
    case accessDenied(String)
    /// A condition of the request (an expected ETag) did not hold.
    case preconditionFailed
    /// The object is in a state that does not allow the operation (S3: archived, not restored).
    case invalidObjectState(String)
    /// A storage failure (disk full, I/O error), with its description.
    case storage(String)
    /// No upload of that ID (never created, completed, aborted or expired), or not of that key.
    case noSuchUpload(String)
    /// A completion names a part that was not uploaded, or with another ETag (nil: no parts).
    case invalidPart(partNumber: Int?)
    /// A completion's part numbers are not in ascending order.
    case invalidPartOrder
    /// A part other than the last is smaller than ``MultipartRules/minimumPartSize``.
    case entityTooSmall(partNumber: Int?, size: Int64?)
    /// A version ID that could name a version, but names none of this key.
    case noSuchVersion(bucket: String, key: String, versionId: String)
    /// A version ID that cannot name a version.
    case invalidVersionId(String)
    /// A GET or HEAD of a version that is a delete marker (S3: 405 with `x-amz-delete-marker`).
    case deleteMarker(bucket: String, key: String, versionId: String)
    /// The bucket's state does not allow the change (Object Lock and versioning), with S3's message.
    case invalidBucketState(String)
    /// Object Lock settings for a bucket without Object Lock.
    case objectLockNotEnabled(String)
    /// The version has no retention (or legal hold) to return.
    case noSuchObjectLockConfiguration
    /// A value S3 would refuse as `InvalidArgument`, with S3's message.
    case invalidArgument(String)

    /// S3's error code for this error.
    public var s3Code: String {
        switch self {
        case .noSuchBucket: "NoSuchBucket"
        case .noSuchKey: "NoSuchKey"
        case .bucketAlreadyOwnedByYou: "BucketAlreadyOwnedByYou"
        case .bucketNotEmpty: "BucketNotEmpty"
        case .invalidBucketName: "InvalidBucketName"
        case .invalidKey(let key): key.utf8.count > 1024 ? "KeyTooLongError" : "InvalidArgument"
        case .invalidRange: "InvalidRange"
        case .accessDenied: "AccessDenied"
        case .preconditionFailed: "PreconditionFailed"
        case .invalidObjectState: "InvalidObjectState"
        case .storage: "InternalError"
        case .noSuchUpload: "NoSuchUpload"
        case .invalidPart: "InvalidPart"
        case .invalidPartOrder: "InvalidPartOrder"
        case .entityTooSmall: "EntityTooSmall"
        case .noSuchVersion: "NoSuchVersion"
        case .invalidVersionId, .invalidArgument: "InvalidArgument"
        case .deleteMarker: "MethodNotAllowed"
        case .invalidBucketState: "InvalidBucketState"
        case .objectLockNotEnabled: "InvalidRequest"
        case .noSuchObjectLockConfiguration: "NoSuchObjectLockConfiguration"
        }
    }

    /// The HTTP status S3 answers with.
    public var httpStatus: Int {
        switch self {
        case .noSuchBucket, .noSuchKey, .noSuchUpload, .noSuchVersion, .noSuchObjectLockConfiguration: 404
        case .bucketAlreadyOwnedByYou, .bucketNotEmpty, .invalidBucketState: 409
        case .invalidBucketName, .invalidKey, .invalidPart, .invalidPartOrder, .entityTooSmall, .invalidVersionId, .invalidArgument, .objectLockNotEnabled: 400
        case .invalidRange: 416
        case .accessDenied, .invalidObjectState: 403
        case .deleteMarker: 405
        case .preconditionFailed: 412
        case .storage: 500
        }
    }
}
