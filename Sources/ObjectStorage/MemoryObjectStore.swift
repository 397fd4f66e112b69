import Crypto
import Foundation

/// An object store in memory, for tests and benchmarks, with S3's versioning and Object Lock.
public actor MemoryObjectStore: ObjectStore {
    struct Version: VersionEntry {
        /// Unique within the store; shown as `null` for the null version.
        var id: String
        var isNullVersion: Bool
        var isDeleteMarker: Bool
        var info: ObjectInfo
        var body: Data
        var tags: [String: String] = [:]
        var retention: ObjectRetention?
        var legalHold: Bool?
        /// The sizes of the parts of an object completed from a multipart upload.
        var partSizes: [Int64]?

        var externalID: String { isNullVersion ? "null" : id }
    }

    struct Bucket {
        var info: BucketInfo
        var versioning: BucketVersioning = .unversioned
        var lock: ObjectLockConfiguration?
        var tags: [String: String] = [:]
        /// Each key's versions, newest first.
        var objects: [String: [Version]] = [:]
    }

    /// A multipart upload in progress.
    struct Upload {
        var bucket: String
        var upload: MultipartUpload
        var properties: ObjectProperties
        var parts: [Int: (part: UploadedPart, body: Data)] = [:]
    }

    var uploads: [String: Upload] = [:]

    var buckets: [String: Bucket] = [:]
    let clock: @Sendable () -> Date

    /// An empty store; `clock` is the time Object Lock's retention is measured against.
    public init(clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
    }

    // MARK: buckets

    public func createBucket(_ name: String, region: String, objectLockEnabled: Bool) async throws {
        guard BucketName.isValid(name) else { throw ObjectStoreError.invalidBucketName(name) }
        guard buckets[name] == nil else { throw ObjectStoreError.bucketAlreadyOwnedByYou(name) }
        var bucket = Bucket(info: BucketInfo(name: name, creationDate: clock(), region: region))
        if objectLockEnabled {
            bucket.versioning = .enabled
            bucket.lock = ObjectLockConfiguration()
        }
        buckets[name] = bucket
    }

    public func bucket(_ name: String) async throws -> BucketInfo? { buckets[name]?.info }

    public func listBuckets() async throws -> [BucketInfo] {
        buckets.values.map(\.info).sorted { $0.name < $1.name }
    }

    public func deleteBucket(_ name: String) async throws {
        let bucket = try require(name)
        guard bucket.objects.values.allSatisfy(\.isEmpty) else { throw ObjectStoreError.bucketNotEmpty(name) }
        buckets[name] = nil
        uploads = uploads.filter { $0.value.bucket != name }
    }

    public func versioning(ofBucket bucket: String) async throws -> BucketVersioning {
        try require(bucket).versioning
    }

    public func setVersioning(_ versioning: BucketVersioning, ofBucket bucket: String) async throws {
        try VersionRules.checkChange(to: versioning, objectLockEnabled: try require(bucket).lock != nil)
        buckets[bucket]!.versioning = versioning
    }

    public func objectLockConfiguration(ofBucket bucket: String) async throws -> ObjectLockConfiguration? {
        try require(bucket).lock
    }

    public func setObjectLockConfiguration(_ configuration: ObjectLockConfiguration, ofBucket bucket: String) async throws {
        let state = try require(bucket)
        try VersionRules.checkLockConfiguration(versioning: state.versioning, objectLockEnabled: state.lock != nil)
        buckets[bucket]!.lock = configuration
    }

    // MARK: objects

    @discardableResult
    public func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String],
        tags: [String: String], lock: ObjectLockOptions
    ) async throws -> ObjectInfo {
        let state = try require(bucket)
        guard !key.isEmpty else { throw ObjectStoreError.invalidKey(key) }
        let etag = Self.md5Hex(body)
        return try insert(
            bucket: bucket, key: key, body: body, etag: etag,
            properties: ObjectProperties(contentType: contentType, metadata: metadata, tags: tags), lock: lock)
    }

    /// Stores a new version of `key` (replacing what the bucket's versioning replaces, unless it is
    /// locked): the one path of puts, completed uploads and copies.
    func insert(
        bucket: String, key: String, body: Data, etag: String, properties: ObjectProperties, lock: ObjectLockOptions,
        partSizes: [Int64]? = nil, storageClass: StorageClass = .standard
    ) throws -> ObjectInfo {
        let state = try require(bucket)
        let now = clock()
        let (retention, legalHold) = try VersionRules.lock(for: lock, bucket: bucket, configuration: state.lock, now: now)
        var history = state.objects[key] ?? []
        try remove(VersionRules.replaced(in: history, by: state.versioning), from: &history, now: now)
        let version = Version(
            id: VersionID.make(at: now), isNullVersion: state.versioning != .enabled, isDeleteMarker: false,
            info: ObjectInfo(
                key: key, size: Int64(body.count), lastModified: now, etag: etag, contentType: properties.contentType,
                metadata: properties.metadata, storageClass: storageClass.rawValue, tagCount: properties.tags.count),
            body: body, tags: properties.tags, retention: retention, legalHold: legalHold, partSizes: partSizes)
        history.insert(version, at: 0)
        buckets[bucket]!.objects[key] = history
        return describe(version, versioning: state.versioning)
    }

    public func getObject(bucket: String, key: String, versionId: String?, range: ObjectByteRange?) async throws -> StoredObject {
        let (version, versioning) = try find(bucket: bucket, key: key, versionId: versionId)
        let info = describe(version, versioning: versioning)
        guard let range else { return StoredObject(info: info, body: version.body) }
        guard let r = range.resolved(size: info.size) else { throw ObjectStoreError.invalidRange }
        return StoredObject(info: info, body: version.body.subdata(in: Int(r.lowerBound)..<Int(r.upperBound + 1)), range: r)
    }

    public func headObject(bucket: String, key: String, versionId: String?) async throws -> ObjectInfo {
        let (version, versioning) = try find(bucket: bucket, key: key, versionId: versionId)
        return describe(version, versioning: versioning)
    }

    @discardableResult
    public func deleteObject(
        bucket: String, key: String, versionId: String?, bypassGovernanceRetention: Bool
    ) async throws -> ObjectDeletion {
        let state = try require(bucket)
        let now = clock()
        var history = state.objects[key] ?? []
        defer { buckets[bucket]!.objects[key] = history.isEmpty ? nil : history }
        if let versionId {
            guard let index = history.firstIndex(where: { $0.externalID == versionId }) else {
                guard versionId == "null" || VersionID.isWellFormed(versionId) else {
                    throw ObjectStoreError.invalidVersionId(versionId)
                }
                return ObjectDeletion(versionId: versionId, isDeleteMarker: false)
            }
            let version = history[index]
            try remove([index], from: &history, bypassGovernance: bypassGovernanceRetention, now: now)
            return ObjectDeletion(versionId: versionId, isDeleteMarker: version.isDeleteMarker)
        }
        try remove(VersionRules.replaced(in: history, by: state.versioning), from: &history, now: now)
        guard state.versioning != .unversioned else { return ObjectDeletion(versionId: nil, isDeleteMarker: false) }
        let marker = Version(
            id: VersionID.make(at: now), isNullVersion: state.versioning == .suspended, isDeleteMarker: true,
            info: ObjectInfo(key: key, size: 0, lastModified: now, etag: ""), body: Data())
        history.insert(marker, at: 0)
        return ObjectDeletion(versionId: marker.externalID, isDeleteMarker: true)
    }

    public func listObjects(_ request: ObjectListRequest) async throws -> ObjectListing {
        let state = try require(request.bucket)
        var latest: [String: Version] = [:]
        for (key, history) in state.objects where key.hasPrefix(request.prefix) {
            if let first = history.first, !first.isDeleteMarker { latest[key] = first }
        }
        let keys = latest.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return ObjectListing.page(keys: keys, request: request, info: { describe(latest[$0]!, versioning: .unversioned) })
    }

    public func listObjectVersions(_ request: ObjectVersionListRequest) async throws -> ObjectVersionListing {
        let state = try require(request.bucket)
        try VersionRules.checkMarker(request.versionIdMarker)
        let keys = state.objects.keys.filter { $0.hasPrefix(request.prefix) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var page = VersionListingPage(request: request)
        for key in keys {
            if page.isComplete { break }
            page.offer(key: Array(key.utf8)) {
                let history = state.objects[key] ?? []
                return history.enumerated().map { index, version in
                    var info = describe(version, versioning: .enabled)
                    info.versionId = version.externalID
                    return ObjectVersion(info: info, isLatest: index == 0, isDeleteMarker: version.isDeleteMarker)
                }
            }
        }
        return page.listing
    }

    @discardableResult
    public func setRetention(
        _ retention: ObjectRetention?, bucket: String, key: String, versionId: String?, bypassGovernanceRetention: Bool
    ) async throws -> String? {
        let (index, version) = try lockable(bucket: bucket, key: key, versionId: versionId)
        try ObjectLockRules.checkRetentionChange(
            from: version.retention, to: retention, bypassGovernance: bypassGovernanceRetention, now: clock())
        buckets[bucket]!.objects[key]![index].retention = retention
        return version.externalID
    }

    @discardableResult
    public func setLegalHold(_ on: Bool, bucket: String, key: String, versionId: String?) async throws -> String? {
        let (index, version) = try lockable(bucket: bucket, key: key, versionId: versionId)
        buckets[bucket]!.objects[key]![index].legalHold = on
        return version.externalID
    }

    @discardableResult
    public func transitionObject(bucket: String, key: String, to storageClass: StorageClass, ifMatch etag: String?)
        async throws -> ObjectInfo
    {
        let (version, versioning) = try find(bucket: bucket, key: key, versionId: nil)
        if let etag, etag != version.info.etag { throw ObjectStoreError.preconditionFailed }
        buckets[bucket]!.objects[key]![0].info.storageClass = storageClass.rawValue
        return describe(buckets[bucket]!.objects[key]![0], versioning: versioning)
    }

    static func md5Hex(_ body: Data) -> String {
        Insecure.MD5.hash(data: body).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: tags and encryption

    public func objectTags(bucket: String, key: String, versionId: String?) async throws -> [String: String] {
        try find(bucket: bucket, key: key, versionId: versionId).0.tags
    }

    public func setObjectTags(bucket: String, key: String, versionId: String?, tags: [String: String]) async throws {
        let (version, _) = try find(bucket: bucket, key: key, versionId: versionId)
        let index = buckets[bucket]!.objects[key]!.firstIndex { $0.id == version.id }!
        buckets[bucket]!.objects[key]![index].tags = tags
        buckets[bucket]!.objects[key]![index].info.tagCount = tags.count
    }

    public func bucketTags(_ bucket: String) async throws -> [String: String] {
        try require(bucket).tags
    }

    public func setBucketTags(_ bucket: String, tags: [String: String]) async throws {
        _ = try require(bucket)
        buckets[bucket]!.tags = tags
    }

    /// Nothing is encrypted in memory.
    public func bucketEncryption(_ bucket: String) async throws -> BucketEncryption? {
        _ = try require(bucket)
        return nil
    }

    // MARK: helpers

    func require(_ name: String) throws -> Bucket {
        guard let bucket = buckets[name] else { throw ObjectStoreError.noSuchBucket(name) }
        return bucket
    }

    /// Removes the versions at `indices` from `history`, unless one of them is locked.
    func remove(_ indices: [Int], from history: inout [Version], bypassGovernance: Bool = false, now: Date) throws {
        try VersionRules.checkRemoval(of: indices.map { history[$0] }, bypassGovernance: bypassGovernance, now: now)
        for index in indices.sorted(by: >) { history.remove(at: index) }
    }

    /// The latest version or version `versionId` of a key, with the bucket's versioning.
    func find(bucket: String, key: String, versionId: String?) throws -> (Version, BucketVersioning) {
        let state = try require(bucket)
        let history = state.objects[key] ?? []
        guard let versionId else {
            guard let latest = history.first, !latest.isDeleteMarker else {
                throw ObjectStoreError.noSuchKey(bucket: bucket, key: key)
            }
            return (latest, state.versioning)
        }
        guard let version = history.first(where: { $0.externalID == versionId }) else {
            throw VersionRules.missing(bucket: bucket, key: key, versionId: versionId)
        }
        guard !version.isDeleteMarker else {
            throw ObjectStoreError.deleteMarker(bucket: bucket, key: key, versionId: versionId)
        }
        return (version, state.versioning)
    }

    /// A version whose lock settings may be read or changed: the bucket must have Object Lock.
    func lockable(bucket: String, key: String, versionId: String?) throws -> (Int, Version) {
        guard try require(bucket).lock != nil else { throw ObjectStoreError.objectLockNotEnabled(bucket) }
        let (version, _) = try find(bucket: bucket, key: key, versionId: versionId)
        let index = buckets[bucket]!.objects[key]!.firstIndex { $0.id == version.id }!
        return (index, version)
    }

    func describe(_ version: Version, versioning: BucketVersioning) -> ObjectInfo {
        var info = version.info
        info.versionId = versioning == .unversioned ? nil : version.externalID
        info.retention = version.retention
        info.legalHold = version.legalHold
        return info
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
