import Foundation

/// An AWS shared credentials or config file (`~/.aws/credentials`, `~/.aws/config`), parsed the
/// way botocore's `raw_config_parse` reads it.
///
/// The format is INI as Python's `configparser` reads it: `[section]` headers; `key = value` or
/// `key: value` (keys lowercased, both sides trimmed); whole-line comments starting with `#` or `;`
/// (a `#` after a value belongs to the value). An indented line continues the key above it:
/// botocore reads such lines as a nested section, so
/// ```
/// s3 =
///     addressing_style = path
/// ```
/// is stored as the key `s3.addressing_style`. A later duplicate key wins.
public struct AWSConfigFile: Sendable, Hashable {
    /// The sections by name (`default`, `profile prod`, `services local`…), each a key → value map.
    public var sections: [String: [String: String]]

    /// An empty file.
    public init() {
        sections = [:]
    }

    /// Parses the text of a credentials or config file.
    public init(parsing text: String) {
        var sections: [String: [String: String]] = [:]
        var section: String?
        var parentKey: String?  // the key whose value continues on indented lines
        var parentIndent = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let indent = rawLine.prefix(while: { $0 == " " || $0 == "\t" }).count
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if let parent = parentKey, let current = section, indent > parentIndent {
                if let (key, value) = Self.keyValue(line) {
                    sections[current, default: [:]][parent + "." + key] = value
                } else {
                    let existing = sections[current]?[parent] ?? ""
                    sections[current, default: [:]][parent] = existing.isEmpty ? line : existing + "\n" + line
                }
                continue
            }
            parentKey = nil
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                section = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let current = section, let (key, value) = Self.keyValue(line) else { continue }
            sections[current, default: [:]][key] = value
            parentKey = key
            parentIndent = indent
        }
        self.sections = sections
    }

    /// Reads and parses the file at `path` (a leading `~/` is the home directory of `environment`).
    ///
    /// - Returns: nil when the file does not exist or cannot be read.
    public init?(contentsOfFile path: String, environment: [String: String] = [:]) {
        let expanded = Self.expandingTilde(path, environment: environment)
        guard let data = FileManager.default.contents(atPath: expanded) else { return nil }
        self.init(parsing: String(decoding: data, as: UTF8.self))
    }

    /// The keys of `section`, or nil when there is no such section.
    public subscript(section: String) -> [String: String]? {
        sections[section]
    }

    /// A profile of a config file: `[profile NAME]`; for `default` also `[default]` (where both exist,
    /// their keys are merged and `[profile default]` wins).
    public func configProfile(_ name: String) -> [String: String]? {
        let bare = name == "default" ? sections["default"] : nil
        let prefixed = section(kind: "profile", name: name)
        guard let prefixed else { return bare }
        return (bare ?? [:]).merging(prefixed) { _, profile in profile }
    }

    /// A `[services NAME]` section of a config file.
    public func servicesSection(_ name: String) -> [String: String]? {
        section(kind: "services", name: name)
    }

    /// A `[KIND NAME]` section, however many spaces separate the words.
    func section(kind: String, name: String) -> [String: String]? {
        sections.first { section, _ in
            let parts = section.split(whereSeparator: \.isWhitespace)
            return parts.count == 2 && parts[0] == kind && parts[1] == name
        }?.value
    }

    static func keyValue(_ line: String) -> (String, String)? {
        guard let delimiter = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
        let key = line[..<delimiter].trimmingCharacters(in: .whitespaces).lowercased()
        guard !key.isEmpty else { return nil }
        return (key, line[line.index(after: delimiter)...].trimmingCharacters(in: .whitespaces))
    }

    static func expandingTilde(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return home + path.dropFirst()
    }
}
