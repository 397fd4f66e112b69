import Crypto
import Foundation

/// An HTTP request as SigV4 sees it: method, raw path and query, headers and the payload's hash.
///
/// The path and query are exactly the bytes that go on the wire (already percent-encoded); the
/// signer encodes them the way botocore does. Header names are case-insensitive: lookups and
/// replacements ignore case, and repeated names are kept in order (SigV4 joins them with `,`).
/// Include `Host` (with the port when it is not the scheme's default): SigV4 signs it.
public struct SignableRequest: Sendable {
    /// The HTTP method, such as `GET`.
    public var method: String
    /// The path as it goes on the wire (already percent-encoded), such as `/bucket/a%20b`.
    public var path: String
    /// The query string as it goes on the wire, without `?`; empty when there is none.
    public var query: String
    /// The headers, in order, names in any case.
    public var headers: [(name: String, value: String)]
    /// Lowercase hex SHA-256 of the body, or a literal such as `UNSIGNED-PAYLOAD`.
    public var payloadHash: String

    /// A request whose body is given; the signer hashes it.
    public init(
        method: String,
        path: String,
        query: String = "",
        headers: [(String, String)],
        body: some DataProtocol = Data()
    ) {
        self.init(method: method, path: path, query: query, headers: headers, payloadHash: SigV4.sha256Hex(body))
    }

    /// A request whose body's hash is already known (or `UNSIGNED-PAYLOAD`).
    public init(method: String, path: String, query: String = "", headers: [(String, String)], payloadHash: String) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers.map { (name: $0.0, value: $0.1) }
        self.payloadHash = payloadHash
    }

    /// The first value of the header `name` (any case), or nil.
    public func headerValue(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Removes every header called `name` (any case).
    public mutating func removeHeader(_ name: String) {
        headers.removeAll { $0.name.caseInsensitiveEquals(name) }
    }

    /// Replaces every header called `name` (any case) by one, appended at the end.
    public mutating func setHeader(_ name: String, _ value: String) {
        removeHeader(name)
        headers.append((name: name, value: value))
    }
}

extension String {
    /// ASCII case-insensitive equality, as HTTP header names compare.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = self.utf8
        let b = other.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            let lx = x >= 65 && x <= 90 ? x + 32 : x
            let ly = y >= 65 && y <= 90 ? y + 32 : y
            if lx != ly { return false }
        }
        return true
    }

    /// ASCII lowercase, leaving other characters alone (header names are ASCII).
    var asciiLowercased: String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
