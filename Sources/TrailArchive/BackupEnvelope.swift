import Crypto
import Foundation

/// The format of an encrypted backup copy: an authenticated header naming the source, then the
/// AES-256-GCM ciphertext of the (possibly recompressed) source bytes.
///
/// ```
/// offset 0       8 bytes   magic "TKBKENC" + version 0x01
/// offset 8       4 bytes   N, the header's length, big-endian (at most 65536)
/// offset 12      N bytes   header: JSON, UTF-8, sorted keys (see ``Header``)
/// offset 12+N    12 bytes  nonce (random)
/// offset 24+N    …         ciphertext (as long as the plaintext)
/// last 16 bytes            GCM tag
/// ```
///
/// The additional authenticated data is the first 12 + N bytes, so the header cannot be changed
/// without the tag failing.
public struct BackupEnvelope: Sendable {
    public static let magic = Data("TKBKENC".utf8) + Data([1])

    /// What the envelope says about its content.
    public struct Header: Sendable, Hashable, Codable {
        /// Always `AES-256-GCM`.
        public var alg: String
        /// ``BackupEncryptionKey/id`` of the sealing key.
        public var keyID: String
        /// The source object's ETag, size and SHA-256.
        public var sourceETag: String
        public var sourceSize: Int64
        public var sourceSHA256: String
        /// `original` (the plaintext is the source's bytes) or `recompressed` (a gzip whose
        /// decompressed content has ``contentSHA256``).
        public var content: String
        public var contentSHA256: String?

        public init(
            keyID: String, sourceETag: String, sourceSize: Int64, sourceSHA256: String, recompressedContentSHA256: String?
        ) {
            alg = "AES-256-GCM"
            self.keyID = keyID
            self.sourceETag = sourceETag
            self.sourceSize = sourceSize
            self.sourceSHA256 = sourceSHA256
            content = recompressedContentSHA256 == nil ? "original" : "recompressed"
            contentSHA256 = recompressedContentSHA256
        }
    }

    /// Whether `data` starts like an envelope.
    public static func isEnvelope(_ data: Data) -> Bool {
        data.count >= magic.count && data.prefix(magic.count) == magic
    }

    /// Encrypts `plaintext` under `key` with `header`.
    public static func seal(_ plaintext: Data, header: Header, key: BackupEncryptionKey) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(header)
        var prefix = magic
        withUnsafeBytes(of: UInt32(json.count).bigEndian) { prefix.append(contentsOf: $0) }
        prefix.append(json)
        let box = try AES.GCM.seal(plaintext, using: key.key, nonce: AES.GCM.Nonce(), authenticating: prefix)
        var out = prefix
        out.reserveCapacity(prefix.count + 12 + plaintext.count + 16)
        out.append(contentsOf: box.nonce)
        out.append(box.ciphertext)
        out.append(box.tag)
        return out
    }

    /// Reads the header without decrypting.
    public static func header(of data: Data) throws -> Header {
        try parts(data).header
    }

    /// Decrypts and checks the plaintext against the header's source SHA-256 (or, for recompressed
    /// content, the decompressed content's SHA-256).
    public static func open(_ data: Data, key: BackupEncryptionKey) throws -> (plaintext: Data, header: Header) {
        let (header, prefixLength) = try parts(data)
        guard header.keyID == key.id else { throw BackupEncryptionError.wrongKey(expected: key.id, found: header.keyID) }
        let body = data.dropFirst(prefixLength)
        guard body.count >= 28 else { throw BackupEncryptionError.malformedEnvelope("too short") }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: body.prefix(12)), ciphertext: body.dropFirst(12).dropLast(16),
                tag: body.suffix(16))
            plaintext = try AES.GCM.open(box, using: key.key, authenticating: data.prefix(prefixLength))
        } catch {
            throw BackupEncryptionError.authenticationFailed
        }
        try BackupTransform.verify(plaintext, against: header)
        return (plaintext, header)
    }

    static func parts(_ data: Data) throws -> (header: Header, prefixLength: Int) {
        guard isEnvelope(data), data.count >= 12 else { throw BackupEncryptionError.malformedEnvelope("no TKBKENC header") }
        let s = data.startIndex
        let length = data[(s + 8)..<(s + 12)].reduce(0) { $0 << 8 | Int($1) }
        guard length <= 65_536, data.count >= 12 + length else {
            throw BackupEncryptionError.malformedEnvelope("header length \(length)")
        }
        do {
            let header = try JSONDecoder().decode(Header.self, from: data[(s + 12)..<(s + 12 + length)])
            guard header.alg == "AES-256-GCM" else { throw BackupEncryptionError.malformedEnvelope("algorithm \(header.alg)") }
            return (header, 12 + length)
        } catch let error as BackupEncryptionError {
            throw error
        } catch {
            throw BackupEncryptionError.malformedEnvelope("unreadable header")
        }
    }
}
