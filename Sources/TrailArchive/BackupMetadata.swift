/// The user metadata a backup copy carries (S3 `x-amz-meta-…`; a folder keeps it in
/// `.trailkeeper/meta/<key>.json` under its root).
public enum BackupMetadata {
    /// The source object's ETag when it was copied (its MD5 for single-part objects; a folder
    /// source's MD5): what incremental runs compare.
    public static let sourceETag = "trailkeeper-source-etag"
    /// The source object's size in bytes (transformed copies).
    public static let sourceSize = "trailkeeper-source-size"
    /// The SHA-256 of the source object's bytes (transformed copies).
    public static let sourceSHA256 = "trailkeeper-source-sha256"
    /// The SHA-256 of the bytes the destination holds (streamed copies).
    public static let sha256 = "trailkeeper-sha256"
    /// What was done to the bytes: `recompressed`, `encrypted` or `recompressed,encrypted`.
    public static let transform = "trailkeeper-transform"
    /// The SHA-256 of the decompressed content of a recompressed gzip object (the same before and after).
    public static let contentSHA256 = "trailkeeper-content-sha256"
    /// The identifier of the key an encrypted copy was sealed with (``BackupEncryptionKey/id``).
    public static let keyID = "trailkeeper-key-id"
}
