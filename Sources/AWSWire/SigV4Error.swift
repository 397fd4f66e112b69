/// Why ``SigV4Verifier`` refused a request, with its names in AWS's JSON and S3 vocabularies.
///
/// ``message`` is safe to send to the client: it never contains a secret, the expected signature or
/// the canonical request.
public struct SigV4Error: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What was wrong with the request's authentication.
    public enum Code: Sendable, Hashable, CaseIterable {
        /// The request carries no SigV4 authentication at all.
        case missingAuthentication
        /// The authentication is malformed or incomplete (missing parts, bad scope or date, `host` not signed).
        case incompleteSignature
        /// The access key (or its session token) is not known.
        case unknownAccessKey
        /// The signature does not match the request.
        case signatureMismatch
        /// The signing time is too far from now, or a presigned URL has expired.
        case requestExpired
        /// `x-amz-content-sha256` does not match the body received.
        case payloadHashMismatch
    }

    /// What went wrong.
    public var code: Code
    /// A client-safe explanation, worded as AWS words it.
    public var message: String

    /// An error with a code and a client-safe message.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The AWS JSON protocol's `__type` for this error.
    public var jsonErrorType: String {
        switch code {
        case .missingAuthentication: "MissingAuthenticationTokenException"
        case .incompleteSignature: "IncompleteSignatureException"
        case .unknownAccessKey: "UnrecognizedClientException"
        case .signatureMismatch, .requestExpired, .payloadHashMismatch: "InvalidSignatureException"
        }
    }

    /// S3's XML `<Code>` for this error.
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

    /// The HTTP status to answer with: 400 when the request is malformed, 403 otherwise.
    public var httpStatus: Int {
        switch code {
        case .incompleteSignature, .payloadHashMismatch: 400
        case .missingAuthentication, .unknownAccessKey, .signatureMismatch, .requestExpired: 403
        }
    }

    /// The client-safe message.
    public var description: String { message }

    /// The code and the message (nothing secret is ever stored here).
    public var debugDescription: String { "SigV4Error(\(code)): \(message)" }
}
