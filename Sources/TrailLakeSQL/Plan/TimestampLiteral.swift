/// Parses Trino timestamp and date literals (`2023-01-22 00:00:00`, `2023-01-22 16:53:53.123`, `2020-01-01`) to
/// epoch milliseconds or days, UTC. A `T` separator and a trailing `Z` are accepted too.
public enum TimestampLiteral {
    /// Days since 1970-01-01 of a proleptic Gregorian date.
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Epoch milliseconds of `text`, or nil when it is not a valid timestamp.
    public static func milliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.trimmingBlanks.utf8)
        var index = 0
        func number(_ digits: ClosedRange<Int>) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39, count < digits.upperBound {
                value = value * 10 + Int64(bytes[index] - 0x30)
                index += 1
                count += 1
            }
            return digits.contains(count) ? value : nil
        }
        func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4...4), take(UInt8(ascii: "-")), let month = number(1...2), take(UInt8(ascii: "-")),
            let day = number(1...2), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        var milliseconds = days(year: year, month: month, day: day) * 86_400_000
        if index == bytes.count { return milliseconds }
        guard take(UInt8(ascii: " ")) || take(UInt8(ascii: "T")), let hour = number(1...2), hour < 24,
            take(UInt8(ascii: ":")), let minute = number(1...2), minute < 60
        else { return nil }
        var second: Int64 = 0
        var fraction: Int64 = 0
        if take(UInt8(ascii: ":")) {
            guard let value = number(1...2), value < 60 else { return nil }
            second = value
            if take(UInt8(ascii: ".")) {
                let start = index
                guard let digits = number(1...9) else { return nil }
                var scaled = digits
                var length = index - start
                while length > 3 { scaled /= 10; length -= 1 }
                while length < 3 { scaled *= 10; length += 1 }
                fraction = scaled
            }
        }
        _ = take(UInt8(ascii: "Z"))
        if index == bytes.count - 4, take(UInt8(ascii: " ")), String(decoding: bytes[index...], as: UTF8.self) == "UTC" {
            index = bytes.count
        }
        guard index == bytes.count else { return nil }
        milliseconds += ((hour * 60 + minute) * 60 + second) * 1000 + fraction
        return milliseconds
    }

    /// Days since the epoch of a `YYYY-MM-DD` text, or nil.
    public static func days(_ text: String) -> Int64? {
        guard !text.contains(" "), !text.contains("T"), let milliseconds = milliseconds(text) else { return nil }
        return milliseconds / 86_400_000
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension String {
    var trimmingBlanks: String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
