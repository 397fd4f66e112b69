import Crypto
import Foundation
import _CryptoExtras
import TrailModel

/// The RSA-2048 keys that sign digests: one current key per region, rotated on a schedule, every
/// key ever used kept (validate-logs needs old keys for old digests).
///
/// Keys live in `DIR/signing-keys/<fingerprint>.json` (mode 0600, directory 0700).
public actor SigningKeyRing {
    /// A key with its validity window.
    public struct Key: Sendable {
        public var region: String
        /// Lowercase hex MD5 of ``publicKeyDER``.
        public var fingerprint: String
        /// PKCS#1 `RSAPublicKey` DER, as ListPublicKeys serves it.
        public var publicKeyDER: Data
        public var validityStart: Int64
        public var validityEnd: Int64
        let privateKey: _RSA.Signing.PrivateKey

        /// Hex signature (RSA PKCS#1 v1.5, SHA-256) of `text`'s UTF-8 bytes.
        public func sign(_ text: String) throws -> String {
            let signature = try privateKey.signature(for: SHA256.hash(data: Data(text.utf8)), padding: .insecurePKCS1v1_5)
            return Hex.encode(signature.rawRepresentation)
        }
    }

    /// A key's public description (ListPublicKeys).
    public struct PublicKey: Sendable, Hashable {
        public var region: String
        public var fingerprint: String
        public var der: Data
        public var validityStart: Int64
        public var validityEnd: Int64
    }

    private struct Stored: Codable {
        var region: String
        var fingerprint: String
        var publicKey: String
        var privateKey: String
        var validityStartTime: Int64
        var validityEndTime: Int64
    }

    let directory: String
    /// How long a key signs before a new one replaces it (seconds).
    let rotation: Int64
    private var keys: [Key] = []

    public init(directory: String, rotation: Int64 = 30 * 86400) throws {
        self.directory = directory
        self.rotation = max(60, rotation)
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var loaded: [Key] = []
        for name in try fm.contentsOfDirectory(atPath: directory) where name.hasSuffix(".json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            let s = try JSONDecoder().decode(Stored.self, from: data)
            let privateKey = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: s.privateKey)
            guard let der = Data(base64Encoded: s.publicKey) else { continue }
            loaded.append(
                Key(
                    region: s.region, fingerprint: s.fingerprint, publicKeyDER: der, validityStart: s.validityStartTime,
                    validityEnd: s.validityEndTime, privateKey: privateKey))
        }
        keys = loaded.sorted { $0.validityStart < $1.validityStart }
    }

    /// MD5 fingerprint (lowercase hex) of a DER public key.
    public static func fingerprint(of der: Data) -> String {
        Hex.encode(Insecure.MD5.hash(data: der))
    }

    /// The key that signs in `region` at `time`, generating (and storing) one when none is valid.
    public func currentKey(region: String, at time: Int64) throws -> Key {
        if let key = keys.last(where: { $0.region == region && $0.validityStart <= time && time < $0.validityEnd }) {
            return key
        }
        let privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let der = privateKey.publicKey.pkcs1DERRepresentation
        let key = Key(
            region: region, fingerprint: Self.fingerprint(of: der), publicKeyDER: der, validityStart: time,
            validityEnd: time + rotation, privateKey: privateKey)
        let stored = Stored(
            region: region, fingerprint: key.fingerprint, publicKey: der.base64EncodedString(),
            privateKey: privateKey.pemRepresentation, validityStartTime: key.validityStart, validityEndTime: key.validityEnd)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = directory + "/" + key.fingerprint + ".json"
        let temporary = path + ".tmp"
        let fm = FileManager.default
        guard fm.createFile(atPath: temporary, contents: try encoder.encode(stored), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        let fd = open(temporary, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        let dirfd = open(directory, O_RDONLY)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
        keys.append(key)
        return key
    }

    /// The key with this fingerprint.
    public func key(fingerprint: String) -> Key? {
        keys.first { $0.fingerprint == fingerprint }
    }

    /// Keys of `region` whose validity overlaps `[start, end]`, oldest first.
    public func publicKeys(region: String, from start: Int64?, to end: Int64?) -> [PublicKey] {
        keys.filter { k in
            k.region == region && (end.map { k.validityStart <= $0 } ?? true) && (start.map { k.validityEnd >= $0 } ?? true)
        }.map {
            PublicKey(region: $0.region, fingerprint: $0.fingerprint, der: $0.publicKeyDER, validityStart: $0.validityStart, validityEnd: $0.validityEnd)
        }
    }
}
