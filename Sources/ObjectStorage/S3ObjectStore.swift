import AWSWire
import Crypto
import Foundation

/// The object store of any S3 API (AWS S3, moto, MinIO…), through AWSWire's ``S3Client``.
///
/// S3's answers become ``ObjectStoreError``s (`NoSuchBucket`, `NoSuchKey`, `BucketNotEmpty`,
/// `InvalidRange`, `AccessDenied`…); anything else — transport failures, 5xx after the client's
/// retries — is ``ObjectStoreError/storage(_:)`` with the error's description.
///
/// Listings use `ListObjectsV2` with `start-after`, so pages continue where
/// ``ObjectListing/lastReturned`` says, as with the other stores. Objects in listings carry no
/// content type or user metadata (S3 does not list them); ``headObject(bucket:key:)`` has them.
///
/// A put larger than ``Configuration/multipartThreshold`` is a multipart upload (parts of
/// ``Configuration/partSize`` bytes, a few at a time, aborted on failure); its ETag is then S3's
/// multipart ETag (`<hex>-<parts>`), not the MD5 of the content.
public struct S3ObjectStore: ObjectStore {
    /// When puts are split into parts.
    public struct Configuration: Sendable, Hashable {
        /// Bodies larger than this many bytes are uploaded in parts (16 MiB by default).
        public var multipartThreshold: Int
        /// The size of each part (8 MiB by default; S3's minimum is 5 MiB).
        public var partSize: Int
        /// How many parts are uploaded at once.
        public var concurrency: Int

        /// Limits with defaults.
        public init(multipartThreshold: Int = 16 << 20, partSize: Int = S3Client.defaultPartSize, concurrency: Int = 4) {
            self.multipartThreshold = multipartThreshold
            self.partSize = max(partSize, S3Client.minimumPartSize)
            self.concurrency = max(1, concurrency)
        }
    }

    /// The client requests go through.
    public let client: S3Client
    /// When puts are split into parts.
    public let configuration: Configuration

    /// A store over `client`.
    public init(client: S3Client, configuration: Configuration = .init()) {
        self.client = client
        self.configuration = configuration
    }

    // MARK: buckets

    public func createBucket(_ name: String, region: String, objectLockEnabled: Bool) async throws {
        try await translating(bucket: name) {
            try await client.createBucket(name, region: region, objectLockEnabled: objectLockEnabled)
        }
    }

    public func bucket(_ name: String) async throws -> BucketInfo? {
        let headRegion: String?
        do {
            headRegion = try await client.headBucket(name)
        } catch let error as AWSError where error.status == 404 {
            return nil
        } catch {
            throw Self.translate(error, bucket: name, key: nil)
        }
        return try await translating(bucket: name) {
            let listed = try await client.listBuckets().first { $0.name == name }
            let region: String
            if let known = headRegion ?? listed?.region {
                region = known
            } else {
                region = try await client.bucketLocation(name)
            }
            return BucketInfo(name: name, creationDate: listed?.creationDate ?? Date(timeIntervalSince1970: 0), region: region)
        }
    }

    public func listBuckets() async throws -> [BucketInfo] {
        try await translating(bucket: "") {
            var out: [BucketInfo] = []
            for bucket in try await client.listBuckets() {
                let region: String
                if let known = bucket.region {
                    region = known
                } else {
                    do {
                        region = try await client.bucketLocation(bucket.name)
                    } catch let error as AWSError where error.code == "NoSuchBucket" {
                        continue  // deleted since the listing
                    }
                }
                out.append(
                    BucketInfo(name: bucket.name, creationDate: bucket.creationDate ?? Date(timeIntervalSince1970: 0), region: region))
            }
            return out.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        }
    }

    public func deleteBucket(_ name: String) async throws {
        try await translating(bucket: name) { try await client.deleteBucket(name) }
    }

    // MARK: objects

    @discardableResult
    public func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String],
        tags: [String: String], lock: ObjectLockOptions
    ) async throws -> ObjectInfo {
        var options = S3Client.PutOptions(contentType: contentType, metadata: metadata, tags: tags)
        options.objectLockMode = lock.retention?.mode.rawValue
        options.objectLockRetainUntil = lock.retention?.retainUntil
        options.objectLockLegalHold = lock.legalHold
        let (eTag, versionId) = try await translating(bucket: bucket, key: key) {
            if body.count > configuration.multipartThreshold {
                let eTag = try await client.putObjectMultipart(
                    bucket: bucket, key: key, body: body, options: options, partSize: configuration.partSize,
                    concurrency: configuration.concurrency)
                // CompleteMultipartUpload's version ID is a header the multipart helper does not return.
                return (eTag, try await client.headObject(bucket: bucket, key: key).versionId)
            }
            return try await client.putObjectVersion(bucket: bucket, key: key, body: body, options: options)
        }
        return ObjectInfo(
            key: key, size: Int64(body.count), lastModified: Date(),
            etag: eTag.map(Self.unquoted) ?? Insecure.MD5.hash(data: body).map { String(format: "%02x", $0) }.joined(),
            contentType: contentType, metadata: metadata, tagCount: tags.count, versionId: versionId,
            retention: lock.retention, legalHold: lock.legalHold)
    }

    public func getObject(bucket: String, key: String, versionId: String?, range: ObjectByteRange?) async throws -> StoredObject {
        let (head, body) = try await translating(bucket: bucket, key: key, versionId: versionId) {
            try await client.getObjectWithHead(bucket: bucket, key: key, range: range.map(Self.rangeHeader), versionId: versionId)
        }
        var info = Self.info(key: key, head: head)
        guard let range else {
            info.size = Int64(body.count)
            return StoredObject(info: info, body: body)
        }
        if let served = head.contentRange.flatMap(Self.parseContentRange) {
            info.size = served.total
            return StoredObject(info: info, body: body, range: served.range)
        }
        // The server sent the whole object: serve the range from it.
        info.size = Int64(body.count)
        guard let resolved = range.resolved(size: info.size) else { throw ObjectStoreError.invalidRange }
        return StoredObject(
            info: info, body: body.subdata(in: Int(resolved.lowerBound)..<Int(resolved.upperBound) + 1), range: resolved)
    }

    public func headObject(bucket: String, key: String, versionId: String?) async throws -> ObjectInfo {
        let head = try await translating(bucket: bucket, key: key, versionId: versionId) {
            try await client.headObject(bucket: bucket, key: key, versionId: versionId)
        }
        return Self.info(key: key, head: head)
    }

    @discardableResult
    public func deleteObject(
        bucket: String, key: String, versionId: String?, bypassGovernanceRetention: Bool
    ) async throws -> ObjectDeletion {
        let result = try await translating(bucket: bucket, key: key, versionId: versionId) {
            try await client.deleteObject(
                bucket: bucket, key: key, versionId: versionId, bypassGovernanceRetention: bypassGovernanceRetention)
        }
        return ObjectDeletion(versionId: result.versionId, isDeleteMarker: result.isDeleteMarker)
    }

    public func listObjects(_ request: ObjectListRequest) async throws -> ObjectListing {
        let page = try await translating(bucket: request.bucket) {
            try await client.listObjectsV2(
                bucket: request.bucket, prefix: request.prefix, maxKeys: max(0, request.maxKeys),
                delimiter: request.delimiter.flatMap { $0.isEmpty ? nil : $0 }, startAfter: request.startAfter)
        }
        let objects = page.objects.map { object in
            ObjectInfo(
                key: object.key, size: object.size, lastModified: object.lastModified ?? Date(timeIntervalSince1970: 0),
                etag: Self.unquoted(object.eTag),
                storageClass: object.storageClass.flatMap { $0.isEmpty ? nil : $0 } ?? StorageClass.standard.rawValue)
        }
        // A common prefix at or before startAfter was listed on an earlier page (some servers repeat it).
        let prefixes = page.commonPrefixes.filter { prefix in
            request.startAfter.map { $0.utf8.lexicographicallyPrecedes(prefix.utf8) } ?? true
        }
        let last = [objects.last?.key, prefixes.last].compactMap { $0 }.max { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return ObjectListing(objects: objects, commonPrefixes: prefixes, isTruncated: page.isTruncated, lastReturned: last)
    }

    // MARK: translation

    static func info(key: String, head: S3Client.ObjectHead) -> ObjectInfo {
        ObjectInfo(
            key: key, size: head.contentLength, lastModified: head.lastModified ?? Date(timeIntervalSince1970: 0),
            etag: head.eTag.map(unquoted) ?? "", contentType: head.contentType, metadata: head.metadata,
            storageClass: head.storageClass ?? "STANDARD", tagCount: head.tagCount, versionId: head.versionId,
            retention: head.retention.flatMap(retention), legalHold: head.legalHold)
    }

    static func retention(_ retention: S3Client.Retention) -> ObjectRetention? {
        ObjectLockMode(rawValue: retention.mode).map { ObjectRetention(mode: $0, retainUntil: retention.retainUntil) }
    }

    static func unquoted(_ eTag: String) -> String {
        MultipartRules.unquoted(eTag)
    }

    static func rangeHeader(_ range: ObjectByteRange) -> String {
        switch range {
        case .closed(let first, let last): "bytes=\(first)-\(last)"
        case .from(let first): "bytes=\(first)-"
        case .suffix(let length): "bytes=-\(length)"
        }
    }

    /// `bytes 0-99/1234` → (0...99, 1234).
    static func parseContentRange(_ text: String) -> (range: ClosedRange<Int64>, total: Int64)? {
        guard text.hasPrefix("bytes ") else { return nil }
        let parts = text.dropFirst(6).split(separator: "/")
        guard parts.count == 2, let total = Int64(parts[1]) else { return nil }
        let bounds = parts[0].split(separator: "-")
        guard bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]), first <= last else { return nil }
        return (first...last, total)
    }

    func translating<T>(
        bucket: String, key: String? = nil, uploadID: String? = nil, versionId: String? = nil, _ body: () async throws -> T
    ) async throws -> T {
        do {
            return try await body()
        } catch {
            throw Self.translate(error, bucket: bucket, key: key, uploadID: uploadID, versionId: versionId)
        }
    }

    /// S3's error codes as ``ObjectStoreError``s.
    static func translate(
        _ error: any Error, bucket: String, key: String?, uploadID: String? = nil, versionId: String? = nil
    ) -> ObjectStoreError {
        if let error = error as? ObjectStoreError { return error }
        guard let error = error as? AWSError else { return .storage(String(describing: error)) }
        if let key, let versionId {
            // A HEAD of a version answers with a status only.
            switch (error.code, error.status) {
            case ("MethodNotAllowed", _), (_, 405): return .deleteMarker(bucket: bucket, key: key, versionId: versionId)
            case ("NoSuchVersion", _), ("NotFound", 404): return .noSuchVersion(bucket: bucket, key: key, versionId: versionId)
            case ("HTTP400", 400): return .invalidVersionId(versionId)
            default: break
            }
        }
        switch error.code {
        case "NoSuchBucket": return .noSuchBucket(bucket)
        case "NoSuchKey": return .noSuchKey(bucket: bucket, key: key ?? "")
        case "NotFound" where error.status == 404:
            return key.map { .noSuchKey(bucket: bucket, key: $0) } ?? .noSuchBucket(bucket)
        case "BucketAlreadyOwnedByYou": return .bucketAlreadyOwnedByYou(bucket)
        case "BucketAlreadyExists": return .accessDenied("The bucket name \(bucket) belongs to another account.")
        case "BucketNotEmpty": return .bucketNotEmpty(bucket)
        case "InvalidBucketName": return .invalidBucketName(bucket)
        case "InvalidRange": return .invalidRange
        case "KeyTooLongError": return .invalidKey(key ?? "")
        case "AccessDenied", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch":
            return .accessDenied(error.message.isEmpty ? error.code : error.message)
        case "InvalidObjectState", "ObjectNotInActiveTierError":
            return .invalidObjectState(error.message.isEmpty ? error.code : error.message)
        case "NoSuchUpload": return .noSuchUpload(uploadID ?? "")
        case "InvalidPart": return .invalidPart(partNumber: nil)
        case "InvalidPartOrder": return .invalidPartOrder
        case "EntityTooSmall": return .entityTooSmall(partNumber: nil, size: nil)
        case "PreconditionFailed": return .preconditionFailed
        case "InvalidBucketState": return .invalidBucketState(error.message)
        case "NoSuchObjectLockConfiguration": return .noSuchObjectLockConfiguration
        case "InvalidRequest" where error.message.contains("Object Lock"): return .objectLockNotEnabled(bucket)
        case "InvalidArgument": return .invalidArgument(error.message)
        default: return .storage(error.description)
        }
    }
}
