import Crypto
import Foundation
import NIOHTTP1

extension S3Client {
    /// What a copy does with the source's content type and user metadata.
    public enum MetadataDirective: Sendable, Hashable {
        /// Keep the source's (`COPY`).
        case copy
        /// Replace them (`REPLACE`).
        case replace(contentType: String?, metadata: [String: String])
    }

    /// Copies an object inside S3, without its bytes passing through the client (`CopyObject`,
    /// objects up to 5 GB).
    ///
    /// - Parameters:
    ///   - metadataDirective: keep or replace the content type and user metadata.
    ///   - storageClass: the copy's storage class (`STANDARD` when nil).
    ///   - serverSideEncryption: the copy's encryption (the bucket's default when nil).
    ///   - tags: the copy's tags (`x-amz-tagging-directive: REPLACE`); nil copies the source's.
    ///   - sourceIfMatch: copy only while the source has this ETag (`x-amz-copy-source-if-match`;
    ///     S3 answers 412 `PreconditionFailed` otherwise).
    ///   - sourceVersionId: the source's version to copy (its latest when nil).
    ///   - lock: the copy's Object Lock headers (`objectLock*` of ``PutOptions``).
    /// - Returns: the copy's ETag.
    /// - Throws: ``AWSError`` also when S3 answers 200 with an error document.
    @discardableResult
    public func copyObject(
        sourceBucket: String, sourceKey: String, bucket: String, key: String,
        metadataDirective: MetadataDirective = .copy, storageClass: String? = nil,
        serverSideEncryption: ServerSideEncryption? = nil, tags: [String: String]? = nil, sourceIfMatch: String? = nil,
        sourceVersionId: String? = nil, lock: PutOptions? = nil
    ) async throws -> String? {
        var options = PutOptions(serverSideEncryption: serverSideEncryption, storageClass: storageClass, tags: tags ?? [:])
        if let lock {
            options.objectLockMode = lock.objectLockMode
            options.objectLockRetainUntil = lock.objectLockRetainUntil
            options.objectLockLegalHold = lock.objectLockLegalHold
        }
        let source = path(sourceBucket, sourceKey) + (sourceVersionId.map { "?versionId=" + SigV4.encode($0) } ?? "")
        var headers = [("x-amz-copy-source", source)]
        if tags != nil { headers.append(("x-amz-tagging-directive", "REPLACE")) }
        if let sourceIfMatch { headers.append(("x-amz-copy-source-if-match", "\"\(sourceIfMatch)\"")) }
        switch metadataDirective {
        case .copy:
            headers.append(("x-amz-metadata-directive", "COPY"))
        case .replace(let contentType, let metadata):
            headers.append(("x-amz-metadata-directive", "REPLACE"))
            options.contentType = contentType
            options.metadata = metadata
        }
        let response = try await send(.PUT, path(bucket, key), headers: headers + options.headers)
        return try Self.resultETag(response, expecting: "CopyObjectResult")
    }

    /// A key that ``deleteObjects(bucket:keys:)`` could not delete.
    public struct DeleteFailure: Sendable, Hashable {
        /// The key.
        public var key: String
        /// S3's error code (`AccessDenied`…).
        public var code: String
        /// S3's message.
        public var message: String
    }

    /// Deletes up to 1000 keys in one request (`DeleteObjects`, quiet mode).
    ///
    /// - Returns: the keys that could not be deleted (missing keys count as deleted, as in S3).
    @discardableResult
    public func deleteObjects(bucket: String, keys: [String]) async throws -> [DeleteFailure] {
        guard !keys.isEmpty else { return [] }
        var xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
        for key in keys { xml += "<Object><Key>\(Self.xmlEscaped(key))</Key></Object>" }
        xml += "</Delete>"
        let body = Data(xml.utf8)
        let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
        let response = try await send(
            .POST, path(bucket), query: [("delete", "")],
            headers: [("Content-Type", "application/xml"), ("Content-MD5", md5)], body: body)
        guard let root = try? XMLTree.parse(response.body), root.name == "DeleteResult" else {
            throw AWSError(code: "MalformedResponse", message: "not a DeleteResult document", status: response.status)
        }
        return root.children("Error").map { error in
            DeleteFailure(
                key: error.child("Key")?.text ?? "", code: error.child("Code")?.text ?? "",
                message: error.child("Message")?.text ?? "")
        }
    }
}

extension S3Client {
    /// Copies the bytes `range` (inclusive; the whole object when nil) of an object into part
    /// `number` of an upload (`UploadPartCopy`).
    ///
    /// - Parameter sourceIfMatch: copy only while the source has this ETag (unquoted).
    /// - Returns: the part's ETag.
    public func uploadPartCopy(
        sourceBucket: String, sourceKey: String, range: ClosedRange<Int64>?, bucket: String, key: String,
        uploadID: String, number: Int, sourceIfMatch: String? = nil, sourceVersionId: String? = nil
    ) async throws -> String {
        let source = path(sourceBucket, sourceKey) + (sourceVersionId.map { "?versionId=" + SigV4.encode($0) } ?? "")
        var headers = [("x-amz-copy-source", source)]
        if let range { headers.append(("x-amz-copy-source-range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        if let sourceIfMatch { headers.append(("x-amz-copy-source-if-match", "\"\(sourceIfMatch)\"")) }
        let response = try await send(
            .PUT, path(bucket, key), query: [("partNumber", String(number)), ("uploadId", uploadID)], headers: headers)
        guard let eTag = try Self.resultETag(response, expecting: "CopyPartResult") else {
            throw AWSError(code: "MalformedResponse", message: "UploadPartCopy answered without an ETag", status: 200)
        }
        return eTag
    }

    /// Copies an object of any size inside S3 with `UploadPartCopy` (needed above 5 GB), `partSize`
    /// bytes per part, `concurrency` parts at a time; aborted on failure.
    ///
    /// - Parameter options: the copy's content type, metadata, encryption and storage class; nil
    ///   keeps the source's content type and user metadata (as `COPY` does).
    /// - Returns: the copy's ETag.
    @discardableResult
    public func copyObjectMultipart(
        sourceBucket: String, sourceKey: String, bucket: String, key: String, options: PutOptions? = nil,
        partSize: Int = 512 * 1024 * 1024, concurrency: Int = 4
    ) async throws -> String? {
        let source = try await headObject(bucket: sourceBucket, key: sourceKey)
        let size = source.contentLength
        var partSize = Int64(max(partSize, Self.minimumPartSize))
        while size > partSize * 10_000 { partSize *= 2 }
        let partCount = max(1, Int((size + partSize - 1) / partSize))
        let uploadID = try await createMultipartUpload(
            bucket: bucket, key: key,
            options: options ?? PutOptions(contentType: source.contentType, metadata: source.metadata))
        do {
            let parts = try await withThrowingTaskGroup(of: CompletedPart.self) { group in
                var next = 0
                var parts: [CompletedPart] = []
                func addPart() {
                    let number = next + 1
                    let first = Int64(next) * partSize
                    let range = first...max(first, min(size, first + partSize) - 1)
                    next += 1
                    group.addTask {
                        let eTag = try await uploadPartCopy(
                            sourceBucket: sourceBucket, sourceKey: sourceKey, range: range, bucket: bucket, key: key,
                            uploadID: uploadID, number: number)
                        return CompletedPart(number: number, eTag: eTag)
                    }
                }
                while next < min(max(1, concurrency), partCount) { addPart() }
                for try await part in group {
                    parts.append(part)
                    if next < partCount { addPart() }
                }
                return parts
            }
            return try await completeMultipartUpload(bucket: bucket, key: key, uploadID: uploadID, parts: parts)
        } catch {
            try? await abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
            throw error
        }
    }
}
