import Foundation

/// AWS Signature Version 4, signed the way botocore (the AWS CLI and boto3) signs.
///
/// ``sign(_:credentials:region:service:date:)`` adds the `Authorization` header;
/// ``presign(_:credentials:region:service:date:expires:)`` produces query-string authentication.
/// ``SigV4Verifier`` checks either on the server side. The canonical request follows botocore's
/// `SigV4Auth` and `S3SigV4Auth`: S3 signs its path as sent, other services encode it once more.
public enum SigV4 {
    /// The only algorithm: `AWS4-HMAC-SHA256`.
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash of requests whose body is not signed.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The presigned URL lifetime botocore uses by default, in seconds.
    public static let defaultExpiry = 3600
    /// The longest lifetime AWS accepts for a presigned URL (7 days), in seconds.
    public static let maximumExpiry = 604_800

    /// Signs `request` in place with an `Authorization` header.
    ///
    /// As botocore does: removes any `Authorization`; sets `X-Amz-Date` (or, when the request already
    /// has a `Date` header, rewrites that one instead); sets `X-Amz-Security-Token` for temporary
    /// credentials; for `s3`, sets `X-Amz-Content-SHA256` to the request's payload hash. Every
    /// header but the hop-by-hop ones and `User-Agent` is signed, so include `Host`.
    ///
    /// - Parameters:
    ///   - request: the request to sign; its headers change.
    ///   - credentials: the key to sign with.
    ///   - region: the region of the credential scope, such as `us-east-1`.
    ///   - service: the signing name, such as `cloudtrail` or `s3`.
    ///   - date: the signing time (whole seconds are used).
    /// - Returns: the signature (lowercase hex), the seed of a body sent in signed chunks.
    @discardableResult
    public static func sign(
        _ request: inout SignableRequest,
        credentials: Credentials,
        region: String,
        service: String,
        date: Date
    ) -> String {
        let amzDate = UTCTime.amzTimestamp(date)
        request.removeHeader("Authorization")
        if request.headerValue("Date") != nil {
            // botocore then signs with `Date` (in Python's formatdate style) and sends no X-Amz-Date.
            request.setHeader("Date", UTCTime.httpDate(date, zone: "-0000"))
            request.removeHeader("X-Amz-Date")
        } else {
            request.setHeader("X-Amz-Date", amzDate)
        }
        if let token = credentials.sessionToken, !token.isEmpty {
            request.setHeader("X-Amz-Security-Token", token)
        }
        if service == "s3" {
            request.setHeader("X-Amz-Content-SHA256", request.payloadHash)
        }
        let signedHeaders = signedHeaderNames(request.headers)
        let scope = credentialScope(amzDate: amzDate, region: region, service: service)
        let canonical = canonicalRequest(
            method: request.method,
            path: request.path,
            query: request.query,
            headers: request.headers,
            signedHeaders: signedHeaders,
            payloadHash: request.headerValue("X-Amz-Content-SHA256") ?? request.payloadHash,
            service: service,
            droppingSignature: false
        )
        let signature = signature(
            stringToSign: stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical),
            secret: credentials.secretAccessKey,
            amzDate: amzDate,
            region: region,
            service: service
        )
        request.setHeader(
            "Authorization",
            "\(algorithm) Credential=\(credentials.accessKeyID)/\(scope), "
                + "SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
        )
        return signature
    }

    /// Query-string authentication (a presigned URL) for `request`, as botocore's `SigV4QueryAuth`.
    ///
    /// The request's own query parameters come first, re-encoded, then `X-Amz-Algorithm`,
    /// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, and
    /// `X-Amz-Security-Token` for temporary credentials; `X-Amz-Signature` is last. S3 signs
    /// `UNSIGNED-PAYLOAD` unless the request carries `X-Amz-Content-SHA256`.
    ///
    /// - Parameters:
    ///   - request: the request to authorize; its headers (at least `Host`) are signed.
    ///   - credentials: the key to sign with.
    ///   - region: the region of the credential scope.
    ///   - service: the signing name.
    ///   - date: the signing time.
    ///   - expires: how many seconds the URL stays valid (AWS accepts 1…604800).
    /// - Returns: the complete query string to send, without `?`.
    public static func presign(
        _ request: SignableRequest,
        credentials: Credentials,
        region: String,
        service: String,
        date: Date,
        expires: Int = defaultExpiry
    ) -> String {
        let amzDate = UTCTime.amzTimestamp(date)
        let scope = credentialScope(amzDate: amzDate, region: region, service: service)
        let signedHeaders = signedHeaderNames(request.headers)

        // botocore parses the query with parse_qs (first value of each key wins) and re-encodes it.
        var operationParameters: [(String, String)] = []
        var seen: Set<[UInt8]> = []
        for part in request.query.split(separator: "&") {
            let equals = part.firstIndex(of: "=")
            let key = decode(part[..<(equals ?? part.endIndex)], plusAsSpace: true)
            let value = equals.map { decode(part[part.index(after: $0)...], plusAsSpace: true) } ?? []
            guard seen.insert(key).inserted else { continue }
            operationParameters.append((encode(bytes: key), encode(bytes: value)))
        }
        var authParameters: [(String, String)] = [
            ("X-Amz-Algorithm", algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", signedHeaders.joined(separator: ";")),
        ]
        if let token = credentials.sessionToken { authParameters.append(("X-Amz-Security-Token", token)) }
        let query = (operationParameters + authParameters.map { (encode($0.0), encode($0.1)) })
            .map { $0.0 + "=" + $0.1 }.joined(separator: "&")

        let payloadHash =
            request.headerValue("X-Amz-Content-SHA256") ?? (service == "s3" ? unsignedPayload : request.payloadHash)
        let canonical = canonicalRequest(
            method: request.method,
            path: request.path,
            query: query,
            headers: request.headers,
            signedHeaders: signedHeaders,
            payloadHash: payloadHash,
            service: service,
            droppingSignature: false
        )
        let signature = signature(
            stringToSign: stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical),
            secret: credentials.secretAccessKey,
            amzDate: amzDate,
            region: region,
            service: service
        )
        return query + "&X-Amz-Signature=" + signature
    }
}
