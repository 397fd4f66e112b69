import HTTPTypes
import Hummingbird

/// What a path-style S3 request addresses, read from the raw (percent-encoded) request target.
///
/// The path is decoded here, not by the router: keys may hold spaces, `+`, `%`, unicode and `/`,
/// and S3 reads `+` in a path as a plus. `/bucket` and `/bucket/` are the bucket.
enum S3Target: Equatable {
    case service
    case bucket(String)
    case object(bucket: String, key: String)

    /// The target of a raw path (without the query); nil when it is not UTF-8 once decoded.
    init?(rawPath: Substring) {
        var path = rawPath
        guard path.first == "/" else { return nil }
        path = path.dropFirst()
        guard !path.isEmpty else {
            self = .service
            return
        }
        let slash = path.firstIndex(of: "/")
        guard let bucket = S3Text.percentDecode(path[..<(slash ?? path.endIndex)], plusAsSpace: false) else { return nil }
        guard let slash, path.index(after: slash) < path.endIndex else {
            self = .bucket(bucket)
            return
        }
        guard let key = S3Text.percentDecode(path[path.index(after: slash)...], plusAsSpace: false) else { return nil }
        self = .object(bucket: bucket, key: key)
    }

    var bucket: String? {
        switch self {
        case .service: nil
        case .bucket(let bucket), .object(let bucket, _): bucket
        }
    }
}

/// The decoded query parameters of a request, first value of each name.
struct S3Query {
    private(set) var values: [String: String] = [:]

    /// Parses `name=value&name2&…` (form encoding: `+` is a space).
    init(raw: Substring) {
        for part in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = part.firstIndex(of: "=")
            guard let name = S3Text.percentDecode(part[..<(equals ?? part.endIndex)], plusAsSpace: true), values[name] == nil
            else { continue }
            values[name] = equals.map { S3Text.percentDecode(part[part.index(after: $0)...], plusAsSpace: true) ?? "" } ?? ""
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    func contains(_ name: String) -> Bool { values[name] != nil }

}

extension Request {
    /// The raw path and raw query of the request target.
    var s3RawTarget: (path: Substring, query: Substring) {
        let target = Substring(uri.string)
        guard let q = target.firstIndex(of: "?") else { return (target, "") }
        return (target[..<q], target[target.index(after: q)...])
    }
}
