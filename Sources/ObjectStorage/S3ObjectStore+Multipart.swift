import AWSWire
import Foundation

// MARK: - Multipart uploads: S3's own, passed through

extension S3ObjectStore {
    public func createMultipartUpload(
        bucket: String, key: String, properties: ObjectProperties, storageClass: StorageClass
    ) async throws -> MultipartUpload {
        var options = S3Client.PutOptions(
            contentType: properties.contentType, metadata: properties.metadata,
            storageClass: storageClass == .standard ? nil : storageClass.rawValue,
            tags: properties.tags)
        options.objectLockMode = properties.lock.retention?.mode.rawValue
        options.objectLockRetainUntil = properties.lock.retention?.retainUntil
        options.objectLockLegalHold = properties.lock.legalHold
        let id = try await translating(bucket: bucket, key: key) {
            try await client.createMultipartUpload(bucket: bucket, key: key, options: options)
        }
        return MultipartUpload(uploadID: id, key: key, initiated: Date(), storageClass: storageClass.rawValue)
    }

    @discardableResult
    public func uploadPart(bucket: String, key: String, uploadID: String, partNumber: Int, body: Data) async throws
        -> UploadedPart
    {
        let eTag = try await translating(bucket: bucket, key: key, uploadID: uploadID) {
            try await client.uploadPart(bucket: bucket, key: key, uploadID: uploadID, number: partNumber, body: body)
        }
        return UploadedPart(partNumber: partNumber, etag: Self.unquoted(eTag), size: Int64(body.count), lastModified: Date())
    }

    /// S3's UploadPartCopy, after a HEAD of the source: it gives the part's size, and checks the
    /// source's ETag and the range before S3 does (S3 checks again; not every S3 API does).
    @discardableResult
    public func uploadPartCopy(
        bucket: String, key: String, uploadID: String, partNumber: Int, source: ObjectCopySource,
        range: ClosedRange<Int64>?
    ) async throws -> UploadedPart {
        let head = try await checkedSource(source)
        if let range, range.upperBound >= head.size { throw ObjectStoreError.invalidRange }
        let eTag = try await translating(bucket: bucket, key: key, uploadID: uploadID) {
            try await client.uploadPartCopy(
                sourceBucket: source.bucket, sourceKey: source.key, range: range, bucket: bucket, key: key,
                uploadID: uploadID, number: partNumber, sourceIfMatch: source.ifMatch.map { Self.unquoted($0) },
                sourceVersionId: source.versionId)
        }
        return UploadedPart(
            partNumber: partNumber, etag: Self.unquoted(eTag), size: range.map { Int64($0.count) } ?? head.size,
            lastModified: Date())
    }

    @discardableResult
    public func completeMultipartUpload(bucket: String, key: String, uploadID: String, parts: [CompletedPart])
        async throws -> ObjectInfo
    {
        let completed = parts.map { S3Client.CompletedPart(number: $0.partNumber, eTag: "\"\(Self.unquoted($0.etag))\"") }
        try await translating(bucket: bucket, key: key, uploadID: uploadID) {
            // The client sorts parts by number; S3's order check needs them as they were given.
            guard zip(parts, parts.dropFirst()).allSatisfy({ $0.partNumber < $1.partNumber }) else {
                throw ObjectStoreError.invalidPartOrder
            }
            try await client.completeMultipartUpload(bucket: bucket, key: key, uploadID: uploadID, parts: completed)
        }
        return try await headObject(bucket: bucket, key: key)
    }

    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        try await translating(bucket: bucket, key: key, uploadID: uploadID) {
            try await client.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
        }
    }

    public func listParts(bucket: String, key: String, uploadID: String, after marker: Int, maxParts: Int) async throws
        -> PartListing
    {
        let page = try await translating(bucket: bucket, key: key, uploadID: uploadID) {
            try await client.listParts(bucket: bucket, key: key, uploadID: uploadID, after: marker, maxParts: maxParts)
        }
        let parts = page.parts.map {
            UploadedPart(
                partNumber: $0.number, etag: Self.unquoted($0.eTag), size: $0.size,
                lastModified: $0.lastModified ?? Date(timeIntervalSince1970: 0))
        }
        return PartListing(parts: parts, isTruncated: page.isTruncated, storageClass: page.storageClass ?? "STANDARD")
    }

    public func listMultipartUploads(_ request: MultipartUploadListRequest) async throws -> MultipartUploadListing {
        let page = try await translating(bucket: request.bucket) {
            try await client.listMultipartUploads(
                bucket: request.bucket, prefix: request.prefix, delimiter: request.delimiter.flatMap { $0.isEmpty ? nil : $0 },
                keyMarker: request.keyMarker, uploadIDMarker: request.uploadIDMarker, maxUploads: request.maxUploads)
        }
        let uploads = page.uploads.map {
            MultipartUpload(
                uploadID: $0.uploadID, key: $0.key, initiated: $0.initiated ?? Date(timeIntervalSince1970: 0),
                storageClass: $0.storageClass ?? "STANDARD")
        }
        return MultipartUploadListing(
            uploads: uploads, commonPrefixes: page.commonPrefixes, isTruncated: page.isTruncated,
            nextKeyMarker: page.isTruncated ? page.nextKeyMarker : nil,
            nextUploadIDMarker: page.isTruncated ? page.nextUploadIDMarker : nil)
    }
}

// MARK: - Copies, batch deletes, attributes

extension S3ObjectStore {
    /// S3's CopyObject (the bytes stay in S3), then a HEAD of the copy for its description.
    @discardableResult
    public func copyObject(_ request: ObjectCopyRequest) async throws -> ObjectInfo {
        let source = request.source
        _ = try await checkedSource(source)
        var lockOptions = S3Client.PutOptions()
        lockOptions.objectLockMode = request.lock.retention?.mode.rawValue
        lockOptions.objectLockRetainUntil = request.lock.retention?.retainUntil
        lockOptions.objectLockLegalHold = request.lock.legalHold
        let directive: S3Client.MetadataDirective =
            request.replacement.map { .replace(contentType: $0.contentType, metadata: $0.metadata) } ?? .copy
        _ = try await translating(bucket: request.bucket, key: request.key) {
            try await client.copyObject(
                sourceBucket: source.bucket, sourceKey: source.key, bucket: request.bucket, key: request.key,
                metadataDirective: directive,
                storageClass: request.storageClass == .standard ? nil : request.storageClass.rawValue, tags: request.tags,
                sourceIfMatch: source.ifMatch.map { Self.unquoted($0) }, sourceVersionId: source.versionId, lock: lockOptions)
        }
        return try await headObject(bucket: request.bucket, key: request.key)
    }

    /// S3's DeleteObjects (quiet), 1000 keys a request.
    public func deleteObjects(bucket: String, keys: [String]) async throws -> [String: ObjectStoreError] {
        var failures: [String: ObjectStoreError] = [:]
        var start = 0
        while start < keys.count {
            let batch = Array(keys[start..<Swift.min(keys.count, start + 1000)])
            start += batch.count
            let failed = try await translating(bucket: bucket) { try await client.deleteObjects(bucket: bucket, keys: batch) }
            for failure in failed {
                let error = AWSError(code: failure.code, message: failure.message, status: 0)
                failures[failure.key] = Self.translate(error, bucket: bucket, key: failure.key)
            }
        }
        return failures
    }

    /// HEAD, then GetObjectAttributes for the parts. Not every S3 API answers GetObjectAttributes;
    /// the part count of a multipart ETag (`…-<count>`) stands in when it does not.
    public func objectAttributes(bucket: String, key: String, versionId: String?) async throws -> ObjectAttributes {
        let info = try await headObject(bucket: bucket, key: key, versionId: versionId)
        if let parts = try? await client.objectParts(bucket: bucket, key: key, versionId: versionId) {
            return ObjectAttributes(info: info, partCount: parts.count, partSizes: parts.sizes)
        }
        guard let dash = info.etag.lastIndex(of: "-"), let count = Int(info.etag[info.etag.index(after: dash)...]) else {
            return ObjectAttributes(info: info)
        }
        return ObjectAttributes(info: info, partCount: count)
    }

    /// The source's description, after checking its required ETag.
    func checkedSource(_ source: ObjectCopySource) async throws -> ObjectInfo {
        let head = try await headObject(bucket: source.bucket, key: source.key, versionId: source.versionId)
        if let ifMatch = source.ifMatch, Self.unquoted(ifMatch) != head.etag { throw ObjectStoreError.preconditionFailed }
        return head
    }
}
