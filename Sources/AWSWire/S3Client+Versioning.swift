import Crypto
import Foundation
import NIOHTTP1

extension S3Client {
    /// One version or delete marker of a `ListObjectVersions` page.
    public struct ObjectVersion: Sendable, Hashable {
        public var key: String
        /// The version ID (`null` for the null version).
        public var versionId: String
        public var isLatest: Bool
        public var isDeleteMarker: Bool
        /// The size in bytes (0 for delete markers).
        public var size: Int64
        /// The ETag with its quotes (empty for delete markers).
        public var eTag: String
        public var lastModified: Date?
        /// The storage class (nil for delete markers).
        public var storageClass: String?

        public init(
            key: String, versionId: String, isLatest: Bool, isDeleteMarker: Bool, size: Int64, eTag: String,
            lastModified: Date?, storageClass: String? = nil
        ) {
            self.key = key
            self.versionId = versionId
            self.isLatest = isLatest
            self.isDeleteMarker = isDeleteMarker
            self.size = size
            self.eTag = eTag
            self.lastModified = lastModified
            self.storageClass = storageClass
        }
    }

    /// One page of `ListObjectVersions`.
    public struct VersionPage: Sendable, Hashable {
        /// Versions and delete markers in the order S3 lists them: by key, newest first.
        public var versions: [ObjectVersion]
        public var commonPrefixes: [String]
        public var isTruncated: Bool
        public var nextKeyMarker: String?
        public var nextVersionIdMarker: String?

        /// Parses a `ListVersionsResult` document (keys URL-decoded when `EncodingType` is `url`).
        ///
        /// - Throws: ``AWSError`` (`MalformedResponse`) when `xml` is not one.
        public init(xml: Data) throws {
            guard let root = try? XMLTree.parse(xml), root.name == "ListVersionsResult" else {
                throw AWSError(code: "MalformedResponse", message: "not a ListVersionsResult document", status: 200)
            }
            let encoded = root.child("EncodingType")?.text.trimmingCharacters(in: .whitespaces).lowercased() == "url"
            func text(_ value: String) -> String {
                encoded ? String(decoding: SigV4.decode(Substring(value), plusAsSpace: true), as: UTF8.self) : value
            }
            // Versions and delete markers come interleaved, in listing order.
            versions = root.children.compactMap { element in
                guard element.name == "Version" || element.name == "DeleteMarker" else { return nil }
                return ObjectVersion(
                    key: text(element.child("Key")?.text ?? ""),
                    versionId: element.child("VersionId")?.text ?? "null",
                    isLatest: element.child("IsLatest")?.text.trimmingCharacters(in: .whitespaces).lowercased() == "true",
                    isDeleteMarker: element.name == "DeleteMarker",
                    size: element.child("Size").flatMap { Int64($0.text.trimmingCharacters(in: .whitespaces)) } ?? 0,
                    eTag: element.child("ETag")?.text ?? "",
                    lastModified: element.child("LastModified").flatMap { UTCTime.parseISO8601($0.text) },
                    storageClass: element.child("StorageClass")?.text)
            }
            commonPrefixes = root.children("CommonPrefixes").compactMap { $0.child("Prefix").map { text($0.text) } }
            isTruncated = root.child("IsTruncated")?.text.trimmingCharacters(in: .whitespaces).lowercased() == "true"
            nextKeyMarker = root.child("NextKeyMarker").map { text($0.text) }.flatMap { $0.isEmpty ? nil : $0 }
            nextVersionIdMarker = root.child("NextVersionIdMarker").map(\.text).flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// What a delete did (`x-amz-version-id`, `x-amz-delete-marker`).
    public struct DeleteResult: Sendable, Hashable {
        public var versionId: String?
        public var isDeleteMarker: Bool
    }

    /// The bucket's versioning `Status` (`Enabled`, `Suspended`), nil when never enabled.
    public func bucketVersioning(_ bucket: String) async throws -> String? {
        let body = try await send(.GET, path(bucket), query: [("versioning", "")]).body
        // moto names the document of a never-versioned bucket `GetBucketVersioningResponse`.
        guard let root = try? XMLTree.parse(body), root.name == "VersioningConfiguration" || root.name == "GetBucketVersioningResponse"
        else {
            throw AWSError(code: "MalformedResponse", message: "not a VersioningConfiguration document", status: 200)
        }
        return root.child("Status").map { $0.text.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Enables or suspends versioning (`PutBucketVersioning`, status `Enabled` or `Suspended`).
    public func putBucketVersioning(_ bucket: String, status: String) async throws {
        let xml =
            "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>\(Self.xmlEscaped(status))</Status></VersioningConfiguration>"
        _ = try await send(.PUT, path(bucket), query: [("versioning", "")], headers: Self.md5Header(xml), body: Data(xml.utf8))
    }

    /// One page of `ListObjectVersions` (keys asked for URL-encoded, as botocore does).
    public func listObjectVersions(
        bucket: String, prefix: String? = nil, delimiter: String? = nil, keyMarker: String? = nil,
        versionIdMarker: String? = nil, maxKeys: Int? = nil
    ) async throws -> VersionPage {
        var query = [("versions", ""), ("encoding-type", "url")]
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let keyMarker { query.append(("key-marker", keyMarker)) }
        if let maxKeys { query.append(("max-keys", String(maxKeys))) }
        if let prefix, !prefix.isEmpty { query.append(("prefix", prefix)) }
        if let versionIdMarker { query.append(("version-id-marker", versionIdMarker)) }
        return try VersionPage(xml: try await send(.GET, path(bucket), query: query).body)
    }

    /// Deletes an object (a delete marker when versioning is enabled), or with `versionId` one
    /// version; `bypassGovernanceRetention` sends `x-amz-bypass-governance-retention: true`.
    @discardableResult
    public func deleteObject(
        bucket: String, key: String, versionId: String?, bypassGovernanceRetention: Bool = false
    ) async throws -> DeleteResult {
        var headers: [(String, String)] = []
        if bypassGovernanceRetention { headers.append(("x-amz-bypass-governance-retention", "true")) }
        let response = try await send(
            .DELETE, path(bucket, key), query: versionId.map { [("versionId", $0)] } ?? [], headers: headers)
        return DeleteResult(
            versionId: response.headers.first(name: "x-amz-version-id"),
            isDeleteMarker: response.headers.first(name: "x-amz-delete-marker") == "true")
    }

    /// `Content-MD5` of a small XML body, which S3 requires for its Object Lock and versioning calls.
    static func md5Header(_ xml: String) -> [(String, String)] {
        [("Content-MD5", Data(Insecure.MD5.hash(data: Data(xml.utf8))).base64EncodedString()), ("Content-Type", "application/xml")]
    }
}
