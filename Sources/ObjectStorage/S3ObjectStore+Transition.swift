import AWSWire
import Foundation

extension S3ObjectStore {
    /// The user metadata entry in which a transition keeps the object's Last-Modified from before
    /// it was first transitioned (ISO 8601): S3's copy gives the object a new Last-Modified, while a
    /// lifecycle transition keeps the object's age.
    public static let originalLastModifiedKey = "trailkeeper-last-modified"

    /// A copy of the object onto itself with the new storage class (`x-amz-storage-class`), its
    /// content type, user metadata and encryption kept, only while it still has the ETag it had
    /// when read (`x-amz-copy-source-if-match`); UploadPartCopy above 5 GB.
    ///
    /// The returned description has the object's Last-Modified from before the copy (also kept in
    /// the metadata entry ``originalLastModifiedKey``). S3 refuses to copy an archived
    /// (`GLACIER`, `DEEP_ARCHIVE`) object that is not restored: ``ObjectStoreError/invalidObjectState(_:)``.
    @discardableResult
    public func transitionObject(bucket: String, key: String, to storageClass: StorageClass, ifMatch etag: String?)
        async throws -> ObjectInfo
    {
        let head = try await translating(bucket: bucket, key: key) { try await client.headObject(bucket: bucket, key: key) }
        var info = Self.info(key: key, head: head)
        if let etag, info.etag != etag { throw ObjectStoreError.preconditionFailed }
        if info.storageClass == storageClass.rawValue { return info }
        var metadata = info.metadata
        if metadata[Self.originalLastModifiedKey] == nil {
            metadata[Self.originalLastModifiedKey] = UTCTime.iso8601(info.lastModified)
        }
        let encryption: S3Client.ServerSideEncryption? =
            switch head.serverSideEncryption {
            case "AES256": .aes256
            case let kms? where kms.hasPrefix("aws:kms"): .kms(keyID: head.sseKMSKeyID)
            default: nil
            }
        try await translating(bucket: bucket, key: key) {
            if info.size > 5 << 30 {
                try await client.copyObjectMultipart(
                    sourceBucket: bucket, sourceKey: key, bucket: bucket, key: key,
                    options: S3Client.PutOptions(
                        contentType: info.contentType, metadata: metadata, serverSideEncryption: encryption,
                        storageClass: storageClass.rawValue), concurrency: configuration.concurrency)
            } else {
                try await client.copyObject(
                    sourceBucket: bucket, sourceKey: key, bucket: bucket, key: key,
                    metadataDirective: .replace(contentType: info.contentType, metadata: metadata),
                    storageClass: storageClass.rawValue, serverSideEncryption: encryption, sourceIfMatch: info.etag)
            }
        }
        if let original = metadata[Self.originalLastModifiedKey].flatMap(UTCTime.parseISO8601) { info.lastModified = original }
        info.metadata = metadata
        info.storageClass = storageClass.rawValue
        return info
    }
}
