import Foundation

extension S3Client {
    /// How S3 encrypts an object at rest.
    public enum ServerSideEncryption: Sendable, Hashable {
        /// S3-managed keys (`AES256`).
        case aes256
        /// KMS keys (`aws:kms`), with a key ID or ARN, or the account's default S3 key when nil.
        case kms(keyID: String?)

        var headers: [(String, String)] {
            switch self {
            case .aes256:
                return [("x-amz-server-side-encryption", "AES256")]
            case .kms(let keyID):
                return [("x-amz-server-side-encryption", "aws:kms")]
                    + (keyID.map { [("x-amz-server-side-encryption-aws-kms-key-id", $0)] } ?? [])
            }
        }
    }

    /// What is stored with an object besides its bytes.
    public struct PutOptions: Sendable, Hashable {
        /// The `Content-Type`.
        public var contentType: String?
        /// User metadata, sent as `x-amz-meta-<name>`.
        public var metadata: [String: String]
        /// Encryption at rest; the bucket's default when nil.
        public var serverSideEncryption: ServerSideEncryption?
        /// The storage class (`STANDARD`, `STANDARD_IA`, `GLACIER_IR`, `INTELLIGENT_TIERING`…); `STANDARD` when nil.
        public var storageClass: String?
        /// The object's tags, sent as `x-amz-tagging`.
        public var tags: [String: String]
        /// Object Lock retention mode of the new version (`COMPLIANCE`, `GOVERNANCE`), with ``objectLockRetainUntil``.
        public var objectLockMode: String?
        public var objectLockRetainUntil: Date?
        /// The new version's legal hold (ON when true, OFF when false).
        public var objectLockLegalHold: Bool?

        /// Options from their parts; all default to S3's defaults.
        public init(
            contentType: String? = nil,
            metadata: [String: String] = [:],
            serverSideEncryption: ServerSideEncryption? = nil,
            storageClass: String? = nil,
            tags: [String: String] = [:]
        ) {
            self.contentType = contentType
            self.metadata = metadata
            self.serverSideEncryption = serverSideEncryption
            self.storageClass = storageClass
            self.tags = tags
        }

        /// The request headers that carry the options.
        var headers: [(String, String)] {
            var headers: [(String, String)] = metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-\($0.key)", $0.value) }
            if let contentType { headers.append(("Content-Type", contentType)) }
            headers += serverSideEncryption?.headers ?? []
            if let storageClass { headers.append(("x-amz-storage-class", storageClass)) }
            if !tags.isEmpty { headers.append(("x-amz-tagging", S3Client.taggingHeader(tags))) }
            if let objectLockMode, let objectLockRetainUntil {
                headers.append(("x-amz-object-lock-mode", objectLockMode))
                headers.append(("x-amz-object-lock-retain-until-date", UTCTime.iso8601(objectLockRetainUntil)))
            }
            if let objectLockLegalHold { headers.append(("x-amz-object-lock-legal-hold", objectLockLegalHold ? "ON" : "OFF")) }
            return headers
        }
    }
}
