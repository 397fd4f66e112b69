import Foundation

/// The UTC time in a CloudTrail object key.
public enum CloudTrailKeyDate {
    /// The file name's `_YYYYMMDDTHHmm[ss]Z` stamp (log, digest and Insights files), else the
    /// `/YYYY/MM/DD/` folders; `nil` when the key has neither.
    public static func date(in key: String) -> Date? {
        let bytes = Array(key.utf8)
        let name = bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
        // The file name's stamp: _ + 8 digits + T + 4 or 6 digits + Z.
        var i = bytes.count - 14
        while i >= name {
            if bytes[i] == UInt8(ascii: "_"), let stamp = stamp(bytes, at: i + 1) { return stamp }
            i -= 1
        }
        // The folders: …/YYYY/MM/DD/file.
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4 else { return nil }
        for j in stride(from: parts.count - 2, through: 2, by: -1) {
            let (y, m, d) = (parts[j - 2], parts[j - 1], parts[j])
            guard y.count == 4, m.count == 2, d.count == 2, let year = Int(y), let month = Int(m), let day = Int(d) else {
                continue
            }
            if let date = make(year, month, day, 0, 0, 0) { return date }
        }
        return nil
    }

    static func stamp(_ b: [UInt8], at start: Int) -> Date? {
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for k in from..<(from + count) {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                value = value * 10 + Int(b[k] - 48)
            }
            return value
        }
        guard let year = digits(start, 4), let month = digits(start + 4, 2), let day = digits(start + 6, 2),
            start + 8 < b.count, b[start + 8] == UInt8(ascii: "T"),
            let hour = digits(start + 9, 2), let minute = digits(start + 11, 2)
        else { return nil }
        var second = 0
        if start + 13 < b.count, b[start + 13] == UInt8(ascii: "Z") {
        } else if let s = digits(start + 13, 2), start + 15 < b.count, b[start + 15] == UInt8(ascii: "Z") {
            second = s
        } else {
            return nil
        }
        return make(year, month, day, hour, minute, second)
    }

    static func make(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> Date? {
        guard (1970...9999).contains(year), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(
            from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }
}
