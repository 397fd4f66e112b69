import Crypto
import Foundation

// The canonical request, string to sign and signing key, as botocore's `SigV4Auth` builds them
// (botocore/auth.py): the signer and the verifier share every function here.
extension SigV4 {
    /// Headers botocore never signs because proxies may change them (`SIGNED_HEADERS_BLACKLIST`).
    static let unsignedHeaderNames: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    static let upperHex = Array("0123456789ABCDEF".utf8)
    static let lowerHex = Array("0123456789abcdef".utf8)

    // MARK: percent-encoding

    /// Whether `byte` is an RFC 3986 unreserved character: `A-Z a-z 0-9 - _ . ~`.
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// Percent-encodes the UTF-8 of `text`, leaving only unreserved characters (and `/` with `keepSlash`).
    ///
    /// This is SigV4's `UriEncode` and S3's key encoding (`keepSlash: true`); `%` becomes `%25`.
    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        encode(bytes: text.utf8, keepSlash: keepSlash)
    }

    static func encode(bytes: some Sequence<UInt8>, keepSlash: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 3)
        for byte in bytes {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHex[Int(byte >> 4)])
                out.append(upperHex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes to bytes; a malformed escape stays as it is, and so does `+`
    /// unless `plusAsSpace` (HTML form decoding, as Python's `parse_qs`).
    static func decode(_ text: Substring, plusAsSpace: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]),
                let lo = hexValue(bytes[i + 2])
            {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(plusAsSpace && b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
                i += 1
            }
        }
        return out
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: canonical request

    /// botocore's canonical URI: S3 signs the path as sent; every other service removes dot segments
    /// and empty segments, then percent-encodes the (already encoded) path again, keeping `/` and `~`.
    static func canonicalURI(path: String, service: String) -> String {
        if path.isEmpty { return "/" }
        if service == "s3" { return path }
        return encode(removeDotSegments(path), keepSlash: true)
    }

    /// botocore's `remove_dot_segments`: RFC 3986 §5.2.4, and consecutive slashes collapsed.
    static func removeDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                _ = output.popLast()
            } else {
                output.append(segment)
            }
        }
        let first = path.hasPrefix("/") ? "/" : ""
        let last = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
        return first + output.joined(separator: "/") + last
    }

    /// The canonical query: pairs split on `&` and the first `=`, decoded and re-encoded with only
    /// unreserved characters left, sorted by key then value. `droppingSignature` leaves out
    /// `X-Amz-Signature` (for presigned URLs).
    static func canonicalQuery(_ query: String, droppingSignature: Bool) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(key: String, value: String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: false) {
            let equals = part.firstIndex(of: "=")
            let key = encode(bytes: decode(part[..<(equals ?? part.endIndex)]))
            if droppingSignature && key == "X-Amz-Signature" { continue }
            let value = equals.map { encode(bytes: decode(part[part.index(after: $0)...])) } ?? ""
            pairs.append((key, value))
        }
        pairs.sort { $0.key != $1.key ? $0.key < $1.key : $0.value < $1.value }
        var out = ""
        for (index, pair) in pairs.enumerated() {
            if index > 0 { out += "&" }
            out += pair.key + "=" + pair.value
        }
        return out
    }

    /// botocore's `' '.join(value.split())`: trimmed, inner whitespace runs collapsed to one space.
    static func canonicalHeaderValue(_ value: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in value.unicodeScalars {
            // Python's str.isspace(): Unicode White_Space plus the ASCII separators 0x1C-0x1F.
            if scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The names botocore signs: every header but the unsigned ones, lowercased, sorted, once each.
    static func signedHeaderNames(_ headers: [(name: String, value: String)]) -> [String] {
        Set(headers.map(\.name.asciiLowercased)).subtracting(unsignedHeaderNames).sorted()
    }

    /// The canonical request over `signedHeaders` (lowercase names, in the order given).
    static func canonicalRequest(
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        signedHeaders: [String],
        payloadHash: String,
        service: String,
        droppingSignature: Bool
    ) -> String {
        var values: [String: [String]] = [:]
        let wanted = Set(signedHeaders)
        for header in headers {
            let name = header.name.asciiLowercased
            if wanted.contains(name) { values[name, default: []].append(canonicalHeaderValue(header.value)) }
        }
        var out = method.uppercased() + "\n"
        out += canonicalURI(path: path, service: service) + "\n"
        out += canonicalQuery(query, droppingSignature: droppingSignature) + "\n"
        for name in signedHeaders {
            out += name + ":" + (values[name] ?? []).joined(separator: ",") + "\n"
        }
        out += "\n" + signedHeaders.joined(separator: ";") + "\n" + payloadHash
        return out
    }

    // MARK: signature

    /// `date/region/service/aws4_request`.
    static func credentialScope(amzDate: String, region: String, service: String) -> String {
        "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
    }

    /// `AWS4-HMAC-SHA256`, the timestamp, the scope and the hex SHA-256 of the canonical request.
    static func stringToSign(amzDate: String, scope: String, canonicalRequest: String) -> String {
        algorithm + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(Array(canonicalRequest.utf8))
    }

    /// The HMAC chain `"AWS4" + secret` → date → region → service → `aws4_request`.
    static func signingKey(secret: String, date: some StringProtocol, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [String(date), region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    /// The hex signature of `stringToSign` under the signing key of `secret` and `scope`'s parts.
    static func signature(
        stringToSign: String,
        secret: String,
        amzDate: String,
        region: String,
        service: String
    ) -> String {
        let key = signingKey(secret: secret, date: amzDate.prefix(8), region: region, service: service)
        return hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    // MARK: hex

    /// Lowercase hex of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(lowerHex[Int(b >> 4)])
            out.append(lowerHex[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase hex SHA-256 of `data`, as SigV4 writes payload hashes.
    public static func sha256Hex(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    /// Bytes from hex text (either case), or nil when `text` is not hex.
    static func bytes(fromHex text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = hexValue(utf8[i]), let lo = hexValue(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
