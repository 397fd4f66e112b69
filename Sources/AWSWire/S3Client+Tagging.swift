import Crypto
import Foundation
import NIOHTTP1

// Object and bucket tagging, and the bucket's default encryption.
extension S3Client {
    /// The object's tags (`GetObjectTagging`); empty when it has none.
    public func objectTagging(bucket: String, key: String, versionId: String? = nil) async throws -> [String: String] {
        try Self.tagSet(try await send(.GET, path(bucket, key), query: Self.taggingQuery(versionId)).body)
    }

    /// Replaces the object's tags (`PutObjectTagging`), of version `versionId` when given.
    public func putObjectTagging(bucket: String, key: String, versionId: String? = nil, tags: [String: String]) async throws {
        try await sendTagging(.PUT, path(bucket, key), query: Self.taggingQuery(versionId), tags: tags)
    }

    /// Removes the object's tags (`DeleteObjectTagging`), of version `versionId` when given.
    public func deleteObjectTagging(bucket: String, key: String, versionId: String? = nil) async throws {
        _ = try await send(.DELETE, path(bucket, key), query: Self.taggingQuery(versionId))
    }

    static func taggingQuery(_ versionId: String?) -> [(String, String)] {
        [("tagging", "")] + (versionId.map { [("versionId", $0)] } ?? [])
    }

    /// The bucket's tags (`GetBucketTagging`); empty when it has none (S3's `NoSuchTagSet`).
    public func bucketTagging(_ bucket: String) async throws -> [String: String] {
        do {
            return try Self.tagSet(try await send(.GET, path(bucket), query: [("tagging", "")]).body)
        } catch let error as AWSError where error.code == "NoSuchTagSet" {
            return [:]
        }
    }

    /// Replaces the bucket's tags (`PutBucketTagging`).
    public func putBucketTagging(_ bucket: String, tags: [String: String]) async throws {
        try await sendTagging(.PUT, path(bucket), tags: tags)
    }

    /// Removes the bucket's tags (`DeleteBucketTagging`).
    public func deleteBucketTagging(_ bucket: String) async throws {
        _ = try await send(.DELETE, path(bucket), query: [("tagging", "")])
    }

    /// A bucket's default encryption rule, as `GetBucketEncryption` gives it.
    public struct EncryptionRule: Sendable, Hashable {
        /// `AES256`, `aws:kms` or `aws:kms:dsse`.
        public var algorithm: String
        /// The KMS key, when one is named.
        public var kmsKeyID: String?
        /// Whether S3 Bucket Keys are on.
        public var bucketKeyEnabled: Bool
    }

    /// The bucket's default encryption (`GetBucketEncryption`); nil when it has none
    /// (`ServerSideEncryptionConfigurationNotFoundError`).
    public func bucketEncryption(_ bucket: String) async throws -> EncryptionRule? {
        let body: Data
        do {
            body = try await send(.GET, path(bucket), query: [("encryption", "")]).body
        } catch let error as AWSError where error.code == "ServerSideEncryptionConfigurationNotFoundError" {
            return nil
        }
        guard let root = try? XMLTree.parse(body), root.name == "ServerSideEncryptionConfiguration" else {
            throw AWSError(code: "MalformedResponse", message: "not a ServerSideEncryptionConfiguration document", status: 200)
        }
        guard let rule = root.child("Rule"), let defaults = rule.child("ApplyServerSideEncryptionByDefault"),
            let algorithm = defaults.child("SSEAlgorithm")?.text
        else { return nil }
        return EncryptionRule(
            algorithm: algorithm, kmsKeyID: defaults.child("KMSMasterKeyID")?.text,
            bucketKeyEnabled: rule.child("BucketKeyEnabled")?.text == "true")
    }

    // MARK: plumbing

    func sendTagging(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [("tagging", "")], tags: [String: String]
    ) async throws {
        var xml = "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>"
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            xml += "<Tag><Key>\(Self.xmlEscaped(key))</Key><Value>\(Self.xmlEscaped(value))</Value></Tag>"
        }
        xml += "</TagSet></Tagging>"
        let body = Data(xml.utf8)
        let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
        _ = try await send(
            method, path, query: query, headers: [("Content-Type", "application/xml"), ("Content-MD5", md5)],
            body: body)
    }

    /// The tags of a `Tagging` document.
    static func tagSet(_ body: Data) throws -> [String: String] {
        guard let root = try? XMLTree.parse(body), root.name == "Tagging" else {
            throw AWSError(code: "MalformedResponse", message: "not a Tagging document", status: 200)
        }
        var tags: [String: String] = [:]
        for tag in root.child("TagSet")?.children("Tag") ?? [] {
            guard let key = tag.child("Key")?.text else { continue }
            tags[key] = tag.child("Value")?.text ?? ""
        }
        return tags
    }

    /// The `x-amz-tagging` form of tags: `key=value&…`, URL-encoded.
    static func taggingHeader(_ tags: [String: String]) -> String {
        tags.sorted { $0.key < $1.key }.map { SigV4.encode($0.key) + "=" + SigV4.encode($0.value) }.joined(separator: "&")
    }
}
