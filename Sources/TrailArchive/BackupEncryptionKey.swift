import Crypto
import Foundation

/// A 256-bit key for client-side encryption of backup copies (AES-256-GCM).
///
/// The key file holds 32 raw bytes, or the same 32 bytes as 64 hex digits or as base64 (surrounding
/// whitespace is ignored): `head -c 32 /dev/urandom > backup.key` or `openssl rand -hex 32 > backup.key`.
public struct BackupEncryptionKey: Sendable {
    let key: SymmetricKey
    /// A public name for the key: the first 16 hex digits of SHA-256("trailkeeper backup key v1" ‖ key).
    /// Envelopes and metadata carry it, so that a wrong key is named as such.
    public let id: String

    /// A key from its 32 bytes.
    public init(bytes: Data) throws {
        guard bytes.count == 32 else { throw BackupEncryptionError.invalidKey("a key is 32 bytes, not \(bytes.count)") }
        key = SymmetricKey(data: bytes)
        var hasher = SHA256()
        hasher.update(data: Data("trailkeeper backup key v1".utf8))
        hasher.update(data: bytes)
        id = String(hasher.finalize().hexString.prefix(16))
    }

    /// Reads a key file (raw, hex or base64).
    public init(contentsOfFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BackupEncryptionError.invalidKey("cannot read the key file \(path)")
        }
        try self.init(fileContents: data)
    }

    /// A key from the contents of a key file (raw, hex or base64).
    public init(fileContents data: Data) throws {
        if data.count == 32 {
            try self.init(bytes: data)
            return
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count == 64, let bytes = Self.hexBytes(text) {
            try self.init(bytes: bytes)
        } else if let bytes = Data(base64Encoded: text), bytes.count == 32 {
            try self.init(bytes: bytes)
        } else {
            throw BackupEncryptionError.invalidKey("a key file holds 32 bytes: raw, as 64 hex digits or as base64")
        }
    }

    static func hexBytes(_ text: String) -> Data? {
        var bytes = Data()
        var high: UInt8?
        for character in text {
            guard let nibble = character.hexDigitValue else { return nil }
            if let h = high {
                bytes.append(h << 4 | UInt8(nibble))
                high = nil
            } else {
                high = UInt8(nibble)
            }
        }
        return high == nil ? bytes : nil
    }
}

/// Why an encrypted copy cannot be made or opened.
public enum BackupEncryptionError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidKey(String)
    /// Not an envelope, or a damaged one.
    case malformedEnvelope(String)
    /// The envelope was sealed with another key (its ID).
    case wrongKey(expected: String, found: String)
    /// The authentication tag does not match: the bytes or the header were changed.
    case authenticationFailed

    public var description: String {
        switch self {
        case .invalidKey(let reason): "invalid encryption key: \(reason)"
        case .malformedEnvelope(let reason): "not a valid encrypted backup: \(reason)"
        case .wrongKey(let expected, let found): "encrypted with key \(found), not with the given key \(expected)"
        case .authenticationFailed: "the encrypted copy was altered (AES-GCM authentication failed)"
        }
    }
}
