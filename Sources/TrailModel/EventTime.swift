/// Parsing and formatting of CloudTrail timestamps (`2024-05-01T13:02:15Z`).
public enum EventTime {
    /// Parses an ISO-8601 timestamp to seconds since 1970.
    ///
    /// Accepts `YYYY-MM-DDTHH:MM:SS` with optional fractional seconds, followed by `Z`, an
    /// offset (`+02:00`), or nothing (taken as UTC); a space may stand for `T`, as CloudTrail
    /// Lake writes it. Fractions are truncated to the second.
    /// - Returns: `nil` when the text is not such a timestamp.
    public static func parse<S: StringProtocol>(_ text: S) -> Int64? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { parse(UnsafeBufferPointer($0)) }
    }

    /// Parses a timestamp from UTF-8 bytes.
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count >= 19 else { return nil }
        func digits(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45,
            let day = digits(8, 2), b[10] == 84 || b[10] == 32 || b[10] == 116,
            let hour = digits(11, 2), b[13] == 58, let minute = digits(14, 2), b[16] == 58,
            let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else {
            return nil
        }
        var i = 19
        if i < b.count && b[i] == 46 {  // fraction
            i += 1
            let start = i
            while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
            if i == start { return nil }
        }
        var offset = 0
        if i < b.count {
            switch b[i] {
            case 90, 122:  // Z
                i += 1
            case 43, 45:  // +hh:mm / -hh:mm
                let sign = b[i] == 43 ? 1 : -1
                guard i + 6 <= b.count, let oh = digits(i + 1, 2), b[i + 3] == 58, let om = digits(i + 4, 2) else {
                    return nil
                }
                offset = sign * (oh * 3600 + om * 60)
                i += 6
            default:
                return nil
            }
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
    }

    /// Formats seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ`.
    public static func format(_ seconds: Int64) -> String {
        let (y, m, d, hh, mm, ss) = components(seconds)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2))Z"
    }

    /// Formats seconds since 1970 as CloudTrail Lake does: `YYYY-MM-DD HH:MM:SS.000`.
    public static func formatLake(_ seconds: Int64) -> String {
        let (y, m, d, hh, mm, ss) = components(seconds)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2)) \(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2)).000"
    }

    static func components(_ seconds: Int64) -> (Int, Int, Int, Int, Int, Int) {
        var days = seconds / 86400
        var rem = seconds % 86400
        if rem < 0 {
            rem += 86400
            days -= 1
        }
        let (y, m, d) = civilFromDays(Int(days))
        return (y, m, d, Int(rem / 3600), Int(rem % 3600 / 60), Int(rem % 60))
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    // Howard Hinnant's civil-calendar algorithms.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
