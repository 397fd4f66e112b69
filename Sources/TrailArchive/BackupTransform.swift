import Crypto
import Foundation
import TrailModel

/// What a backup does to the bytes it copies: recompression of gzip objects, client-side encryption.
///
/// - Recompression: an object whose bytes are gzip is decompressed (every member) and compressed
///   again as one member with libdeflate at ``recompressionLevel``; the result is kept only when it
///   is smaller. Its decompressed content is byte-identical (recorded as
///   ``BackupMetadata/contentSHA256``). Bytes that are not valid gzip are copied unchanged, with a warning.
/// - Encryption: the (possibly recompressed) bytes are sealed in a ``BackupEnvelope``.
///
/// A transformed copy records its source's ETag, size and SHA-256 in metadata (and, encrypted, in
/// the envelope's authenticated header), so that incremental runs recognise unchanged sources and
/// restores can check what they give back.
public struct BackupTransform: Sendable {
    /// libdeflate level (1–12) to recompress gzip objects at; `nil`: no recompression.
    public var recompressionLevel: Int?
    /// The key copies are encrypted with; `nil`: no encryption.
    public var encryption: BackupEncryptionKey?

    public init(recompressionLevel: Int? = nil, encryption: BackupEncryptionKey? = nil) {
        self.recompressionLevel = recompressionLevel
        self.encryption = encryption
    }

    /// Whether copies are the source's bytes.
    public var isIdentity: Bool { recompressionLevel == nil && encryption == nil }

    /// The bytes to store, the metadata describing them, and a warning for the report.
    public struct Output: Sendable {
        public var bytes: Data
        public var metadata: [String: String]
        public var warning: String?
    }

    /// Transforms one source object.
    public func apply(to body: Data, sourceETag: String) throws -> Output {
        var bytes = body
        var metadata: [String: String] = [:]
        var steps: [String] = []
        var contentSHA256: String?
        var warning: String?
        if let level = recompressionLevel, Gzip.isCompressed(body) {
            if let content = Gzip.decompress(body) {
                if let smaller = Gzip.compress(content, level: level), smaller.count < body.count {
                    bytes = smaller
                    contentSHA256 = SHA256.hash(data: content).hexString
                    metadata[BackupMetadata.contentSHA256] = contentSHA256
                    steps.append("recompressed")
                }
            } else {
                warning = "not valid gzip: copied without recompression"
            }
        }
        let sourceSHA256 = SHA256.hash(data: body).hexString
        if let key = encryption {
            let header = BackupEnvelope.Header(
                keyID: key.id, sourceETag: sourceETag, sourceSize: Int64(body.count), sourceSHA256: sourceSHA256,
                recompressedContentSHA256: contentSHA256)
            bytes = try BackupEnvelope.seal(bytes, header: header, key: key)
            metadata[BackupMetadata.keyID] = key.id
            steps.append("encrypted")
        }
        if !steps.isEmpty {
            metadata[BackupMetadata.transform] = steps.joined(separator: ",")
            metadata[BackupMetadata.sourceSize] = String(body.count)
            metadata[BackupMetadata.sourceSHA256] = sourceSHA256
        }
        return Output(bytes: bytes, metadata: metadata, warning: warning)
    }

    /// Checks bytes given back by a restore against what the envelope recorded: the source's
    /// SHA-256, or for recompressed content the SHA-256 of its decompressed bytes.
    static func verify(_ plaintext: Data, against header: BackupEnvelope.Header) throws {
        try verify(plaintext, sourceSHA256: header.sourceSHA256, contentSHA256: header.contentSHA256)
    }

    /// Checks restored bytes: equal to the source (`sourceSHA256`), or — recompressed — a gzip whose
    /// content has `contentSHA256`.
    static func verify(_ bytes: Data, sourceSHA256: String?, contentSHA256: String?) throws {
        if let contentSHA256 {
            guard let content = Gzip.decompress(bytes) else {
                throw BackupVerificationError("the recompressed copy is not valid gzip")
            }
            guard SHA256.hash(data: content).hexString == contentSHA256 else {
                throw BackupVerificationError("its decompressed content differs from the source's (SHA-256)")
            }
        } else if let sourceSHA256 {
            guard SHA256.hash(data: bytes).hexString == sourceSHA256 else {
                throw BackupVerificationError("its bytes differ from the source's (SHA-256)")
            }
        }
    }
}
