import AWSWire
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The caller of an authenticated request.
public struct AuthenticatedCaller: Sendable, Hashable {
    public var accessKeyID: String
    /// The region of the request's credential scope: the region the caller talks to.
    public var region: String
    /// The signing name (`cloudtrail`, `cloudtrail-data`, `s3`, …).
    public var service: String
    /// For a request whose body comes in signed chunks (S3's `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` and
    /// `…-TRAILER`): the chain, seeded with the request's verified signature, that the body's chunks
    /// and trailer must match. It holds the request's scoped signing key (never the secret), and is
    /// used and dropped by the S3 subset's body reader; every other route refuses such requests.
    public var chunkSignatures: SigV4ChunkSignatures?

    public init(accessKeyID: String, region: String, service: String, chunkSignatures: SigV4ChunkSignatures? = nil) {
        self.accessKeyID = accessKeyID
        self.region = region
        self.service = service
        self.chunkSignatures = chunkSignatures
    }
}

/// What an authenticator needs to see of a request.
public struct AuthenticationRequest: Sendable {
    public var method: String
    /// The path as sent, still percent-encoded.
    public var rawPath: String
    /// The query as sent, without `?`.
    public var rawQuery: String
    /// Header names lowercased, in arrival order.
    public var headers: [(name: String, value: String)]
    /// Lowercase hex SHA-256 of the body.
    public var bodySHA256: String
}

/// Why a request was refused, in both of AWS's error vocabularies.
public struct AuthenticationFailure: Error, Sendable {
    /// The AWS JSON error type (`MissingAuthenticationTokenException`, `InvalidSignatureException`, …).
    public var jsonType: String
    /// The S3 XML error code (`AccessDenied`, `SignatureDoesNotMatch`, …).
    public var s3Code: String
    public var status: Int
    /// Safe to show the client.
    public var message: String

    public init(jsonType: String, s3Code: String, status: Int, message: String) {
        self.jsonType = jsonType
        self.s3Code = s3Code
        self.status = status
        self.message = message
    }
}

/// Verifies requests (SigV4 in production).
public protocol RequestAuthenticator: Sendable {
    func authenticate(_ request: AuthenticationRequest) throws(AuthenticationFailure) -> AuthenticatedCaller
}

/// Authenticates every request that reaches it, reading the body (up to `bodyLimit`) to hash it.
///
/// The body is collected once here and handed on, so handlers read it from memory.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = TrailRequestContext

    let authenticator: any RequestAuthenticator
    let bodyLimit: Int
    /// How errors are rendered for these routes.
    let style: APIError.Style

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: bodyLimit)
        } catch {
            throw APIError(
                style: style, status: .contentTooLarge, type: style == .s3 ? "EntityTooLarge" : "ValidationException",
                message: "The request body exceeds the limit of \(bodyLimit) bytes")
        }
        let (path, query) = Self.split(request.uri.string)
        let hash = body.withUnsafeReadableBytes { SigV4.sha256Hex($0) }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(request.headers.count + 1)
        // HTTP/1's Host header arrives as the `:authority` pseudo-header.
        if let authority = request.head.authority { headers.append(("host", authority)) }
        for field in request.headers {
            headers.append((field.name.canonicalName, field.value))
        }
        let auth = AuthenticationRequest(
            method: request.method.rawValue, rawPath: path, rawQuery: query, headers: headers, bodySHA256: hash)
        var context = context
        do {
            context.caller = try authenticator.authenticate(auth)
        } catch {
            context.logger.debug("request refused", metadata: ["trail.auth.error": "\(error.jsonType)"])
            throw APIError(
                style: style, status: HTTPResponse.Status(code: error.status),
                type: style == .s3 ? error.s3Code : error.jsonType, message: error.message)
        }
        // Only the S3 subset decodes (and verifies) bodies sent in signed chunks.
        if context.caller?.chunkSignatures != nil {
            throw APIError(
                style: style, status: .badRequest, type: style == .s3 ? "InvalidRequest" : "IncompleteSignatureException",
                message: "A payload signed chunk by chunk (x-amz-content-sha256: STREAMING-…) is only accepted by the S3 API.")
        }
        return try await next(request, context)
    }

    static func split(_ uri: String) -> (String, String) {
        guard let q = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<q]), String(uri[uri.index(after: q)...]))
    }
}
