import Crypto
import Foundation

/// Verifies SigV4-signed requests on the server side: the `Authorization` header form and the
/// presigned (query-string) form.
///
/// Checks, in order: that the request is signed at all; the algorithm and the shape of the
/// credential; that the access key (and its session token, if it has one) is known; that the
/// credential scope's date is `X-Amz-Date`'s date; the clock skew (or a presigned URL's expiry);
/// that `host` is signed; that `x-amz-content-sha256`, unless `UNSIGNED-PAYLOAD` or `STREAMING-…`,
/// is the hash of the body received; and the signature, compared in constant time.
///
/// A request whose body comes in signed chunks (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`) is
/// verified here up to its seed signature only: ``VerifiedIdentity/chunkSignatures`` then carries the
/// chain that the body's reader must check every chunk (and the trailer) against.
public struct SigV4Verifier: Sendable {
    /// Who signed a request, and for which region and service.
    public struct VerifiedIdentity: Sendable, Hashable {
        /// The access key that signed the request.
        public var accessKeyID: String
        /// The region of the credential scope.
        public var region: String
        /// The service (signing name) of the credential scope.
        public var service: String
        /// When the request was signed (`X-Amz-Date`).
        public var signedAt: Date
        /// For a body sent in signed chunks (`x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD`
        /// or `…-TRAILER`): the chain that verifies each chunk's signature, seeded with the request's.
        public var chunkSignatures: SigV4ChunkSignatures?

        /// An identity from its parts.
        public init(
            accessKeyID: String, region: String, service: String, signedAt: Date,
            chunkSignatures: SigV4ChunkSignatures? = nil
        ) {
            self.accessKeyID = accessKeyID
            self.region = region
            self.service = service
            self.signedAt = signedAt
            self.chunkSignatures = chunkSignatures
        }
    }

    let credentials: @Sendable (String) -> SigV4.Credentials?
    /// How far the signing time may be from now, either way (AWS allows 15 minutes).
    public let allowedSkew: Duration
    let now: @Sendable () -> Date

    /// A verifier.
    ///
    /// - Parameters:
    ///   - credentials: finds the credentials of an access key ID, or nil when the key is unknown.
    ///   - allowedSkew: how far the signing time may be from now, either way.
    ///   - now: the clock (injected by tests).
    public init(
        credentials: @escaping @Sendable (String) -> SigV4.Credentials?,
        allowedSkew: Duration = .seconds(15 * 60),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.credentials = credentials
        self.allowedSkew = allowedSkew
        self.now = now
    }

    /// Verifies one request.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - path: the path as received, still percent-encoded.
    ///   - query: the query string as received, without `?`.
    ///   - headers: the headers as received, names in any case.
    ///   - bodySHA256Hex: lowercase hex SHA-256 of the body actually received.
    /// - Returns: the access key and scope that signed the request.
    /// - Throws: ``SigV4Error`` saying why the request is refused.
    public func verify(
        method: String,
        path: String,
        query: String,
        headers: [(String, String)],
        bodySHA256Hex: String
    ) throws(SigV4Error) -> VerifiedIdentity {
        let headers = headers.map { (name: $0.0.asciiLowercased, value: $0.1) }
        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

        let auth = try SigV4Authorization(headers: headers, query: query)
        guard let known = credentials(auth.accessKeyID) else {
            throw SigV4Error(code: .unknownAccessKey, message: "The security token included in the request is invalid.")
        }
        if let expected = known.sessionToken {
            let sent = auth.isPresigned ? auth.queryToken : header("x-amz-security-token")
            guard let sent, Self.constantTimeEquals(Array(sent.utf8), Array(expected.utf8)) else {
                throw SigV4Error(
                    code: .unknownAccessKey,
                    message: "The security token included in the request is invalid."
                )
            }
        }
        guard auth.amzDate.hasPrefix(auth.scopeDate) else {
            throw SigV4Error(
                code: .signatureMismatch,
                message: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                    + "'\(auth.scopeDate)' != '\(auth.amzDate.prefix(8))', from '\(auth.amzDate)'."
            )
        }
        try checkTime(auth)
        guard auth.signedHeaders.contains("host") else {
            throw SigV4Error(
                code: .incompleteSignature,
                message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
            )
        }

        var payloadHash = bodySHA256Hex
        if let declared = header("x-amz-content-sha256") {
            if declared != SigV4.unsignedPayload && !declared.hasPrefix("STREAMING-")
                && declared.asciiLowercased != bodySHA256Hex.asciiLowercased
            {
                throw SigV4Error(
                    code: .payloadHashMismatch,
                    message: "The provided 'x-amz-content-sha256' header does not match what was computed."
                )
            }
            payloadHash = declared
        } else if auth.isPresigned && auth.service == "s3" {
            payloadHash = SigV4.unsignedPayload
        }

        let canonical = SigV4.canonicalRequest(
            method: method,
            path: path,
            query: query,
            headers: headers,
            signedHeaders: auth.signedHeaders,
            payloadHash: payloadHash,
            service: auth.service,
            droppingSignature: auth.isPresigned
        )
        let scope = SigV4.credentialScope(amzDate: auth.amzDate, region: auth.region, service: auth.service)
        let stringToSign = SigV4.stringToSign(amzDate: auth.amzDate, scope: scope, canonicalRequest: canonical)
        let key = SigV4.signingKey(
            secret: known.secretAccessKey,
            date: auth.scopeDate,
            region: auth.region,
            service: auth.service
        )
        guard let provided = SigV4.bytes(fromHex: auth.signature), provided.count == SHA256.byteCount,
            HMAC<SHA256>.isValidAuthenticationCode(provided, authenticating: Array(stringToSign.utf8), using: key)
        else {
            throw SigV4Error(
                code: .signatureMismatch,
                message: "The request signature we calculated does not match the signature you provided. "
                    + "Check your AWS Secret Access Key and signing method. "
                    + "Consult the service documentation for details."
            )
        }
        var chunkSignatures: SigV4ChunkSignatures?
        if payloadHash == SigV4.streamingSignedPayload || payloadHash == SigV4.streamingSignedPayloadTrailer {
            chunkSignatures = SigV4ChunkSignatures(
                key: key, amzDate: auth.amzDate, scope: scope, seedSignature: auth.signature,
                hasTrailer: payloadHash == SigV4.streamingSignedPayloadTrailer)
        }
        return VerifiedIdentity(
            accessKeyID: auth.accessKeyID,
            region: auth.region,
            service: auth.service,
            signedAt: auth.signedAt,
            chunkSignatures: chunkSignatures
        )
    }

    /// The clock-skew check, or a presigned URL's validity window.
    func checkTime(_ auth: SigV4Authorization) throws(SigV4Error) {
        let current = now()
        let skew = Double(allowedSkew.components.seconds)
        let minutes = "\(allowedSkew.components.seconds / 60) min."
        if let expires = auth.expires {
            guard current.timeIntervalSince(auth.signedAt) <= Double(expires) else {
                throw SigV4Error(code: .requestExpired, message: "Request has expired")
            }
            guard auth.signedAt.timeIntervalSince(current) <= skew else {
                throw SigV4Error(code: .requestExpired, message: "Request is not yet valid")
            }
            return
        }
        if current.timeIntervalSince(auth.signedAt) > skew {
            let earliest = UTCTime.amzTimestamp(current.addingTimeInterval(-skew))
            throw SigV4Error(
                code: .requestExpired,
                message: "Signature expired: \(auth.amzDate) is now earlier than \(earliest) "
                    + "(\(UTCTime.amzTimestamp(current)) - \(minutes))"
            )
        }
        if auth.signedAt.timeIntervalSince(current) > skew {
            let latest = UTCTime.amzTimestamp(current.addingTimeInterval(skew))
            throw SigV4Error(
                code: .requestExpired,
                message: "Signature not yet current: \(auth.amzDate) is still later than \(latest) "
                    + "(\(UTCTime.amzTimestamp(current)) + \(minutes))"
            )
        }
    }

    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
