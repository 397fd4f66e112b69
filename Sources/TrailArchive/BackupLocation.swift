import Foundation

/// Where a backup reads or writes: `s3://bucket[/prefix]` or a local folder whose files are the objects.
public enum BackupLocation: Sendable, Hashable, CustomStringConvertible {
    /// A bucket and a key prefix (empty, or ending with `/` when it names a folder).
    case s3(bucket: String, prefix: String)
    /// A folder: keys are paths relative to it.
    case folder(String)

    /// Parses `s3://bucket[/prefix]`, or takes anything else as a folder path.
    public init(parsing text: String) throws {
        if text.hasPrefix("s3://") {
            let rest = text.dropFirst(5)
            let bucket = rest.prefix { $0 != "/" }
            guard !bucket.isEmpty else { throw BackupError.invalidLocation(text) }
            var prefix = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
            if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
            self = .s3(bucket: String(bucket), prefix: prefix)
        } else {
            guard !text.isEmpty else { throw BackupError.invalidLocation(text) }
            self = .folder(text)
        }
    }

    public var description: String {
        switch self {
        case .s3(let bucket, let prefix): "s3://\(bucket)/\(prefix)"
        case .folder(let path): path
        }
    }
}

/// Why a backup could not start.
public enum BackupError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidLocation(String)
    case invalidPattern(String)

    public var description: String {
        switch self {
        case .invalidLocation(let text): "not an s3://bucket[/prefix] URL or a folder: \(text)"
        case .invalidPattern(let text): "invalid pattern: \(text)"
        }
    }
}
