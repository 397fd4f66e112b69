import Crypto
import Foundation

/// An object store in memory, for tests and benchmarks.
public actor MemoryObjectStore: ObjectStore {
    struct Entry {
        var info: ObjectInfo
        var body: Data
        var tags: [String: String] = [:]
        /// The sizes of the parts of an object completed from a multipart upload.
        var partSizes: [Int64]?
    }

    /// A multipart upload in progress.
    struct Upload {
        var bucket: String
        var upload: MultipartUpload
        var properties: ObjectProperties
        var parts: [Int: (part: UploadedPart, body: Data)] = [:]
    }

    var buckets: [String: BucketInfo] = [:]
    var objects: [String: [String: Entry]] = [:]
    var tagsOfBuckets: [String: [String: String]] = [:]
    var uploads: [String: Upload] = [:]

    public init() {}

    public func createBucket(_ name: String, region: String) async throws {
        guard BucketName.isValid(name) else { throw ObjectStoreError.invalidBucketName(name) }
        guard buckets[name] == nil else { throw ObjectStoreError.bucketAlreadyOwnedByYou(name) }
        buckets[name] = BucketInfo(name: name, creationDate: Date(), region: region)
        objects[name] = [:]
    }

    public func bucket(_ name: String) async throws -> BucketInfo? { buckets[name] }

    public func listBuckets() async throws -> [BucketInfo] {
        buckets.values.sorted { $0.name < $1.name }
    }

    public func deleteBucket(_ name: String) async throws {
        guard let contents = objects[name] else { throw ObjectStoreError.noSuchBucket(name) }
        guard contents.isEmpty else { throw ObjectStoreError.bucketNotEmpty(name) }
        buckets[name] = nil
        objects[name] = nil
        tagsOfBuckets[name] = nil
        uploads = uploads.filter { $0.value.bucket != name }
    }

    @discardableResult
    public func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String],
        tags: [String: String]
    ) async throws -> ObjectInfo {
        guard objects[bucket] != nil else { throw ObjectStoreError.noSuchBucket(bucket) }
        guard !key.isEmpty else { throw ObjectStoreError.invalidKey(key) }
        let etag = Self.md5Hex(body)
        let info = ObjectInfo(
            key: key, size: Int64(body.count), lastModified: Date(), etag: etag, contentType: contentType,
            metadata: metadata, tagCount: tags.count)
        objects[bucket]![key] = Entry(info: info, body: body, tags: tags)
        return info
    }

    public func getObject(bucket: String, key: String, range: ObjectByteRange?) async throws -> StoredObject {
        guard let contents = objects[bucket] else { throw ObjectStoreError.noSuchBucket(bucket) }
        guard let entry = contents[key] else { throw ObjectStoreError.noSuchKey(bucket: bucket, key: key) }
        guard let range else { return StoredObject(info: entry.info, body: entry.body) }
        guard let r = range.resolved(size: entry.info.size) else { throw ObjectStoreError.invalidRange }
        return StoredObject(info: entry.info, body: entry.body.subdata(in: Int(r.lowerBound)..<Int(r.upperBound + 1)), range: r)
    }

    public func headObject(bucket: String, key: String) async throws -> ObjectInfo {
        guard let contents = objects[bucket] else { throw ObjectStoreError.noSuchBucket(bucket) }
        guard let entry = contents[key] else { throw ObjectStoreError.noSuchKey(bucket: bucket, key: key) }
        return entry.info
    }

    public func deleteObject(bucket: String, key: String) async throws {
        guard objects[bucket] != nil else { throw ObjectStoreError.noSuchBucket(bucket) }
        objects[bucket]![key] = nil
    }

    @discardableResult
    public func transitionObject(bucket: String, key: String, to storageClass: StorageClass, ifMatch etag: String?)
        async throws -> ObjectInfo
    {
        guard let contents = objects[bucket] else { throw ObjectStoreError.noSuchBucket(bucket) }
        guard var entry = contents[key] else { throw ObjectStoreError.noSuchKey(bucket: bucket, key: key) }
        if let etag, etag != entry.info.etag { throw ObjectStoreError.preconditionFailed }
        entry.info.storageClass = storageClass.rawValue
        objects[bucket]![key] = entry
        return entry.info
    }

    static func md5Hex(_ body: Data) -> String {
        Insecure.MD5.hash(data: body).map { String(format: "%02x", $0) }.joined()
    }

    public func listObjects(_ request: ObjectListRequest) async throws -> ObjectListing {
        guard let contents = objects[request.bucket] else { throw ObjectStoreError.noSuchBucket(request.bucket) }
        let keys = contents.keys.filter { $0.hasPrefix(request.prefix) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return ObjectListing.page(
            keys: keys, request: request, info: { contents[$0]!.info })
    }

    // MARK: tags and encryption

    public func objectTags(bucket: String, key: String) async throws -> [String: String] {
        guard let contents = objects[bucket] else { throw ObjectStoreError.noSuchBucket(bucket) }
        guard let entry = contents[key] else { throw ObjectStoreError.noSuchKey(bucket: bucket, key: key) }
        return entry.tags
    }

    public func setObjectTags(bucket: String, key: String, tags: [String: String]) async throws {
        guard let contents = objects[bucket] else { throw ObjectStoreError.noSuchBucket(bucket) }
        guard var entry = contents[key] else { throw ObjectStoreError.noSuchKey(bucket: bucket, key: key) }
        entry.tags = tags
        entry.info.tagCount = tags.count
        objects[bucket]![key] = entry
    }

    public func bucketTags(_ bucket: String) async throws -> [String: String] {
        guard buckets[bucket] != nil else { throw ObjectStoreError.noSuchBucket(bucket) }
        return tagsOfBuckets[bucket] ?? [:]
    }

    public func setBucketTags(_ bucket: String, tags: [String: String]) async throws {
        guard buckets[bucket] != nil else { throw ObjectStoreError.noSuchBucket(bucket) }
        tagsOfBuckets[bucket] = tags.isEmpty ? nil : tags
    }

    /// Nothing is encrypted in memory.
    public func bucketEncryption(_ bucket: String) async throws -> BucketEncryption? {
        guard buckets[bucket] != nil else { throw ObjectStoreError.noSuchBucket(bucket) }
        return nil
    }
}

extension ObjectListing {
    /// Builds one page from keys already filtered by prefix and sorted in UTF-8 byte order:
    /// applies `startAfter`, groups by delimiter, and stops at `maxKeys`.
    public static func page(keys: [String], request: ObjectListRequest, info: (String) throws -> ObjectInfo) rethrows -> ObjectListing {
        var objects: [ObjectInfo] = []
        var prefixes: [String] = []
        var last: String?
        var truncated = false
        let limit = max(0, request.maxKeys)
        for key in keys {
            if let after = request.startAfter, !after.utf8.lexicographicallyPrecedes(key.utf8) { continue }
            let common = commonPrefix(of: key, prefix: request.prefix, delimiter: request.delimiter)
            if let common {
                if common == prefixes.last { continue }
                if let after = request.startAfter, !after.utf8.lexicographicallyPrecedes(common.utf8) { continue }
            }
            if objects.count + prefixes.count >= limit {
                truncated = true
                break
            }
            if let common {
                prefixes.append(common)
                last = common
            } else {
                objects.append(try info(key))
                last = key
            }
        }
        return ObjectListing(objects: objects, commonPrefixes: prefixes, isTruncated: truncated, lastReturned: last)
    }

    /// The common prefix `key` is listed under: `prefix` and what follows it up to and including
    /// the first `delimiter`; nil without a delimiter there.
    public static func commonPrefix(of key: String, prefix: String, delimiter: String?) -> String? {
        guard let delimiter, !delimiter.isEmpty else { return nil }
        let rest = key.dropFirst(prefix.count)
        guard let range = rest.range(of: delimiter) else { return nil }
        return prefix + String(rest[..<range.upperBound])
    }
}
