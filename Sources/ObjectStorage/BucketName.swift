/// S3's bucket naming rules (general purpose buckets).
public enum BucketName {
    /// Names the embedded server keeps for its own routes.
    public static let reserved: Set<String> = ["v1", "health", "metrics", "console"]

    /// Whether `name` is a valid S3 bucket name: 3–63 characters of `a-z 0-9 . -`, starting and
    /// ending with a letter or digit, no `..`, not an IPv4 address, none of S3's reserved prefixes/suffixes.
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
        guard alnum(bytes.first!), alnum(bytes.last!) else { return false }
        for b in bytes where !(alnum(b) || b == 46 || b == 45) { return false }
        if name.contains("..") || name.contains(".-") || name.contains("-.") { return false }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) { return false }
        if name.hasPrefix("xn--") || name.hasPrefix("sthree-") || name.hasSuffix("-s3alias") || name.hasSuffix("--ol-s3") {
            return false
        }
        return true
    }
}
