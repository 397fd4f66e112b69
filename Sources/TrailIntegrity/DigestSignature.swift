import Crypto
import Foundation
import _CryptoExtras

/// Verifies a digest's RSA signature the way the CLI's `Sha256RSADigestValidator` decides it,
/// with swift-crypto doing the RSA arithmetic.
///
/// The CLI loads the key with `rsa.PublicKey.load_pkcs1(der, 'DER')` (pyasn1), so only a PKCS#1
/// `RSAPublicKey` loads: an X.509 SubjectPublicKeyInfo, which swift-crypto would also accept, is
/// refused first by ``PKCS1PublicKey``. python-rsa reduces the signature modulo n before
/// exponentiation and requires it to be exactly as long as the modulus; it finds the hash
/// algorithm in the decrypted block. This type does the same (trying SHA-256, then SHA-1, SHA-384,
/// SHA-512). It differs from python-rsa for MD5 and SHA-224 signatures and for keys
/// swift-crypto refuses (under 1024 bits, or an exponent BoringSSL rejects); those do not verify.
struct DigestSignature: Sendable {
    /// The signature bytes (unhexlified from the `signature` metadata).
    var bytes: [UInt8]

    /// Whether the signature is valid for `message` under `key`.
    func isValid(for message: [UInt8], using key: PKCS1PublicKey) -> Bool {
        let modulus = key.modulus
        guard bytes.count == modulus.count else { return false }
        var s = bytes
        // python-rsa computes pow(s, e, n): s ≥ n is reduced rather than refused.
        while BigBytes.compare(s, modulus) >= 0 { s = BigBytes.subtract(s, modulus) }
        guard let publicKey = key.signingKey else { return false }
        let signature = _RSA.Signing.RSASignature(rawRepresentation: s)
        return publicKey.isValidSignature(signature, for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5)
            || publicKey.isValidSignature(
                signature,
                for: Insecure.SHA1.hash(data: message),
                padding: .insecurePKCS1v1_5
            )
            || publicKey.isValidSignature(signature, for: SHA384.hash(data: message), padding: .insecurePKCS1v1_5)
            || publicKey.isValidSignature(signature, for: SHA512.hash(data: message), padding: .insecurePKCS1v1_5)
    }
}

/// A PKCS#1 `RSAPublicKey` (`SEQUENCE { modulus INTEGER, publicExponent INTEGER }`), parsed with
/// the leniency of pyasn1's DER decoder: long-form lengths are read, bytes after the sequence are
/// ignored, an indefinite length or a third component is refused.
struct PKCS1PublicKey: Sendable {
    /// The modulus, big-endian, without leading zero bytes.
    var modulus: [UInt8]
    /// The public exponent, big-endian, without leading zero bytes.
    var exponent: [UInt8]
    /// The key as swift-crypto holds it, or `nil` when swift-crypto refuses it.
    let signingKey: _RSA.Signing.PublicKey?

    /// Parses DER bytes; `nil` when pyasn1 would raise (the CLI's "Unable to load PKCS #1 key").
    init?(der: [UInt8]) {
        var reader = DERReader(bytes: der)
        guard let sequence = reader.element(tag: 0x30) else { return nil }
        var inner = DERReader(bytes: Array(sequence))
        guard let n = inner.element(tag: 0x02), let e = inner.element(tag: 0x02), inner.isAtEnd,
            let modulus = Self.unsigned(n), let exponent = Self.unsigned(e), !modulus.isEmpty
        else { return nil }
        self.modulus = modulus
        self.exponent = exponent
        signingKey = try? _RSA.Signing.PublicKey(
            unsafeDERRepresentation: Self.encode(modulus: modulus, exponent: exponent)
        )
    }

    /// The magnitude of a non-negative DER INTEGER; `nil` for a negative or empty one.
    private static func unsigned(_ content: ArraySlice<UInt8>) -> [UInt8]? {
        guard let first = content.first, first & 0x80 == 0 else { return nil }
        return Array(content.drop { $0 == 0 })
    }

    /// Canonical PKCS#1 DER for `(n, e)`.
    static func encode(modulus: [UInt8], exponent: [UInt8]) -> [UInt8] {
        func integer(_ magnitude: [UInt8]) -> [UInt8] {
            let body = magnitude.isEmpty ? [0] : (magnitude[0] & 0x80 != 0 ? [0] + magnitude : magnitude)
            return [0x02] + length(body.count) + body
        }
        func length(_ n: Int) -> [UInt8] {
            if n < 0x80 { return [UInt8(n)] }
            var bytes: [UInt8] = []
            var v = n
            while v > 0 {
                bytes.insert(UInt8(v & 0xFF), at: 0)
                v >>= 8
            }
            return [0x80 | UInt8(bytes.count)] + bytes
        }
        let body = integer(modulus) + integer(exponent)
        return [0x30] + length(body.count) + body
    }
}

/// Reads tag-length-value elements.
private struct DERReader {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }

    /// The content of the next element if it has `tag` and a definite length that fits.
    mutating func element(tag: UInt8) -> ArraySlice<UInt8>? {
        guard index + 2 <= bytes.count, bytes[index] == tag else { return nil }
        var i = index + 1
        let first = bytes[i]
        i += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count > 0, count <= 8, i + count <= bytes.count else { return nil }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[i])
                i += 1
            }
            guard length >= 0 else { return nil }
        }
        guard length <= bytes.count - i else { return nil }
        index = i + length
        return bytes[i..<(i + length)]
    }
}

/// Unsigned big-endian integers as byte arrays: the little arithmetic the signature checks and
/// messages need.
enum BigBytes {
    /// Compares two magnitudes (leading zeros allowed).
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let a = a.drop { $0 == 0 }, b = b.drop { $0 == 0 }
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return 0
    }

    /// `a - b` for `a ≥ b`, keeping `a`'s length.
    static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result = a
        var borrow = 0
        var j = b.count - 1
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            var v = Int(a[i]) - borrow - (j >= 0 ? Int(b[j]) : 0)
            j -= 1
            borrow = v < 0 ? 1 : 0
            if v < 0 { v += 256 }
            result[i] = UInt8(v)
        }
        return result
    }
}
