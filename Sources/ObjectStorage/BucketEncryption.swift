/// A bucket's default encryption at rest: the rule of S3's `ServerSideEncryptionConfiguration`.
public struct BucketEncryption: Sendable, Hashable {
    /// `AES256` (S3-managed keys), `aws:kms` or `aws:kms:dsse`.
    public var algorithm: String
    /// The KMS key of `aws:kms` encryption, when one is named.
    public var kmsKeyID: String?
    /// Whether S3 Bucket Keys are enabled for KMS encryption.
    public var bucketKeyEnabled: Bool

    public init(algorithm: String, kmsKeyID: String? = nil, bucketKeyEnabled: Bool = false) {
        self.algorithm = algorithm
        self.kmsKeyID = kmsKeyID
        self.bucketKeyEnabled = bucketKeyEnabled
    }
}
