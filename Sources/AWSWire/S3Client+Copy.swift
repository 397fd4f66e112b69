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
    /// - Returns: the copy's ETag.
    /// - Throws: ``AWSError`` also when S3 answers 200 with an error document.
    @discardableResult
    public func copyObject(
        sourceBucket: String, sourceKey: String, bucket: String, key: String,
        metadataDirective: MetadataDirective = .copy, storageClass: String? = nil,
        serverSideEncryption: ServerSideEncryption? = nil
    ) async throws -> String? {
        var options = PutOptions(serverSideEncryption: serverSideEncryption, storageClass: storageClass)
        var headers = [("x-amz-copy-source", path(sourceBucket, sourceKey))]
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
