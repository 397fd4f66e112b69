import Crypto
import Foundation

/// The chain of signatures of a body sent in signed chunks (S3's `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`
/// and `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`), on both sides: ``sign(chunk:)`` for a client,
/// ``verify(chunk:signature:)`` for a server.
///
/// The first chunk's signature chains from the *seed*, the request's own signature (computed with the
/// literal `STREAMING-…` value as its payload hash); each later chunk's from the one before. A chunk's
/// string to sign is `AWS4-HMAC-SHA256-PAYLOAD`, the timestamp, the credential scope, the previous
/// signature, the SHA-256 of the empty string and the SHA-256 of the chunk's bytes. The last chunk is
/// empty; with trailers, their signature chains from it: `AWS4-HMAC-SHA256-TRAILER`, the timestamp, the
/// scope, the previous signature and the SHA-256 of the trailer lines (`name:value\n` each).
///
/// The chain holds the request's signing key, which is derived from the secret for one day, region and
/// service; it is private, and the descriptions of this type never show it.
public struct SigV4ChunkSignatures: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    private let key: SymmetricKey
    /// The request's timestamp (`X-Amz-Date`'s basic format).
    public let amzDate: String
    /// The credential scope, `date/region/service/aws4_request`.
    public let scope: String
    /// Whether the body ends with signed trailers (`…-PAYLOAD-TRAILER`).
    public let hasTrailer: Bool
    /// The last signature of the chain: the seed at first, then the last chunk's (lowercase hex).
    public private(set) var previousSignature: String

    static let emptySHA256 = SigV4.sha256Hex(Data())

    init(key: SymmetricKey, amzDate: String, scope: String, seedSignature: String, hasTrailer: Bool) {
        self.key = key
        self.amzDate = amzDate
        self.scope = scope
        self.hasTrailer = hasTrailer
        self.previousSignature = seedSignature.asciiLowercased
    }

    /// A chain for signing chunks: `seedSignature` is the request's signature, made at `date` with
    /// the literal payload hash `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` (or `…-TRAILER`).
    public init(
        seedSignature: String, credentials: SigV4.Credentials, region: String, service: String, date: Date,
        hasTrailer: Bool = false
    ) {
        let amzDate = UTCTime.amzTimestamp(date)
        self.init(
            key: SigV4.signingKey(secret: credentials.secretAccessKey, date: amzDate.prefix(8), region: region, service: service),
            amzDate: amzDate, scope: SigV4.credentialScope(amzDate: amzDate, region: region, service: service),
            seedSignature: seedSignature, hasTrailer: hasTrailer)
    }

    // MARK: chunks

    /// Signs the next chunk (the last one is empty) and moves the chain on.
    public mutating func sign(chunk: some DataProtocol) -> String {
        let signature = SigV4.hex(HMAC<SHA256>.authenticationCode(for: Array(chunkStringToSign(chunk).utf8), using: key))
        previousSignature = signature
        return signature
    }

    /// Whether `signature` (hex) is the next chunk's; the chain moves on only when it is.
    public mutating func verify(chunk: some DataProtocol, signature: String) -> Bool {
        guard Self.check(signature, of: chunkStringToSign(chunk), key: key) else { return false }
        previousSignature = signature.asciiLowercased
        return true
    }

    func chunkStringToSign(_ chunk: some DataProtocol) -> String {
        "AWS4-HMAC-SHA256-PAYLOAD\n\(amzDate)\n\(scope)\n\(previousSignature)\n\(Self.emptySHA256)\n" + SigV4.sha256Hex(chunk)
    }

    // MARK: trailer

    /// Signs the trailer fields (after the empty last chunk); the value of `x-amz-trailer-signature`.
    public mutating func sign(trailer fields: [(name: String, value: String)]) -> String {
        let signature = SigV4.hex(HMAC<SHA256>.authenticationCode(for: Array(trailerStringToSign(fields).utf8), using: key))
        previousSignature = signature
        return signature
    }

    /// Whether `signature` (hex) signs `fields`, in the order they were sent.
    public mutating func verify(trailer fields: [(name: String, value: String)], signature: String) -> Bool {
        guard Self.check(signature, of: trailerStringToSign(fields), key: key) else { return false }
        previousSignature = signature.asciiLowercased
        return true
    }

    func trailerStringToSign(_ fields: [(name: String, value: String)]) -> String {
        "AWS4-HMAC-SHA256-TRAILER\n\(amzDate)\n\(scope)\n\(previousSignature)\n" + SigV4.sha256Hex(Array(Self.trailerText(fields).utf8))
    }

    /// The signed form of trailer fields: `name:value\n` each, names lowercased.
    static func trailerText(_ fields: [(name: String, value: String)]) -> String {
        fields.map { $0.name.asciiLowercased + ":" + $0.value + "\n" }.joined()
    }

    static func check(_ signature: String, of stringToSign: String, key: SymmetricKey) -> Bool {
        guard let provided = SigV4.bytes(fromHex: signature), provided.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(provided, authenticating: Array(stringToSign.utf8), using: key)
    }

    /// The scope and position of the chain; never the key.
    public var description: String {
        "SigV4ChunkSignatures(scope: \(scope), previousSignature: \(previousSignature), key: <redacted>)"
    }

    /// A mirror without the key, so `dump` stays safe.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["amzDate": amzDate, "scope": scope, "hasTrailer": hasTrailer, "previousSignature": previousSignature],
            displayStyle: .struct)
    }

    /// Chains are equal at the same point of the same scope: the signatures stand for the key.
    public static func == (a: Self, b: Self) -> Bool {
        a.amzDate == b.amzDate && a.scope == b.scope && a.hasTrailer == b.hasTrailer
            && a.previousSignature == b.previousSignature
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(scope)
        hasher.combine(previousSignature)
    }
}
