import Foundation

/// Where `trailkeeper import` reads CloudTrail files from.
public enum ImportSource: Sendable, Hashable {
    /// A local file or folder (walked recursively).
    case path(String)
    /// Every object under a prefix of an S3 bucket.
    case s3(bucket: String, prefix: String)

    /// Parses `PATH` or `s3://bucket/prefix`.
    public init(argument: String) {
        if argument.hasPrefix("s3://") {
            let rest = argument.dropFirst(5)
            if let slash = rest.firstIndex(of: "/") {
                self = .s3(bucket: String(rest[..<slash]), prefix: String(rest[rest.index(after: slash)...]))
            } else {
                self = .s3(bucket: String(rest), prefix: "")
            }
        } else {
            self = .path(argument)
        }
    }

    /// File names that look like CloudTrail documents.
    public static func isCandidate(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".json") || lower.hasSuffix(".json.gz") || lower.hasSuffix(".jsonl")
            || lower.hasSuffix(".jsonl.gz") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".gz")
    }

    /// The local files of a path source, sorted; a file named directly is taken whatever its name.
    static func localFiles(_ path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError("no such file or folder: \(path)")
        }
        guard isDirectory.boolValue else { return [path] }
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            throw ImportError("cannot read the folder \(path)")
        }
        var files: [String] = []
        for case let relative as String in walker where isCandidate(relative) {
            let full = (path as NSString).appendingPathComponent(relative)
            var dir: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &dir), !dir.boolValue { files.append(full) }
        }
        return files.sorted()
    }
}

/// An import problem shown to the user.
public struct ImportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
