/// A point in time as the AWS CLI's validate-logs handles it: a wall-clock reading (what dateutil
/// parsed) with an optional UTC offset.
///
/// The CLI "normalizes" a parsed date by *replacing* its time zone with UTC, not by converting
/// it (`date.replace(tzinfo=tzutc())`), so `2024-05-01T02:00:00+02:00` becomes 02:00 UTC.
/// ``normalized()`` does the same. Comparisons follow Python's `datetime`: two aware times
/// compare by instant, two naive ones by wall clock, and a naive time cannot be compared with an
/// aware one (the CLI then stops with a `TypeError`).
struct CLITime: Sendable, Hashable {
    /// Microseconds since 1970-01-01T00:00:00 of the wall-clock reading, as if it were UTC.
    var wallMicroseconds: Int64
    /// The offset from UTC in seconds, or `nil` for a naive time.
    var offsetSeconds: Int?

    /// A time from its wall-clock reading and offset.
    init(wallMicroseconds: Int64, offsetSeconds: Int?) {
        self.wallMicroseconds = wallMicroseconds
        self.offsetSeconds = offsetSeconds
    }

    /// An aware UTC time at `seconds` since 1970.
    init(utcSeconds seconds: Int64) {
        self.init(wallMicroseconds: seconds * 1_000_000, offsetSeconds: 0)
    }

    /// The instant in microseconds since 1970 (the wall clock for a naive time).
    var instantMicroseconds: Int64 { wallMicroseconds - Int64(offsetSeconds ?? 0) * 1_000_000 }

    /// Whole seconds since 1970 of the instant, rounded down.
    var epochSeconds: Int64 { Self.floorDivide(instantMicroseconds, 1_000_000) }

    /// The same wall clock, marked as UTC (the CLI's `normalize_date`).
    func normalized() -> CLITime { CLITime(wallMicroseconds: wallMicroseconds, offsetSeconds: 0) }

    /// The time `seconds` later (earlier when negative), with the same offset.
    func adding(seconds: Int64) -> CLITime {
        CLITime(wallMicroseconds: wallMicroseconds + seconds * 1_000_000, offsetSeconds: offsetSeconds)
    }

    // MARK: comparison

    /// Thrown when a naive time meets an aware one, as Python's `TypeError`.
    struct IncomparableTimes: Error, Sendable {
        /// Python's message.
        var message: String { "can't compare offset-naive and offset-aware datetimes" }
    }

    /// Whether `self` is earlier than `other`, with Python's rules.
    func isBefore(_ other: CLITime) throws(IncomparableTimes) -> Bool {
        switch (offsetSeconds, other.offsetSeconds) {
        case (nil, nil): return wallMicroseconds < other.wallMicroseconds
        case (.some, .some): return instantMicroseconds < other.instantMicroseconds
        default: throw IncomparableTimes()
        }
    }

    // MARK: formatting

    /// `%Y-%m-%dT%H:%M:%SZ` of the wall clock (the CLI's display format; the offset is not shown).
    var display: String {
        let p = parts
        return
            "\(p.year)-\(Self.pad2(p.month))-\(Self.pad2(p.day))T\(Self.pad2(p.hour)):\(Self.pad2(p.minute)):\(Self.pad2(p.second))Z"
    }

    /// `%Y%m%dT%H%M%SZ` of the wall clock (the digest key's time stamp).
    var keyStamp: String {
        let p = parts
        return
            "\(p.year)\(Self.pad2(p.month))\(Self.pad2(p.day))T\(Self.pad2(p.hour))\(Self.pad2(p.minute))\(Self.pad2(p.second))Z"
    }

    /// `%Y/%m/%d` of the wall clock (the date folders of a digest key).
    var datePath: String {
        let p = parts
        return "\(p.year)/\(Self.pad2(p.month))/\(Self.pad2(p.day))"
    }

    /// Calendar fields of the wall clock. glibc's `%Y` does not pad years below 1000, and neither do we.
    var parts: (year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let seconds = Self.floorDivide(wallMicroseconds, 1_000_000)
        let days = Self.floorDivide(seconds, 86_400)
        let rest = Int(seconds - days * 86_400)
        let (y, m, d) = Self.civil(fromDays: days)
        return (y, m, d, rest / 3600, rest % 3600 / 60, rest % 60)
    }

    static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysInMonth(year: Int64, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
