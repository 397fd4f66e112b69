import AWSWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOFoundationEssentialsCompat

/// A request body as the S3 operation sees it: decoded from aws-chunked when it was sent so, with
/// the trailer fields that came after it.
struct S3Payload {
    var body: Data
    /// Trailer fields of an aws-chunked body (`x-amz-checksum-crc32`, …), names lowercased.
    var trailers: [String: String] = [:]
}

/// SigV4 for the S3 subset: the same ``RequestAuthenticator`` as every other route, with S3's
/// payload rules.
///
/// - The body is read once, up to a limit that depends on the operation (PutObject takes
///   ``TrailAPIContext/Configuration/objectBodyLimit``), and hashed; the verifier compares the hash
///   with `x-amz-content-sha256` unless that says `UNSIGNED-PAYLOAD` or `STREAMING-…`.
/// - `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (and any `Content-Encoding: aws-chunked` body whose
///   SHA-256 was signed) is decoded, its length checked against `x-amz-decoded-content-length`.
/// - Signed chunks (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, `…-TRAILER`): the authenticator verifies
///   the seed signature and hands out the chain (``AuthenticatedCaller/chunkSignatures``); every
///   chunk's `chunk-signature`, and the trailer's `x-amz-trailer-signature`, must then match it
///   (`SignatureDoesNotMatch` otherwise), before the operation sees any byte. The chain is dropped
///   from the context afterwards. botocore never sends such bodies (it signs the body's SHA-256
///   over http, and uses unsigned trailers over https); the AWS SDKs for Java, Go and others do.
/// - SigV4a's `STREAMING-AWS4-ECDSA-P256-SHA256-…` and unknown `STREAMING-…` values are refused
///   (`InvalidArgument`), as the ECDSA signature cannot be verified here.
struct S3Authentication {
    let authenticator: any RequestAuthenticator

    /// Reads and authenticates the request; sets `context.caller`.
    ///
    /// - Throws: ``S3Error`` (`AccessDenied`, `SignatureDoesNotMatch`, `EntityTooLarge`, …).
    func authenticate(
        _ request: inout Request, context: inout TrailRequestContext, bodyLimit: Int
    ) async throws -> S3Payload {
        let (rawPath, rawQuery) = request.s3RawTarget
        // Refuse what is not signed at all before reading a body that may be large.
        if request.headers[.authorization] == nil, !rawQuery.contains("X-Amz-Signature=") {
            throw S3Error(.forbidden, "AccessDenied", "Anonymous access is not allowed: sign requests with SigV4.")
        }
        let declaredHash = request.headers[S3Header.contentSHA256]
        if let declaredHash, declaredHash.hasPrefix("STREAMING-"), !Self.streamingModes.contains(declaredHash) {
            throw S3Error.invalidArgument(
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, " + Self.streamingModes.joined(separator: ", ")
                    + " or a valid sha256 value.",
                name: "x-amz-content-sha256", value: declaredHash)
        }
        let isChunked =
            declaredHash?.hasPrefix("STREAMING-") == true
            || (request.headers[.contentEncoding] ?? "").split(separator: ",").contains {
                $0.trimmingCharacters(in: .whitespaces).lowercased() == "aws-chunked"
            }
        // The chunk framing adds a little to the decoded size the limit is about.
        let wireLimit = isChunked ? bodyLimit + bodyLimit / 64 + 65_536 : bodyLimit
        if let length = request.headers[.contentLength].flatMap(Int.init), length > wireLimit {
            throw Self.tooLarge(bodyLimit)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: wireLimit)
        } catch {
            throw Self.tooLarge(bodyLimit)
        }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(request.headers.count + 1)
        if let authority = request.head.authority { headers.append(("host", authority)) }
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        let authentication = AuthenticationRequest(
            method: request.method.rawValue, rawPath: String(rawPath), rawQuery: String(rawQuery), headers: headers,
            bodySHA256: buffer.withUnsafeReadableBytes { SigV4.sha256Hex($0) })
        do {
            context.caller = try authenticator.authenticate(authentication)
        } catch {
            context.logger.debug("request refused", metadata: ["trail.auth.error": "\(error.s3Code)"])
            throw S3Error(HTTPResponse.Status(code: error.status), error.s3Code, error.message)
        }
        let body = buffer.getData(at: buffer.readerIndex, length: buffer.readableBytes, byteTransferStrategy: .noCopy) ?? Data()
        let chain = context.caller?.chunkSignatures
        context.caller?.chunkSignatures = nil
        guard isChunked else { return S3Payload(body: body) }
        let expected = request.headers[S3Header.decodedContentLength].flatMap(Int.init)
        guard let decoded = body.withUnsafeBytes({ AWSChunkedBody($0, expectedLength: expected) }) else {
            throw S3Error(.badRequest, "IncompleteBody", "The aws-chunked body could not be decoded.")
        }
        if let expected, expected != decoded.payload.count {
            throw S3Error(
                .badRequest, "IncompleteBody",
                "You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header.")
        }
        guard decoded.payload.count <= bodyLimit else { throw Self.tooLarge(bodyLimit) }
        if declaredHash == SigV4.streamingSignedPayload || declaredHash == SigV4.streamingSignedPayloadTrailer {
            try Self.verifySignedChunks(decoded, chain: chain)
        }
        return S3Payload(body: decoded.payload, trailers: decoded.trailers)
    }

    /// The `x-amz-content-sha256` values of bodies sent in chunks that this subset reads.
    static let streamingModes = [
        SigV4.streamingUnsignedPayloadTrailer, SigV4.streamingSignedPayload, SigV4.streamingSignedPayloadTrailer,
    ]

    static func tooLarge(_ limit: Int) -> S3Error {
        S3Error(
            .badRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.",
            details: [("MaxSizeAllowed", String(limit))])
    }
}
