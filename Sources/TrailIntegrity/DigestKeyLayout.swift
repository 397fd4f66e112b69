/// The digest keys of one trail in one source region, as the CLI's `DigestProvider` computes and
/// recognizes them: the listing prefix and marker, the key pattern, and the time stamp in a key.
///
/// The key prefix is used exactly as given (a trailing `/` is kept, which gives `p//AWSLogs/…`),
/// and an empty prefix counts as none, as in the CLI.
struct DigestKeyLayout: Sendable, Hashable {
    /// The account whose digests are validated (the member account for organization trails).
    var accountID: String
    var trailName: String
    var homeRegion: String
    /// The region whose digests are validated.
    var sourceRegion: String
    /// `o-…` for organization trails.
    var organizationID: String?

    private func folder(_ prefix: String?) -> String {
        var s = ""
        if let prefix, !prefix.isEmpty { s = prefix + "/" }
        s += "AWSLogs/"
        if let organizationID { s += organizationID + "/" }
        return s + "\(accountID)/CloudTrail-Digest/\(sourceRegion)"
    }

    /// `[prefix/]AWSLogs/[org/]ACCOUNT/CloudTrail-Digest/REGION`, the listing prefix (no trailing `/`).
    func listPrefix(_ prefix: String?) -> String { folder(prefix) }

    /// The key a digest ending one minute before `start` would have: the listing's marker.
    func marker(start: CLITime, prefix: String?) -> String {
        let date = start.adding(seconds: -60)
        return folder(prefix) + "/\(date.datePath)/\(fileNameStart)\(date.keyStamp).json.gz"
    }

    /// `ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOME_`.
    private var fileNameStart: String {
        "\(accountID)_CloudTrail-Digest_\(sourceRegion)_\(trailName)_\(homeRegion)_"
    }

    /// Whether `key` is one of this trail's digest keys: the CLI's regular expression
    /// `^folder/\d+/\d+/\d+/ACCOUNT_CloudTrail\-Digest_REGION_TRAIL_HOME_.+(?:_backfill)?\.json\.gz$`,
    /// matched on code points with Python's rules (`\d` is any Unicode decimal digit, `.` is not
    /// a newline, `$` also matches before a final newline).
    func matches(_ key: String, prefix: String?) -> Bool {
        let scalars = Array(key.unicodeScalars)
        var i = 0
        func literal(_ text: String) -> Bool {
            for scalar in text.unicodeScalars {
                guard i < scalars.count, scalars[i] == scalar else { return false }
                i += 1
            }
            return true
        }
        guard literal(folder(prefix) + "/") else { return false }
        for _ in 0..<3 {
            let start = i
            while i < scalars.count, scalars[i].properties.numericType == .decimal { i += 1 }
            guard i > start, literal("/") else { return false }
        }
        guard literal(fileNameStart) else { return false }
        var rest = scalars[i...]
        if rest.last == "\n" { rest = rest.dropLast() }
        let suffix = Array(".json.gz".unicodeScalars)
        return rest.count > suffix.count && !rest.contains("\n") && rest.suffix(suffix.count).elementsEqual(suffix)
    }

    /// Whether `key` names a backfill digest (ends with `_backfill.json.gz`).
    static func isBackfill(_ key: String) -> Bool {
        key.utf8.reversed().starts(with: "_backfill.json.gz".utf8.reversed())
    }

    /// The 16-character time stamp in a digest key: `key[-24:-8]`, or `key[-33:-17]` for a
    /// backfill key, in code points as Python slices.
    static func stamp(of key: String) -> String {
        let scalars = Array(key.unicodeScalars)
        let (from, to) = isBackfill(key) ? (33, 17) : (24, 8)
        let start = max(0, scalars.count - from)
        let end = max(0, scalars.count - to)
        guard start < end else { return "" }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[start..<end])
        return String(out)
    }

    /// Python's `a > b` for strings: code point order, which UTF-8 byte order preserves.
    static func isAfter(_ a: String, _ b: String) -> Bool {
        b.utf8.lexicographicallyPrecedes(a.utf8)
    }
}
