import Foundation

/// The UTC timestamp formats AWS puts on the wire, formatted and parsed without `Calendar` or a formatter.
///
/// - `20150830T123600Z`: SigV4's `X-Amz-Date` (ISO 8601 basic).
/// - `Sun, 30 Aug 2015 12:36:00 GMT`: HTTP dates (`Date`, `Last-Modified`), also with `-0000`/`+0000`.
/// - `2015-08-30T12:36:00.000Z`: S3's XML timestamps (ISO 8601 extended).
public enum UTCTime {
    /// The calendar fields of an instant, in UTC.
    struct Fields: Equatable {
        var year: Int
        var month: Int
        var day: Int
        var hour: Int
        var minute: Int
        var second: Int
        var weekday: Int  // 0 = Sunday
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    /// Splits `date` (whole seconds, rounded down) into UTC calendar fields.
    static func fields(of date: Date) -> Fields {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds.floorDivided(by: 86_400)
        let rest = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = (days + 4).floorModulo(7)  // 1970-01-01 was a Thursday
        return Fields(
            year: year,
            month: month,
            day: day,
            hour: rest / 3600,
            minute: rest % 3600 / 60,
            second: rest % 60,
            weekday: weekday
        )
    }

    /// The instant of UTC calendar fields, or nil when a field is out of range.
    static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
            (0...60).contains(second)
        else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    // MARK: ISO 8601 basic (X-Amz-Date)

    /// `20150830T123600Z`.
    static func amzTimestamp(_ date: Date) -> String {
        let f = fields(of: date)
        return "\(digits(f.year, 4))\(digits(f.month, 2))\(digits(f.day, 2))T"
            + "\(digits(f.hour, 2))\(digits(f.minute, 2))\(digits(f.second, 2))Z"
    }

    /// Parses exactly `YYYYMMDDTHHMMSSZ`.
    static func parseAmzTimestamp(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z"),
            let year = number(b[0..<4]), let month = number(b[4..<6]), let day = number(b[6..<8]),
            let hour = number(b[9..<11]), let minute = number(b[11..<13]), let second = number(b[13..<15])
        else { return nil }
        return date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    // MARK: HTTP dates

    /// `Sun, 30 Aug 2015 12:36:00 GMT` (or with another zone suffix, such as Python's `-0000`).
    static func httpDate(_ date: Date, zone: String = "GMT") -> String {
        let f = fields(of: date)
        return "\(dayNames[f.weekday]), \(digits(f.day, 2)) \(monthNames[f.month - 1]) \(digits(f.year, 4)) "
            + "\(digits(f.hour, 2)):\(digits(f.minute, 2)):\(digits(f.second, 2)) \(zone)"
    }

    /// Parses an RFC 1123 date in UTC: `[Sun, ]30 Aug 2015 12:36:00 GMT|UTC|Z|+0000|-0000`.
    static func parseHTTPDate(_ text: String) -> Date? {
        var parts = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        if let first = parts.first, dayNames.contains(first) { parts.removeFirst() }
        guard parts.count == 5, ["GMT", "UTC", "Z", "+0000", "-0000"].contains(parts[4]),
            let day = Int(parts[0]), let monthIndex = monthNames.firstIndex(of: parts[1]), let year = Int(parts[2])
        else { return nil }
        let time = parts[3].split(separator: ":")
        guard time.count == 3, let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]) else {
            return nil
        }
        return date(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)
    }

    // MARK: ISO 8601 extended (S3 XML)

    /// `2015-08-30T12:36:00.250Z`, as S3's XML carries timestamps (milliseconds, rounded down).
    public static func iso8601(_ date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = milliseconds.floorDivided(by: 1000)
        let f = fields(of: Date(timeIntervalSince1970: Double(seconds)))
        return "\(digits(f.year, 4))-\(digits(f.month, 2))-\(digits(f.day, 2))T\(digits(f.hour, 2)):\(digits(f.minute, 2)):"
            + "\(digits(f.second, 2)).\(digits(milliseconds - seconds * 1000, 3))Z"
    }

    /// Parses `2015-08-30T12:36:00Z` and `2015-08-30T12:36:00.123Z`.
    public static func parseISO8601(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b.last == UInt8(ascii: "Z"),
            let year = number(b[0..<4]), let month = number(b[5..<7]), let day = number(b[8..<10]),
            let hour = number(b[11..<13]), let minute = number(b[14..<16]), let second = number(b[17..<19]),
            let whole = date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        if b.count == 20 { return whole }
        let fraction = b[20..<(b.count - 1)]
        guard b[19] == UInt8(ascii: "."), !fraction.isEmpty, fraction.count <= 9, let value = number(fraction) else {
            return nil
        }
        var scale = 1.0
        for _ in fraction { scale *= 10 }
        return whole.addingTimeInterval(Double(value) / scale)
    }

    // MARK: helpers

    static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for b in bytes {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(b - UInt8(ascii: "0"))
        }
        return bytes.isEmpty ? nil : value
    }
}

extension Int {
    fileprivate func floorDivided(by divisor: Int) -> Int {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }

    fileprivate func floorModulo(_ divisor: Int) -> Int {
        let r = self % divisor
        return r < 0 ? r + divisor : r
    }
}
