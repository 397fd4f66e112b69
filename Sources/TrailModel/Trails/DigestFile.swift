import Crypto
import Foundation

/// A log file as a digest lists it.
public struct DigestLogFile: Sendable, Hashable, Codable {
    public var bucket: String
    public var key: String
    /// Lowercase hex SHA-256 of the uncompressed content.
    public var sha256: String
    public var newestEventTime: Int64
    public var oldestEventTime: Int64

    public init(bucket: String, key: String, sha256: String, newestEventTime: Int64, oldestEventTime: Int64) {
        self.bucket = bucket
        self.key = key
        self.sha256 = sha256
        self.newestEventTime = newestEventTime
        self.oldestEventTime = oldestEventTime
    }
}

/// The link a digest keeps to its predecessor.
public struct DigestLink: Sendable, Hashable, Codable {
    public var bucket: String
    public var key: String
    /// Lowercase hex SHA-256 of the previous digest's uncompressed bytes.
    public var sha256: String
    /// The previous digest's hex signature.
    public var signature: String

    public init(bucket: String, key: String, sha256: String, signature: String) {
        self.bucket = bucket
        self.key = key
        self.sha256 = sha256
        self.signature = signature
    }
}

/// A CloudTrail digest file (spec §3.2), serialized exactly once into compact JSON in AWS's field order.
public struct DigestFile: Sendable, Hashable {
    public var accountID: String
    public var startTime: Int64
    public var endTime: Int64
    public var bucket: String
    public var key: String
    public var publicKeyFingerprint: String
    /// `nil` in a starting digest.
    public var previous: DigestLink?
    public var logFiles: [DigestLogFile]

    public init(
        accountID: String, startTime: Int64, endTime: Int64, bucket: String, key: String, publicKeyFingerprint: String,
        previous: DigestLink?, logFiles: [DigestLogFile]
    ) {
        self.accountID = accountID
        self.startTime = startTime
        self.endTime = endTime
        self.bucket = bucket
        self.key = key
        self.publicKeyFingerprint = publicKeyFingerprint
        self.previous = previous
        self.logFiles = logFiles
    }

    public static let signatureAlgorithm = "SHA256withRSA"
    public static let hashAlgorithm = "SHA-256"

    /// The digest's bytes: what is hashed, signed, gzipped and stored.
    public func jsonBytes() -> Data {
        var d = Data()
        d.reserveCapacity(700 + logFiles.count * 330)
        func s(_ text: String) { d.append(contentsOf: text.utf8) }
        func field(_ name: String, _ value: String?, last: Bool = false) {
            s("\"\(name)\":")
            if let value { JSONText.appendQuoted(Array(value.utf8), to: &d) } else { s("null") }
            if !last { s(",") }
        }
        s("{")
        field("awsAccountId", accountID)
        field("digestStartTime", EventTime.format(startTime))
        field("digestEndTime", EventTime.format(endTime))
        field("digestS3Bucket", bucket)
        field("digestS3Object", key)
        field("digestPublicKeyFingerprint", publicKeyFingerprint)
        field("digestSignatureAlgorithm", Self.signatureAlgorithm)
        field("newestEventTime", logFiles.map(\.newestEventTime).max().map(EventTime.format))
        field("oldestEventTime", logFiles.map(\.oldestEventTime).min().map(EventTime.format))
        field("previousDigestS3Bucket", previous?.bucket)
        field("previousDigestS3Object", previous?.key)
        field("previousDigestHashValue", previous?.sha256)
        field("previousDigestHashAlgorithm", previous == nil ? nil : Self.hashAlgorithm)
        field("previousDigestSignature", previous?.signature)
        s("\"logFiles\":[")
        for (i, f) in logFiles.enumerated() {
            if i > 0 { s(",") }
            s("{")
            field("s3Bucket", f.bucket)
            field("s3Object", f.key)
            field("hashValue", f.sha256)
            field("hashAlgorithm", Self.hashAlgorithm)
            field("newestEventTime", EventTime.format(f.newestEventTime))
            field("oldestEventTime", EventTime.format(f.oldestEventTime), last: true)
            s("}")
        }
        s("]}")
        return d
    }

    /// The four-line string a digest's signature covers (spec §3.4.1).
    public static func signingString(
        endTime: String, bucket: String, key: String, sha256Hex: String, previousSignature: String?
    ) -> String {
        "\(endTime)\n\(bucket)/\(key)\n\(sha256Hex)\n\(previousSignature ?? "null")"
    }
}

/// Lowercase hex of bytes.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> Data? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out = Data(capacity: chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = v(chars[i]), let lo = v(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Lowercase hex SHA-256 of `data`.
    public static func sha256(_ data: some DataProtocol) -> String {
        encode(SHA256.hash(data: data))
    }
}
