/// CloudTrail's rules for trail names and trail ARNs.
public enum TrailName {
    /// Whether `name` is a valid trail name: 3–128 characters of ASCII letters, digits, `.`, `_`, `-`;
    /// starting and ending with a letter or digit; no two adjacent `.`, `_` or `-`; not an IPv4 address.
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...128).contains(bytes.count) else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) }
        func punct(_ b: UInt8) -> Bool { b == 46 || b == 95 || b == 45 }
        guard alnum(bytes.first!), alnum(bytes.last!) else { return false }
        var previousPunct = false
        for b in bytes {
            guard alnum(b) || punct(b) else { return false }
            if punct(b) && previousPunct { return false }
            previousPunct = punct(b)
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) { return false }
        return true
    }

    /// The parts of a trail ARN `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`.
    public struct ARN: Sendable, Hashable {
        public var partition: String
        public var region: String
        public var accountID: String
        public var name: String

        public init(partition: String = "aws", region: String, accountID: String, name: String) {
            self.partition = partition
            self.region = region
            self.accountID = accountID
            self.name = name
        }

        /// Parses `text`; `nil` unless it is a well-formed trail ARN with a 12-digit account.
        public init?(_ text: String) {
            let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            guard parts.count == 6, parts[0] == "arn", parts[2] == "cloudtrail", !parts[1].isEmpty, !parts[3].isEmpty,
                parts[4].count == 12, parts[4].allSatisfy(\.isNumber), parts[5].hasPrefix("trail/")
            else { return nil }
            let name = parts[5].dropFirst("trail/".count)
            guard !name.isEmpty else { return nil }
            self.init(partition: String(parts[1]), region: String(parts[3]), accountID: String(parts[4]), name: String(name))
        }

        public var description: String { "arn:\(partition):cloudtrail:\(region):\(accountID):trail/\(name)" }
    }
}
