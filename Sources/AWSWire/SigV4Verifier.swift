import Crypto
import Foundation

/// Why a request failed SigV4 verification, in AWS's vocabularies.
public struct SigV4Error: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        case missingAuthentication
        case incompleteSignature
        case unknownAccessKey
        case signatureMismatch
        case requestExpired
        case payloadHashMismatch
    }

    public var code: Code
    /// Safe to show the client: never a secret or the expected signature.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The AWS JSON error type (`__type`).
    public var jsonErrorType: String {
        switch code {
        case .missingAuthentication: "MissingAuthenticationTokenException"
        case .incompleteSignature: "IncompleteSignatureException"
        case .unknownAccessKey: "UnrecognizedClientException"
        case .signatureMismatch, .requestExpired, .payloadHashMismatch: "InvalidSignatureException"
        }
    }

    /// The S3 XML error code.
    public var s3ErrorCode: String {
        switch code {
        case .missingAuthentication: "AccessDenied"
        case .incompleteSignature: "AuthorizationHeaderMalformed"
        case .unknownAccessKey: "InvalidAccessKeyId"
        case .signatureMismatch: "SignatureDoesNotMatch"
        case .requestExpired: "RequestTimeTooSkewed"
        case .payloadHashMismatch: "XAmzContentSHA256Mismatch"
        }
    }

    public var httpStatus: Int {
        switch code {
        case .incompleteSignature, .payloadHashMismatch: 400
        case .missingAuthentication, .unknownAccessKey, .signatureMismatch, .requestExpired: 403
        }
    }
}

/// Verifies SigV4-signed requests on the server side (Authorization header and presigned query).
public struct SigV4Verifier: Sendable {
    /// Who signed a request, and for what.
    public struct VerifiedIdentity: Sendable, Hashable {
        public var accessKeyID: String
        public var region: String
        public var service: String
        public var signedAt: Date
    }

    let credentials: @Sendable (String) -> SigV4.Credentials?
    let allowedSkew: TimeInterval
    let now: @Sendable () -> Date

    public init(
        credentials: @escaping @Sendable (String) -> SigV4.Credentials?, allowedSkew: TimeInterval = 15 * 60,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.credentials = credentials
        self.allowedSkew = allowedSkew
        self.now = now
    }

    struct Parts {
        var accessKeyID: String
        var date: String
        var region: String
        var service: String
        var signedHeaders: [String]
        var signature: String
        var amzDate: String
        var expires: Int?
    }

    /// Verifies one request.
    ///
    /// - Parameters:
    ///   - path: the path as received (percent-encoded).
    ///   - query: the query as received, without `?`.
    ///   - headers: names in any case.
    ///   - bodySHA256Hex: hex SHA-256 of the body actually received.
    public func verify(
        method: String, path: String, query: String, headers: [(String, String)], bodySHA256Hex: String
    ) throws(SigV4Error) -> VerifiedIdentity {
        var lowered: [(name: String, value: String)] = headers.map { (name: $0.0.lowercased(), value: $0.1) }
        func header(_ name: String) -> String? { lowered.first { $0.name == name }?.value }
        let presigned = query.contains("X-Amz-Signature=")
        let parts: Parts
        if let authorization = header("authorization") {
            parts = try parseAuthorization(authorization, amzDate: header("x-amz-date"))
        } else if presigned {
            parts = try parsePresigned(query)
        } else {
            throw SigV4Error(.missingAuthentication, "Missing Authentication Token")
        }
        guard parts.amzDate.hasPrefix(parts.date) else {
            throw SigV4Error(.signatureMismatch, "The credential scope date \(parts.date) does not match X-Amz-Date \(parts.amzDate)")
        }
        guard let signedAt = Self.parseAmzDate(parts.amzDate) else {
            throw SigV4Error(.incompleteSignature, "X-Amz-Date \(parts.amzDate) is not a basic ISO-8601 timestamp")
        }
        let current = now()
        if let expires = parts.expires {
            guard expires >= 1 && expires <= 604_800 else {
                throw SigV4Error(.incompleteSignature, "X-Amz-Expires must be between 1 and 604800 seconds")
            }
            if current.timeIntervalSince(signedAt) > Double(expires) {
                throw SigV4Error(.requestExpired, "Request has expired")
            }
            if signedAt.timeIntervalSince(current) > allowedSkew {
                throw SigV4Error(.requestExpired, "Request is not yet valid")
            }
        } else if abs(current.timeIntervalSince(signedAt)) > allowedSkew {
            throw SigV4Error(
                .requestExpired,
                "Signature expired: \(parts.amzDate) is now earlier than \(SigV4.timestamp(current.addingTimeInterval(-allowedSkew))) (\(SigV4.timestamp(current)) - 15 min.)"
            )
        }
        guard parts.signedHeaders.contains("host") else {
            throw SigV4Error(.signatureMismatch, "The host header must be signed")
        }
        guard let secret = credentials(parts.accessKeyID) else {
            throw SigV4Error(.unknownAccessKey, "The security token included in the request is invalid.")
        }
        var payload = bodySHA256Hex
        if let declared = header("x-amz-content-sha256") {
            if declared == "UNSIGNED-PAYLOAD" || declared.hasPrefix("STREAMING-") {
                payload = declared
            } else if declared.lowercased() != bodySHA256Hex {
                throw SigV4Error(.payloadHashMismatch, "The provided x-amz-content-sha256 header does not match what was computed.")
            } else {
                payload = declared
            }
        } else if presigned && parts.service == "s3" {
            payload = "UNSIGNED-PAYLOAD"
        }
        if presigned { lowered.removeAll { $0.name == "authorization" } }
        let canonical = SigV4.canonicalRequest(
            method: method, path: path, query: query, headers: lowered, signedHeaders: parts.signedHeaders,
            payloadHash: payload, service: parts.service, dropSignature: presigned)
        let expected = SigV4.signature(
            canonicalRequest: canonical, amzDate: parts.amzDate,
            scope: "\(parts.date)/\(parts.region)/\(parts.service)/aws4_request", secret: secret.secretAccessKey,
            date: parts.date, region: parts.region, service: parts.service)
        guard Self.constantTimeEquals(expected, parts.signature.lowercased()) else {
            throw SigV4Error(
                .signatureMismatch,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."
            )
        }
        return VerifiedIdentity(accessKeyID: parts.accessKeyID, region: parts.region, service: parts.service, signedAt: signedAt)
    }

    func parseAuthorization(_ value: String, amzDate: String?) throws(SigV4Error) -> Parts {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(SigV4.algorithm + " ") else {
            throw SigV4Error(.incompleteSignature, "Only AWS4-HMAC-SHA256 signatures are supported")
        }
        var fields: [String: String] = [:]
        for item in trimmed.dropFirst(SigV4.algorithm.count + 1).split(separator: ",") {
            let kv = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"]
        else {
            throw SigV4Error(
                .incompleteSignature,
                "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.")
        }
        guard let amzDate else {
            throw SigV4Error(.incompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        return try parts(credential: credential, signedHeaders: signed, signature: signature, amzDate: amzDate, expires: nil)
    }

    func parsePresigned(_ query: String) throws(SigV4Error) -> Parts {
        var fields: [String: String] = [:]
        for item in query.split(separator: "&") {
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields[SigV4.decode(kv[0])] = kv.count > 1 ? SigV4.decode(kv[1]) : ""
        }
        guard fields["X-Amz-Algorithm"] == SigV4.algorithm else {
            throw SigV4Error(.incompleteSignature, "X-Amz-Algorithm must be AWS4-HMAC-SHA256")
        }
        guard let credential = fields["X-Amz-Credential"], let signed = fields["X-Amz-SignedHeaders"],
            let signature = fields["X-Amz-Signature"], let amzDate = fields["X-Amz-Date"],
            let expiresText = fields["X-Amz-Expires"], let expires = Int(expiresText)
        else {
            throw SigV4Error(.incompleteSignature, "Presigned requests need X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature")
        }
        return try parts(credential: credential, signedHeaders: signed, signature: signature, amzDate: amzDate, expires: expires)
    }

    func parts(
        credential: String, signedHeaders: String, signature: String, amzDate: String, expires: Int?
    ) throws(SigV4Error) -> Parts {
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty, scope[1].count == 8 else {
            throw SigV4Error(.incompleteSignature, "Credential should be scoped to a valid region and service: KEY/DATE/REGION/SERVICE/aws4_request")
        }
        return Parts(
            accessKeyID: String(scope[0]), date: String(scope[1]), region: String(scope[2]), service: String(scope[3]),
            signedHeaders: signedHeaders.split(separator: ";").map { $0.lowercased() }, signature: signature,
            amzDate: amzDate, expires: expires)
    }

    static func parseAmzDate(_ s: String) -> Date? {
        let b = Array(s.utf8)
        guard b.count == 16, b[8] == 84, b[15] == 90 else { return nil }
        func n(_ r: Range<Int>) -> Int? { Int(String(decoding: b[r], as: UTF8.self)) }
        guard let y = n(0..<4), let mo = n(4..<6), let d = n(6..<8), let h = n(9..<11), let mi = n(11..<13),
            let se = n(13..<15), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, se < 61
        else { return nil }
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * ((mo + 9) % 12) + 2) / 5 + d - 1
        let days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
        return Date(timeIntervalSince1970: Double(days * 86400 + h * 3600 + mi * 60 + se))
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
