/// CloudTrail's object-key layout for log, Insights and digest files (spec §2.1).
public struct TrailKeyLayout: Sendable, Hashable {
    /// The trail's `S3KeyPrefix` (without a trailing `/`).
    public var prefix: String?
    /// `o-…` for organization trails.
    public var organizationID: String?

    public init(prefix: String? = nil, organizationID: String? = nil) {
        let trimmed = prefix.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.prefix = trimmed?.isEmpty == true ? nil : trimmed
        self.organizationID = organizationID
    }

    /// Which folder a file goes to.
    public enum Kind: String, Sendable {
        case cloudTrail = "CloudTrail"
        case insight = "CloudTrail-Insight"
        case digest = "CloudTrail-Digest"
    }

    /// `[prefix/]AWSLogs/[org/]ACCOUNT/<kind>/REGION` — no trailing slash.
    public func folder(_ kind: Kind, account: String, region: String) -> String {
        var s = ""
        if let prefix { s += prefix + "/" }
        s += "AWSLogs/"
        if let organizationID { s += organizationID + "/" }
        s += "\(account)/\(kind.rawValue)/\(region)"
        return s
    }

    /// A log (or Insights) file key: date folders and `YYYYMMDDTHHmmZ` from the delivery time.
    public func logKey(kind: Kind = .cloudTrail, account: String, region: String, deliveryTime: Int64, unique: String) -> String {
        let t = UTCParts(deliveryTime)
        return folder(kind, account: account, region: region)
            + "/\(t.year)/\(t.month)/\(t.day)/\(account)_\(kind.rawValue)_\(region)_\(t.year)\(t.month)\(t.day)T\(t.hour)\(t.minute)Z_\(unique).json.gz"
    }

    /// A digest key: date folders and `YYYYMMDDTHHmmssZ` from `digestEndTime`.
    public func digestKey(account: String, region: String, trailName: String, homeRegion: String, endTime: Int64) -> String {
        let t = UTCParts(endTime)
        return folder(.digest, account: account, region: region)
            + "/\(t.year)/\(t.month)/\(t.day)/\(account)_CloudTrail-Digest_\(region)_\(trailName)_\(homeRegion)_\(t.year)\(t.month)\(t.day)T\(t.hour)\(t.minute)\(t.second)Z.json.gz"
    }

    /// Sixteen characters of `[A-Za-z0-9]` derived from `seed` (deterministic, so a delivery
    /// replayed after a crash writes the same keys).
    public static func uniqueSuffix(seed: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for i in 0..<16 { out.append(alphabet[Int(seed[i % seed.count]) % alphabet.count]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Zero-padded UTC calendar fields of an epoch second.
struct UTCParts {
    var year, month, day, hour, minute, second: String

    init(_ seconds: Int64) {
        let days = Int64((Double(seconds) / 86400).rounded(.down))
        let rem = seconds - days * 86400
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        year = pad(y, 4)
        month = pad(m, 2)
        day = pad(d, 2)
        hour = pad(rem / 3600, 2)
        minute = pad(rem % 3600 / 60, 2)
        second = pad(rem % 60, 2)
    }
}
