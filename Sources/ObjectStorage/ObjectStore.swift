import Foundation

/// An S3-like object store: buckets of keyed objects with user metadata.
///
/// Implementations: ``FileObjectStore`` (embedded: plain files at `DIR/objects/<bucket>/<key>`),
/// ``S3ObjectStore`` (any S3 API, over AWSWire's `S3Client`) and ``MemoryObjectStore`` (tests). Trail delivery, validate-logs and the S3 REST subset
/// of the server are written against this protocol only.
///
/// - Important: ``putObject(bucket:key:body:contentType:metadata:tags:)`` returns only after the
///   object is durable and complete; a reader never sees a partial object.
public protocol ObjectStore: Sendable {
    /// Creates a bucket. Throws ``ObjectStoreError/bucketAlreadyOwnedByYou(_:)`` when it exists.
    func createBucket(_ name: String, region: String) async throws
    /// The bucket, or `nil` when there is none of that name.
    func bucket(_ name: String) async throws -> BucketInfo?
    /// Every bucket, by name.
    func listBuckets() async throws -> [BucketInfo]
    /// Deletes an empty bucket. Throws ``ObjectStoreError/bucketNotEmpty(_:)`` otherwise.
    func deleteBucket(_ name: String) async throws

    /// Stores `body` at `key` with its tags, replacing any object there (and its tags), atomically.
    /// - Parameters:
    ///   - metadata: user metadata, names lowercased without the `x-amz-meta-` prefix.
    ///   - tags: the object's tags (S3's `x-amz-tagging`); the caller has checked S3's limits.
    @discardableResult
    func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String],
        tags: [String: String]
    ) async throws -> ObjectInfo
    /// The object's bytes (all, or the inclusive byte `range`) and its description.
    func getObject(bucket: String, key: String, range: ObjectByteRange?) async throws -> StoredObject
    /// The object's description. Throws ``ObjectStoreError/noSuchKey(bucket:key:)`` when missing.
    func headObject(bucket: String, key: String) async throws -> ObjectInfo
    /// Deletes the object; deleting a missing key succeeds, as in S3.
    func deleteObject(bucket: String, key: String) async throws
    /// One page of keys in UTF-8 byte order, as S3 lists them.
    func listObjects(_ request: ObjectListRequest) async throws -> ObjectListing

    /// The object's tags (empty when it has none). Throws ``ObjectStoreError/noSuchKey(bucket:key:)``.
    func objectTags(bucket: String, key: String) async throws -> [String: String]
    /// Replaces the object's tags (empty removes them), leaving its bytes and metadata alone.
    func setObjectTags(bucket: String, key: String, tags: [String: String]) async throws
    /// The bucket's tags; empty when it has none (S3's `NoSuchTagSet`).
    func bucketTags(_ bucket: String) async throws -> [String: String]
    /// Replaces the bucket's tags (empty removes them).
    func setBucketTags(_ bucket: String, tags: [String: String]) async throws
    /// How the store encrypts the bucket's objects at rest; nil when it does not.
    func bucketEncryption(_ bucket: String) async throws -> BucketEncryption?

    /// Moves the object to another storage class, keeping its bytes, ETag, content type, user
    /// metadata and Last-Modified (what an S3 Lifecycle transition does). A reader sees the object
    /// throughout, in the old class or the new one.
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
    /// The object's description and, when it was completed from parts, its parts.
    func objectAttributes(bucket: String, key: String) async throws -> ObjectAttributes

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
    /// Stores `body` at `key` without tags.
    @discardableResult
    public func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String]
    ) async throws -> ObjectInfo {
        try await putObject(bucket: bucket, key: key, body: body, contentType: contentType, metadata: metadata, tags: [:])
    }

    /// The whole object.
    public func getObject(bucket: String, key: String) async throws -> StoredObject {
        try await getObject(bucket: bucket, key: key, range: nil)
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

    public init(
        key: String, size: Int64, lastModified: Date, etag: String, contentType: String? = nil,
        metadata: [String: String] = [:], storageClass: String = "STANDARD", tagCount: Int = 0
    ) {
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
        }
    }

    /// The HTTP status S3 answers with.
    public var httpStatus: Int {
        switch self {
        case .noSuchBucket, .noSuchKey, .noSuchUpload: 404
        case .bucketAlreadyOwnedByYou, .bucketNotEmpty: 409
        case .invalidBucketName, .invalidKey, .invalidPart, .invalidPartOrder, .entityTooSmall: 400
        case .invalidRange: 416
        case .accessDenied, .invalidObjectState: 403
        case .preconditionFailed: 412
        case .storage: 500
        }
    }
}
