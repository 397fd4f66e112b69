import Foundation
import TrailModel

/// Which objects under an import's S3 location are trail log files, and which the time range prunes
/// (plan §3.4; AWS `cloudtrail-copy-trail-to-lake.md`).
public enum ImportSourceListing {
    /// What to do with one key.
    public enum Decision: Sendable, Hashable {
        /// A gzip log file to copy.
        case read
        /// A file under `CloudTrail/` that is not gzip: a failure entry (`UnsupportedFileFormat`).
        case unsupported
        /// Not a log file of the import (digests, other folders, pruned by the time range).
        case skip
    }

    /// Decides every key listed under the import's prefix.
    ///
    /// Only keys below a `CloudTrail/` folder count when the listing has any; otherwise every `.json.gz`.
    /// Files whose name stamp (`_YYYYMMDDTHHmmZ_`, the delivery time, at or after every event in the file) is
    /// before `start` are pruned, and so are files in date folders more than a day after `end`.
    public static func decide(keys: [String], prefix: String, start: Int64?, end: Int64?) -> [String: Decision] {
        let hasTrailLayout = keys.contains { isUnderCloudTrail($0, prefix: prefix) }
        var decisions: [String: Decision] = [:]
        for key in keys {
            if hasTrailLayout && !isUnderCloudTrail(key, prefix: prefix) {
                decisions[key] = .skip
                continue
            }
            if !key.hasSuffix(".gz") {
                decisions[key] = hasTrailLayout && key.hasSuffix(".json") ? .unsupported : .skip
                continue
            }
            if let start, let stamp = fileStamp(key), stamp < start {
                decisions[key] = .skip
                continue
            }
            if let end, let day = folderDay(key), day > end + 86400 {
                decisions[key] = .skip
                continue
            }
            decisions[key] = .read
        }
        return decisions
    }

    static func isUnderCloudTrail(_ key: String, prefix: String) -> Bool {
        let rest = key.dropFirst(prefix.count)
        return rest.hasPrefix("CloudTrail/") || rest.contains("/CloudTrail/")
    }

    /// The `YYYYMMDDTHHmmZ` stamp of a log file name, epoch seconds.
    static func fileStamp(_ key: String) -> Int64? {
        let name = key.split(separator: "/").last.map(String.init) ?? key
        for part in name.split(separator: "_") where part.count == 14 && part.hasSuffix("Z") && part.dropFirst(8).first == "T" {
            let s = String(part)
            let text = "\(s.prefix(4))-\(s.dropFirst(4).prefix(2))-\(s.dropFirst(6).prefix(2))T\(s.dropFirst(9).prefix(2)):\(s.dropFirst(11).prefix(2)):00Z"
            if let t = EventTime.parse(text) { return t }
        }
        return nil
    }

    /// The start of the `/YYYY/MM/DD/` folder a key sits in, epoch seconds.
    static func folderDay(_ key: String) -> Int64? {
        let parts = key.split(separator: "/").map(String.init)
        guard parts.count >= 4 else { return nil }
        for i in 0..<(parts.count - 3) {
            let (y, m, d) = (parts[i], parts[i + 1], parts[i + 2])
            guard y.count == 4, m.count == 2, d.count == 2, Int(y) != nil, Int(m) != nil, Int(d) != nil else { continue }
            if let t = EventTime.parse("\(y)-\(m)-\(d)T00:00:00Z") { return t }
        }
        return nil
    }
}
