import Foundation
import ObjectStorage

/// An ``ObjectStore`` that hands every operation to ``inner``: test doubles conform and write only
/// the operations they hook (a put that fails on demand, a listing followed by a deletion…).
public protocol ForwardingObjectStore: ObjectStore {
    var inner: any ObjectStore { get }
}

extension ForwardingObjectStore {
    public func createBucket(_ name: String, region: String, objectLockEnabled: Bool) async throws {
        try await inner.createBucket(name, region: region, objectLockEnabled: objectLockEnabled)
    }
    public func bucket(_ name: String) async throws -> BucketInfo? { try await inner.bucket(name) }
    public func listBuckets() async throws -> [BucketInfo] { try await inner.listBuckets() }
    public func deleteBucket(_ name: String) async throws { try await inner.deleteBucket(name) }
    public func versioning(ofBucket bucket: String) async throws -> BucketVersioning { try await inner.versioning(ofBucket: bucket) }
    public func setVersioning(_ versioning: BucketVersioning, ofBucket bucket: String) async throws {
        try await inner.setVersioning(versioning, ofBucket: bucket)
    }
    public func objectLockConfiguration(ofBucket bucket: String) async throws -> ObjectLockConfiguration? {
        try await inner.objectLockConfiguration(ofBucket: bucket)
    }
    public func setObjectLockConfiguration(_ configuration: ObjectLockConfiguration, ofBucket bucket: String) async throws {
        try await inner.setObjectLockConfiguration(configuration, ofBucket: bucket)
    }
    public func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String], tags: [String: String],
        lock: ObjectLockOptions
    ) async throws -> ObjectInfo {
        try await inner.putObject(
            bucket: bucket, key: key, body: body, contentType: contentType, metadata: metadata, tags: tags, lock: lock)
    }
    public func getObject(bucket: String, key: String, versionId: String?, range: ObjectByteRange?) async throws -> StoredObject {
        try await inner.getObject(bucket: bucket, key: key, versionId: versionId, range: range)
    }
    public func headObject(bucket: String, key: String, versionId: String?) async throws -> ObjectInfo {
        try await inner.headObject(bucket: bucket, key: key, versionId: versionId)
    }
    public func deleteObject(
        bucket: String, key: String, versionId: String?, bypassGovernanceRetention: Bool
    ) async throws -> ObjectDeletion {
        try await inner.deleteObject(bucket: bucket, key: key, versionId: versionId, bypassGovernanceRetention: bypassGovernanceRetention)
    }
    public func listObjects(_ request: ObjectListRequest) async throws -> ObjectListing { try await inner.listObjects(request) }
    public func listObjectVersions(_ request: ObjectVersionListRequest) async throws -> ObjectVersionListing {
        try await inner.listObjectVersions(request)
    }
    public func setRetention(
        _ retention: ObjectRetention?, bucket: String, key: String, versionId: String?, bypassGovernanceRetention: Bool
    ) async throws -> String? {
        try await inner.setRetention(
            retention, bucket: bucket, key: key, versionId: versionId, bypassGovernanceRetention: bypassGovernanceRetention)
    }
    public func setLegalHold(_ on: Bool, bucket: String, key: String, versionId: String?) async throws -> String? {
        try await inner.setLegalHold(on, bucket: bucket, key: key, versionId: versionId)
    }
    public func objectTags(bucket: String, key: String, versionId: String?) async throws -> [String: String] {
        try await inner.objectTags(bucket: bucket, key: key, versionId: versionId)
    }
    public func setObjectTags(bucket: String, key: String, versionId: String?, tags: [String: String]) async throws {
        try await inner.setObjectTags(bucket: bucket, key: key, versionId: versionId, tags: tags)
    }
    public func bucketTags(_ bucket: String) async throws -> [String: String] { try await inner.bucketTags(bucket) }
    public func setBucketTags(_ bucket: String, tags: [String: String]) async throws {
        try await inner.setBucketTags(bucket, tags: tags)
    }
    public func bucketEncryption(_ bucket: String) async throws -> BucketEncryption? { try await inner.bucketEncryption(bucket) }
    @discardableResult
    public func transitionObject(bucket: String, key: String, to storageClass: StorageClass, ifMatch etag: String?)
        async throws -> ObjectInfo
    {
        try await inner.transitionObject(bucket: bucket, key: key, to: storageClass, ifMatch: etag)
    }
    public func deleteObjects(bucket: String, keys: [String]) async throws -> [String: ObjectStoreError] {
        try await inner.deleteObjects(bucket: bucket, keys: keys)
    }
    @discardableResult
    public func copyObject(_ request: ObjectCopyRequest) async throws -> ObjectInfo { try await inner.copyObject(request) }
    public func objectAttributes(bucket: String, key: String, versionId: String?) async throws -> ObjectAttributes {
        try await inner.objectAttributes(bucket: bucket, key: key, versionId: versionId)
    }
    public func createMultipartUpload(
        bucket: String, key: String, properties: ObjectProperties, storageClass: StorageClass
    ) async throws -> MultipartUpload {
        try await inner.createMultipartUpload(bucket: bucket, key: key, properties: properties, storageClass: storageClass)
    }
    @discardableResult
    public func uploadPart(bucket: String, key: String, uploadID: String, partNumber: Int, body: Data) async throws
        -> UploadedPart
    {
        try await inner.uploadPart(bucket: bucket, key: key, uploadID: uploadID, partNumber: partNumber, body: body)
    }
    @discardableResult
    public func uploadPartCopy(
        bucket: String, key: String, uploadID: String, partNumber: Int, source: ObjectCopySource, range: ClosedRange<Int64>?
    ) async throws -> UploadedPart {
        try await inner.uploadPartCopy(
            bucket: bucket, key: key, uploadID: uploadID, partNumber: partNumber, source: source, range: range)
    }
    @discardableResult
    public func completeMultipartUpload(bucket: String, key: String, uploadID: String, parts: [CompletedPart]) async throws
        -> ObjectInfo
    {
        try await inner.completeMultipartUpload(bucket: bucket, key: key, uploadID: uploadID, parts: parts)
    }
    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        try await inner.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
    }
    public func listParts(bucket: String, key: String, uploadID: String, after marker: Int, maxParts: Int) async throws
        -> PartListing
    {
        try await inner.listParts(bucket: bucket, key: key, uploadID: uploadID, after: marker, maxParts: maxParts)
    }
    public func listMultipartUploads(_ request: MultipartUploadListRequest) async throws -> MultipartUploadListing {
        try await inner.listMultipartUploads(request)
    }
}
