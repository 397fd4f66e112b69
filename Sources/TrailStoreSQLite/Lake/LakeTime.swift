import Foundation
import TrailLakeSQL

/// Trino's date and time functions over epoch milliseconds, UTC (plan §2.5): ISO weeks for `week` and
/// `year_of_week`, `day_of_week` 1 = Monday, month arithmetic clamped to the month's last day.
enum LakeTime {
    static let msPerDay: Int64 = 86_400_000

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }

    /// Civil date of a day count since 1970-01-01.
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) { TrinoFormat.civil(days: days) }

    static func days(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        TimestampLiteral.days(year: year, month: month, day: day)
    }

    static func isLeap(_ year: Int64) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func monthLength(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// ISO 8601 day of week, 1 = Monday … 7 = Sunday.
    static func dayOfWeek(days: Int64) -> Int64 { floorMod(days + 3, 7) + 1 }

    /// ISO week-numbering year and week of a day.
    static func isoWeek(days: Int64) -> (year: Int64, week: Int64) {
        let thursday = days - (dayOfWeek(days: days) - 4)
        let year = civil(days: thursday).year
        return (year, (thursday - self.days(year, 1, 1)) / 7 + 1)
    }

    /// `tk_date_part(part, ms)`.
    static func part(_ part: String, _ ms: Int64) -> Int64? {
        let day = floorDiv(ms, msPerDay)
        let inDay = ms - day * msPerDay
        let date = civil(days: day)
        switch part {
        case "year": return date.year
        case "quarter": return (date.month - 1) / 3 + 1
        case "month": return date.month
        case "day": return date.day
        case "day_of_week": return dayOfWeek(days: day)
        case "day_of_year": return day - days(date.year, 1, 1) + 1
        case "week": return isoWeek(days: day).week
        case "year_of_week": return isoWeek(days: day).year
        case "hour": return inDay / 3_600_000
        case "minute": return inDay / 60_000 % 60
        case "second": return inDay / 1000 % 60
        case "millisecond": return inDay % 1000
        case "epoch_day": return day
        default: return nil
        }
    }

    /// Milliseconds of a fixed-length unit.
    static func fixedUnit(_ unit: String) -> Int64? {
        switch unit {
        case "millisecond": 1
        case "second": 1000
        case "minute": 60_000
        case "hour": 3_600_000
        case "day": msPerDay
        case "week": 7 * msPerDay
        default: nil
        }
    }

    /// Months of a calendar unit.
    static func monthUnit(_ unit: String) -> Int64? {
        switch unit {
        case "month": 1
        case "quarter": 3
        case "year": 12
        default: nil
        }
    }

    /// `tk_date_trunc(unit, ms)`.
    static func truncate(_ unit: String, _ ms: Int64) -> Int64? {
        let unit = unit.lowercased()
        if unit == "week" {
            let day = floorDiv(ms, msPerDay)
            return (day - (dayOfWeek(days: day) - 1)) * msPerDay
        }
        if let size = fixedUnit(unit) { return floorDiv(ms, size) * size }
        guard let months = monthUnit(unit) else { return nil }
        let date = civil(days: floorDiv(ms, msPerDay))
        let month = (date.month - 1) / months * months + 1
        return days(date.year, month, 1) * msPerDay
    }

    /// `tk_date_add(unit, n, ms)`.
    static func add(_ unit: String, _ amount: Int64, _ ms: Int64) -> Int64? {
        let unit = unit.lowercased()
        if let size = fixedUnit(unit) { return ms &+ amount &* size }
        guard let months = monthUnit(unit) else { return nil }
        return addMonths(amount * months, to: ms)
    }

    static func addMonths(_ months: Int64, to ms: Int64) -> Int64 {
        let day = floorDiv(ms, msPerDay)
        let inDay = ms - day * msPerDay
        let date = civil(days: day)
        let total = date.year * 12 + (date.month - 1) + months
        let year = floorDiv(total, 12)
        let month = total - year * 12 + 1
        let clamped = Swift.min(date.day, monthLength(year, month))
        return days(year, month, clamped) * msPerDay + inDay
    }

    /// `tk_date_diff(unit, a, b)`: whole units from `a` to `b`, truncated toward zero.
    static func difference(_ unit: String, _ a: Int64, _ b: Int64) -> Int64? {
        let unit = unit.lowercased()
        if let size = fixedUnit(unit) { return (b - a) / size }
        guard let months = monthUnit(unit) else { return nil }
        let from = civil(days: floorDiv(a, msPerDay))
        let to = civil(days: floorDiv(b, msPerDay))
        var count = (to.year - from.year) * 12 + (to.month - from.month)
        if count > 0, addMonths(count, to: a) > b { count -= 1 }
        if count < 0, addMonths(count, to: a) < b { count += 1 }
        return count / months
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// `date_format(ts, format)` with MySQL specifiers (Trino), or `to_iso8601` when `format` is `iso8601`.
    static func format(_ ms: Int64, _ format: String) -> String {
        let day = floorDiv(ms, msPerDay)
        let inDay = ms - day * msPerDay
        let date = civil(days: day)
        let hour = inDay / 3_600_000
        let minute = inDay / 60_000 % 60
        let second = inDay / 1000 % 60
        let milli = inDay % 1000
        if format == "iso8601" {
            return "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(milli, 3))"
        }
        let hour12 = hour % 12 == 0 ? 12 : hour % 12
        var out = ""
        var escaping = false
        for character in format {
            guard escaping else {
                if character == "%" { escaping = true } else { out.append(character) }
                continue
            }
            escaping = false
            switch character {
            case "a": out += String(dayNames[Int(dayOfWeek(days: day) - 1)].prefix(3))
            case "b": out += String(monthNames[Int(date.month - 1)].prefix(3))
            case "c": out += String(date.month)
            case "d": out += pad(date.day, 2)
            case "e": out += String(date.day)
            case "f": out += pad(milli * 1000, 6)
            case "H": out += pad(hour, 2)
            case "h", "I": out += pad(hour12, 2)
            case "i": out += pad(minute, 2)
            case "j": out += pad(day - days(date.year, 1, 1) + 1, 3)
            case "k": out += String(hour)
            case "l": out += String(hour12)
            case "M": out += monthNames[Int(date.month - 1)]
            case "m": out += pad(date.month, 2)
            case "p": out += hour < 12 ? "AM" : "PM"
            case "r": out += "\(pad(hour12, 2)):\(pad(minute, 2)):\(pad(second, 2)) \(hour < 12 ? "AM" : "PM")"
            case "S", "s": out += pad(second, 2)
            case "T": out += "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
            case "v": out += pad(isoWeek(days: day).week, 2)
            case "W": out += dayNames[Int(dayOfWeek(days: day) - 1)]
            case "x": out += pad(isoWeek(days: day).year, 4)
            case "Y": out += pad(date.year, 4)
            case "y": out += pad(floorMod(date.year, 100), 2)
            default: out.append(character)
            }
        }
        return out
    }

    /// `date_parse(text, format)` with MySQL specifiers; nil when `text` does not fit `format`.
    static func parse(_ text: String, _ format: String) -> Int64? {
        let input = Array(text.utf8)
        var index = 0
        var year: Int64 = 1970, month: Int64 = 1, day: Int64 = 1, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, milli: Int64 = 0
        var pm: Bool?
        func number(_ maximumDigits: Int) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while index < input.count, count < maximumDigits, input[index] >= 0x30, input[index] <= 0x39 {
                value = value * 10 + Int64(input[index] - 0x30)
                index += 1
                count += 1
            }
            return count > 0 ? value : nil
        }
        var escaping = false
        for byte in format.utf8 {
            if !escaping {
                if byte == UInt8(ascii: "%") {
                    escaping = true
                    continue
                }
                guard index < input.count, input[index] == byte else { return nil }
                index += 1
                continue
            }
            escaping = false
            switch byte {
            case UInt8(ascii: "Y"): guard let v = number(4) else { return nil }; year = v
            case UInt8(ascii: "y"): guard let v = number(2) else { return nil }; year = v < 70 ? 2000 + v : 1900 + v
            case UInt8(ascii: "m"), UInt8(ascii: "c"): guard let v = number(2) else { return nil }; month = v
            case UInt8(ascii: "d"), UInt8(ascii: "e"): guard let v = number(2) else { return nil }; day = v
            case UInt8(ascii: "H"), UInt8(ascii: "k"), UInt8(ascii: "h"), UInt8(ascii: "I"), UInt8(ascii: "l"):
                guard let v = number(2) else { return nil }; hour = v
            case UInt8(ascii: "i"): guard let v = number(2) else { return nil }; minute = v
            case UInt8(ascii: "s"), UInt8(ascii: "S"): guard let v = number(2) else { return nil }; second = v
            case UInt8(ascii: "f"):
                let start = index
                guard let v = number(9) else { return nil }
                var scaled = v
                var digits = index - start
                while digits > 3 { scaled /= 10; digits -= 1 }
                while digits < 3 { scaled *= 10; digits += 1 }
                milli = scaled
            case UInt8(ascii: "T"):
                guard let h = number(2), index < input.count, input[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let m = number(2), index < input.count, input[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let s = number(2) else { return nil }
                (hour, minute, second) = (h, m, s)
            case UInt8(ascii: "p"):
                guard index + 2 <= input.count else { return nil }
                let word = String(decoding: input[index..<index + 2], as: UTF8.self).uppercased()
                guard word == "AM" || word == "PM" else { return nil }
                pm = word == "PM"
                index += 2
            case UInt8(ascii: "%"):
                guard index < input.count, input[index] == byte else { return nil }
                index += 1
            default:
                return nil
            }
        }
        guard index == input.count, (1...12).contains(month), day >= 1, day <= monthLength(year, month), hour < 24, minute < 60, second < 60
        else { return nil }
        if let pm {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        return days(year, month, day) * msPerDay + ((hour * 60 + minute) * 60 + second) * 1000 + milli
    }

    /// `from_iso8601_timestamp` and `date(varchar)`: a timestamp literal with an optional `Z` or `±HH[:MM]` offset.
    static func parseTimestamp(_ text: String) -> Int64? {
        if let ms = TimestampLiteral.milliseconds(text) { return ms }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count > 6, let sign = trimmed.lastIndex(where: { $0 == "+" || $0 == "-" }),
            trimmed.distance(from: trimmed.startIndex, to: sign) >= 10
        else { return nil }
        let offset = trimmed[trimmed.index(after: sign)...].replacingOccurrences(of: ":", with: "")
        guard offset.count == 2 || offset.count == 4, let value = Int64(offset), let base = TimestampLiteral.milliseconds(String(trimmed[..<sign])) else {
            return nil
        }
        let minutes = offset.count == 2 ? value * 60 : value / 100 * 60 + value % 100
        return base - (trimmed[sign] == "+" ? 1 : -1) * minutes * 60_000
    }
}
