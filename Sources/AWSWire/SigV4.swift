import Crypto
import Foundation

/// AWS Signature Version 4, as botocore computes it.
public enum SigV4 {
    /// An access key and its secret.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
        public var accessKeyID: String
        public var secretAccessKey: String
        public var sessionToken: String?

        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }

        public var description: String { "Credentials(\(accessKeyID), secret: <redacted>)" }
        public var debugDescription: String { description }
    }

    static let algorithm = "AWS4-HMAC-SHA256"
    static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8))
    static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Signs `request` in place: adds `X-Amz-Date`, `X-Amz-Security-Token` (with a session token),
    /// `x-amz-content-sha256` (for S3) and `Authorization`.
    public static func sign(
        _ request: inout SignableRequest, credentials: Credentials, region: String, service: String, date: Date
    ) {
        let amzDate = timestamp(date)
        request.removeHeader("authorization")
        request.setHeader("x-amz-date", amzDate)
        if let token = credentials.sessionToken { request.setHeader("x-amz-security-token", token) }
        let payload = request.headerValue("x-amz-content-sha256") ?? request.payloadHash
        if service == "s3" { request.setHeader("x-amz-content-sha256", payload) }
        let signedHeaders = Array(Set(request.headers.map { $0.name.lowercased() }).filter { $0 != "authorization" })
            .sorted()
        let canonical = canonicalRequest(
            method: request.method, path: request.path, query: request.query, headers: request.headers,
            signedHeaders: signedHeaders, payloadHash: payload, service: service, dropSignature: false)
        let scope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        let signature = Self.signature(
            canonicalRequest: canonical, amzDate: amzDate, scope: scope, secret: credentials.secretAccessKey,
            date: String(amzDate.prefix(8)), region: region, service: service)
        request.setHeader(
            "authorization",
            "\(algorithm) Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
        )
    }

    /// A presigned query string (query authentication) for `request`, valid for `expires` seconds.
    ///
    /// - Returns: the full query string to send, including `X-Amz-Signature`.
    public static func presign(
        _ request: SignableRequest, credentials: Credentials, region: String, service: String, date: Date,
        expires: Int
    ) -> String {
        let amzDate = timestamp(date)
        let scope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        let signedHeaders = Array(Set(request.headers.map { $0.name.lowercased() })).sorted()
        var params: [(String, String)] = [
            ("X-Amz-Algorithm", algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", signedHeaders.joined(separator: ";")),
        ]
        if let token = credentials.sessionToken { params.append(("X-Amz-Security-Token", token)) }
        let added = params.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        let query = request.query.isEmpty ? added : request.query + "&" + added
        let payload = request.headerValue("x-amz-content-sha256") ?? (service == "s3" ? "UNSIGNED-PAYLOAD" : request.payloadHash)
        let canonical = canonicalRequest(
            method: request.method, path: request.path, query: query, headers: request.headers,
            signedHeaders: signedHeaders, payloadHash: payload, service: service, dropSignature: true)
        let signature = Self.signature(
            canonicalRequest: canonical, amzDate: amzDate, scope: scope, secret: credentials.secretAccessKey,
            date: String(amzDate.prefix(8)), region: region, service: service)
        return query + "&X-Amz-Signature=" + signature
    }

    // MARK: the algorithm

    static func timestamp(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86400
        var rem = seconds % 86400
        if rem < 0 {
            rem += 86400
            days -= 1
        }
        let (y, m, d) = civil(Int(days))
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)\(two(m))\(two(d))T\(two(Int(rem / 3600)))\(two(Int(rem % 3600 / 60)))\(two(Int(rem % 60)))Z"
    }

    static func civil(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Percent-encodes with only RFC 3986 unreserved characters left as they are.
    public static func encode(_ s: String, keepSlash: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            if unreserved.contains(b) || (keepSlash && b == 47) {
                out.append(b)
            } else {
                out.append(37)
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes (and `+` stays `+`, as botocore sends spaces as `%20`).
    static func decode(_ s: Substring) -> String {
        guard s.contains("%") else { return String(s) }
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            if b == 37, bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func canonicalQuery(_ query: String, dropSignature: Bool) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = encode(decode(kv[0]))
            let value = kv.count > 1 ? encode(decode(kv[1])) : ""
            if dropSignature && key == "X-Amz-Signature" { continue }
            pairs.append((key, value))
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// botocore: S3 signs the path as sent; other services encode it once more (`%` → `%25`).
    static func canonicalURI(_ path: String, service: String) -> String {
        let p = path.isEmpty ? "/" : path
        if service == "s3" { return p }
        return encode(normalize(p), keepSlash: true)
    }

    /// Removes `.` and `..` segments, as botocore's normalize_url_path does.
    static func normalize(_ path: String) -> String {
        guard path.contains("/.") else { return path }
        var out: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            if segment == "." { continue }
            if segment == ".." {
                _ = out.popLast()
                continue
            }
            out.append(segment)
        }
        let joined = "/" + out.joined(separator: "/")
        return path.hasSuffix("/") && !joined.hasSuffix("/") ? joined + "/" : joined
    }

    static func canonicalHeaderValue(_ v: String) -> String {
        var out = ""
        var lastSpace = false
        for c in v.trimmingCharacters(in: .whitespaces) {
            if c == " " || c == "\t" {
                if !lastSpace { out.append(" ") }
                lastSpace = true
            } else {
                out.append(c)
                lastSpace = false
            }
        }
        return out
    }

    static func canonicalRequest(
        method: String, path: String, query: String, headers: [(name: String, value: String)],
        signedHeaders: [String], payloadHash: String, service: String, dropSignature: Bool
    ) -> String {
        var values: [String: [String]] = [:]
        for (name, value) in headers { values[name.lowercased(), default: []].append(canonicalHeaderValue(value)) }
        let headerLines = signedHeaders.map { "\($0):\(values[$0, default: []].joined(separator: ","))\n" }.joined()
        return [
            method.uppercased(), canonicalURI(path, service: service), canonicalQuery(query, dropSignature: dropSignature),
            headerLines, signedHeaders.joined(separator: ";"), payloadHash,
        ].joined(separator: "\n")
    }

    static func signature(
        canonicalRequest: String, amzDate: String, scope: String, secret: String, date: String, region: String,
        service: String
    ) -> String {
        let stringToSign = [algorithm, amzDate, scope, hex(SHA256.hash(data: Data(canonicalRequest.utf8)))].joined(separator: "\n")
        let key = signingKey(secret: secret, date: date, region: region, service: service)
        return hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    static func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    static let lowerHex = Array("0123456789abcdef".utf8)

    /// Lowercase hex of a digest or any bytes.
    public static func hex<S: Sequence<UInt8>>(_ bytes: S) -> String {
        var out: [UInt8] = []
        for b in bytes {
            out.append(lowerHex[Int(b >> 4)])
            out.append(lowerHex[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase hex SHA-256 of `data`.
    public static func sha256Hex(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }
}

/// A request as SigV4 sees it.
public struct SignableRequest: Sendable {
    public var method: String
    /// The path as it goes on the wire (already percent-encoded).
    public var path: String
    /// The query string as it goes on the wire, without `?`.
    public var query: String
    public var headers: [(name: String, value: String)]
    /// Hex SHA-256 of the body.
    public var payloadHash: String

    public init(method: String, path: String, query: String = "", headers: [(String, String)], body: Data) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers.map { (name: $0.0, value: $0.1) }
        self.payloadHash = SigV4.sha256Hex(body)
    }

    public init(method: String, path: String, query: String = "", headers: [(String, String)], payloadHash: String) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers.map { (name: $0.0, value: $0.1) }
        self.payloadHash = payloadHash
    }

    public func headerValue(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }

    mutating func removeHeader(_ name: String) {
        headers.removeAll { $0.name.lowercased() == name }
    }

    mutating func setHeader(_ name: String, _ value: String) {
        removeHeader(name)
        headers.append((name: name, value: value))
    }
}
