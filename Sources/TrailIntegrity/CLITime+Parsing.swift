extension CLITime {
    /// Parses the ISO-8601 forms the CLI's dateutil parser reads from `--start-time`, digest fields
    /// and key stamps.
    ///
    /// Accepted: a date (`2024-05-01`, `2024/05/01` or `20240501`), optionally followed by `T`, `t` or spaces and
    /// a time (`HH`, `HH:MM`, `HH:MM:SS`, `HHMM`, `HHMMSS`, each with an optional `.fraction`, of which
    /// six digits are kept), then optionally a zone (`Z`, `UTC`, `GMT`, `±HH`, `±HHMM`, `±HH:MM`),
    /// with surrounding whitespace. Without a zone the time is naive, as in dateutil.
    /// dateutil also reads free-form dates ("May 1 2024"); those are refused here.
    /// - Returns: `nil` when the text is not such a time.
    static func parse(_ text: String) -> CLITime? {
        var scanner = Scanner(Array(text.utf8))
        scanner.skipSpaces()
        guard let date = scanner.date() else { return nil }
        var micros: Int64 = 0
        var offset: Int?
        if scanner.peek == UInt8(ascii: "T") || scanner.peek == UInt8(ascii: "t") {
            scanner.index += 1
            guard let time = scanner.time() else { return nil }
            micros = time
        } else if scanner.peek == 0x20 {
            let mark = scanner.index
            scanner.skipSpaces()
            if let time = scanner.time() { micros = time } else { scanner.index = mark }
        }
        scanner.skipSpaces()
        if !scanner.isAtEnd {
            guard let zone = scanner.zone() else { return nil }
            offset = zone
            scanner.skipSpaces()
        }
        guard scanner.isAtEnd else { return nil }
        let days = Self.days(year: date.year, month: date.month, day: date.day)
        return CLITime(wallMicroseconds: days * 86_400_000_000 + micros, offsetSeconds: offset)
    }

    /// A parse failure with the message the CLI reports for it.
    struct ParseFailure: Error, Sendable {
        /// `Unable to parse date value: …`, or dateutil's `TypeError` text for a value that is not a string.
        var message: String
    }

    /// Parses a digest field as the CLI's `parse_date` does: strings through ``parse(_:)``, anything
    /// else refused with dateutil's `TypeError` message.
    static func parse(_ value: JSONValue) throws(ParseFailure) -> CLITime {
        guard case .string(let text) = value else {
            throw ParseFailure(message: "Parser must be a string or character stream, not \(value.pythonTypeName)")
        }
        guard let time = parse(text) else { throw ParseFailure(message: "Unable to parse date value: \(text)") }
        return time
    }

    /// A cursor over ASCII bytes.
    private struct Scanner {
        var bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { index >= bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpaces() {
            while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { index += 1 }
        }

        /// Reads exactly `count` ASCII digits.
        mutating func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for i in index..<(index + count) {
                let c = bytes[i]
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            index += count
            return value
        }

        var digitRun: Int {
            var n = 0
            while index + n < bytes.count, bytes[index + n] >= 48, bytes[index + n] <= 57 { n += 1 }
            return n
        }

        mutating func date() -> (year: Int64, month: Int, day: Int)? {
            let year: Int, month: Int, day: Int
            if digitRun == 8 {
                guard let y = digits(4), let m = digits(2), let d = digits(2) else { return nil }
                (year, month, day) = (y, m, d)
            } else {
                guard digitRun == 4, let y = digits(4), let separator = peek,
                    separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/")
                else { return nil }
                index += 1
                guard digitRun == 2, let m = digits(2), peek == separator else { return nil }
                index += 1
                guard digitRun == 2, let d = digits(2) else { return nil }
                (year, month, day) = (y, m, d)
            }
            guard year >= 1, (1...12).contains(month), day >= 1,
                day <= CLITime.daysInMonth(year: Int64(year), month: month)
            else { return nil }
            return (Int64(year), month, day)
        }

        /// Microseconds since midnight.
        mutating func time() -> Int64? {
            let start = index
            var hour = 0, minute = 0, second = 0
            switch digitRun {
            case 2:
                hour = digits(2)!
                if peek == UInt8(ascii: ":") {
                    index += 1
                    guard digitRun == 2 else {
                        index = start
                        return nil
                    }
                    minute = digits(2)!
                    if peek == UInt8(ascii: ":") {
                        index += 1
                        guard digitRun == 2 else {
                            index = start
                            return nil
                        }
                        second = digits(2)!
                    }
                }
            case 4:
                (hour, minute) = (digits(2)!, digits(2)!)
            case 6:
                (hour, minute, second) = (digits(2)!, digits(2)!, digits(2)!)
            default:
                return nil
            }
            var micros = 0
            if peek == UInt8(ascii: ".") || peek == UInt8(ascii: ",") {
                index += 1
                let n = digitRun
                guard n > 0 else {
                    index = start
                    return nil
                }
                for i in 0..<6 { micros = micros * 10 + (i < n ? Int(bytes[index + i] - 48) : 0) }
                index += n
            }
            guard hour < 24, minute < 60, second < 60 else {
                index = start
                return nil
            }
            return Int64(hour * 3600 + minute * 60 + second) * 1_000_000 + Int64(micros)
        }

        /// The zone's offset in seconds.
        mutating func zone() -> Int? {
            let rest = String(decoding: bytes[index...], as: UTF8.self)
            for name in ["Z", "z", "UTC", "GMT"] where rest.hasPrefix(name) {
                index += name.utf8.count
                return 0
            }
            guard let sign = peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
            index += 1
            let hours: Int, minutes: Int
            switch digitRun {
            case 2:
                hours = digits(2)!
                if peek == UInt8(ascii: ":") {
                    index += 1
                    guard digitRun == 2 else { return nil }
                    minutes = digits(2)!
                } else {
                    minutes = 0
                }
            case 4:
                (hours, minutes) = (digits(2)!, digits(2)!)
            default:
                return nil
            }
            guard hours < 24, minutes < 60 else { return nil }
            let offset = hours * 3600 + minutes * 60
            return sign == UInt8(ascii: "+") ? offset : -offset
        }
    }
}
