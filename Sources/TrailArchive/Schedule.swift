import Foundation

/// An EventBridge schedule expression: `rate(5 minutes)` or `cron(0 2 * * ? *)`.
///
/// Cron has six fields — minutes, hours, day-of-month, month, day-of-week (1–7 = SUN–SAT, or
/// SUN–SAT), year — with `*`, `?`, lists, ranges, `/` steps, JAN–DEC, and `L`, `W`, `LW` (day of month),
/// `L`, `5L`, `2#1` (day of week). All times are UTC.
public struct Schedule: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Every `seconds`, counted from 1970-01-01T00:00:00Z.
        case rate(seconds: Int)
        case cron(Cron)
    }

    public let expression: String
    public let kind: Kind

    public var description: String { expression }

    public init(_ expression: String) throws {
        let text = expression.trimmingCharacters(in: .whitespaces)
        self.expression = text
        func body(_ name: String) -> String? {
            guard text.hasPrefix(name + "("), text.hasSuffix(")") else { return nil }
            return String(text.dropFirst(name.count + 1).dropLast()).trimmingCharacters(in: .whitespaces)
        }
        if let rate = body("rate") {
            let parts = rate.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, let value = Int(parts[0]), value > 0 else { throw ScheduleError(expression) }
            let unit: Int
            switch parts[1] {
            case "minute" where value == 1, "minutes" where value != 1: unit = 60
            case "hour" where value == 1, "hours" where value != 1: unit = 3600
            case "day" where value == 1, "days" where value != 1: unit = 86_400
            default: throw ScheduleError(expression)
            }
            kind = .rate(seconds: value * unit)
        } else if let cron = body("cron") {
            kind = .cron(try Cron(cron, expression: expression))
        } else {
            throw ScheduleError(expression)
        }
    }

    /// The first time strictly after `date` when the schedule fires; `nil` when it never fires again.
    public func next(after date: Date) -> Date? {
        switch kind {
        case .rate(let seconds):
            let t = Int(floor(date.timeIntervalSince1970))
            return Date(timeIntervalSince1970: Double((t / seconds + 1) * seconds))
        case .cron(let cron):
            return cron.next(after: date)
        }
    }
}

/// A schedule expression that cannot be parsed.
public struct ScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    public var expression: String
    init(_ expression: String) { self.expression = expression }
    public var description: String { "invalid schedule expression: \(expression)" }
}

/// EventBridge's six-field cron.
public struct Cron: Sendable, Hashable {
    var minutes: Set<Int>
    var hours: Set<Int>
    var months: Set<Int>
    /// `nil`: any year.
    var years: Set<Int>?
    /// Day of month: `nil` for `*`/`?`.
    var days: Set<Int>?
    var lastDayOfMonth = false
    var lastWeekdayOfMonth = false
    var nearestWeekday: Set<Int> = []
    /// Day of week (1 = Sunday): `nil` for `*`/`?`.
    var weekdays: Set<Int>?
    var lastWeekdayInMonth: Set<Int> = []
    var nthWeekday: Set<[Int]> = []

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    init(_ text: String, expression: String) throws {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map { String($0).uppercased() }
        guard fields.count == 6 else { throw ScheduleError(expression) }
        func fail() -> ScheduleError { ScheduleError(expression) }
        minutes = try Self.set(fields[0], 0...59, names: [], expression)
        hours = try Self.set(fields[1], 0...23, names: [], expression)
        months = try Self.set(fields[3], 1...12, names: Self.monthNames, expression)
        years = try fields[5] == "*" ? nil : Self.set(fields[5], 1970...2199, names: [], expression)
        let dom = fields[2]
        let dow = fields[4]
        guard dom == "?" || dow == "?" else { throw fail() }
        if dom != "?" && dom != "*" {
            var plain: [String] = []
            for item in dom.split(separator: ",").map(String.init) {
                if item == "L" {
                    lastDayOfMonth = true
                } else if item == "LW" {
                    lastWeekdayOfMonth = true
                } else if item.hasSuffix("W"), let day = Int(item.dropLast()), (1...31).contains(day) {
                    nearestWeekday.insert(day)
                } else {
                    plain.append(item)
                }
            }
            days = try plain.isEmpty ? [] : Self.set(plain.joined(separator: ","), 1...31, names: [], expression)
        }
        if dow != "?" && dow != "*" {
            var plain: [String] = []
            for item in dow.split(separator: ",").map(String.init) {
                if item == "L" {
                    plain.append("7")
                } else if item.hasSuffix("L"), let day = Self.value(String(item.dropLast()), names: Self.dayNames, base: 1),
                    (1...7).contains(day)
                {
                    lastWeekdayInMonth.insert(day)
                } else if item.contains("#") {
                    let parts = item.split(separator: "#").map(String.init)
                    guard parts.count == 2, let day = Self.value(parts[0], names: Self.dayNames, base: 1), (1...7).contains(day),
                        let n = Int(parts[1]), (1...5).contains(n)
                    else { throw fail() }
                    nthWeekday.insert([day, n])
                } else {
                    plain.append(item)
                }
            }
            weekdays = try plain.isEmpty ? [] : Self.set(plain.joined(separator: ","), 1...7, names: Self.dayNames, expression)
        }
    }

    static func value(_ text: String, names: [String], base: Int) -> Int? {
        if let n = Int(text) { return n }
        return names.firstIndex(of: text).map { $0 + base }
    }

    static func set(_ field: String, _ range: ClosedRange<Int>, names: [String], _ expression: String) throws -> Set<Int> {
        var result: Set<Int> = []
        for item in field.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let stepParts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard stepParts.count <= 2 else { throw ScheduleError(expression) }
            var step = 1
            if stepParts.count == 2 {
                guard let s = Int(stepParts[1]), s > 0 else { throw ScheduleError(expression) }
                step = s
            }
            let base = stepParts[0]
            var low: Int
            var high: Int
            if base == "*" || base == "?" {
                (low, high) = (range.lowerBound, range.upperBound)
            } else if base.contains("-") {
                let bounds = base.split(separator: "-").map(String.init)
                guard bounds.count == 2, let a = value(bounds[0], names: names, base: range.lowerBound),
                    let b = value(bounds[1], names: names, base: range.lowerBound)
                else { throw ScheduleError(expression) }
                (low, high) = (a, b)
            } else {
                guard let a = value(base, names: names, base: range.lowerBound) else { throw ScheduleError(expression) }
                (low, high) = (a, stepParts.count == 2 ? range.upperBound : a)
            }
            guard range.contains(low), range.contains(high), low <= high else { throw ScheduleError(expression) }
            result.formUnion(stride(from: low, through: high, by: step))
        }
        return result
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    func dayMatches(year: Int, month: Int, day: Int, weekday: Int, daysInMonth: Int) -> Bool {
        if days != nil || lastDayOfMonth || lastWeekdayOfMonth || !nearestWeekday.isEmpty {
            var ok = days?.contains(day) ?? false
            if lastDayOfMonth && day == daysInMonth { ok = true }
            func weekdayOf(_ d: Int) -> Int { (weekday - 1 + (d - day) % 7 + 14) % 7 + 1 }
            if lastWeekdayOfMonth {
                var d = daysInMonth
                while weekdayOf(d) == 1 || weekdayOf(d) == 7 { d -= 1 }
                if d == day { ok = true }
            }
            for target in nearestWeekday where target <= daysInMonth {
                var d = target
                switch weekdayOf(target) {
                case 7: d = target == 1 ? 3 : target - 1
                case 1: d = target == daysInMonth ? target - 2 : target + 1
                default: break
                }
                if d == day { ok = true }
            }
            if !ok { return false }
        }
        if weekdays != nil || !lastWeekdayInMonth.isEmpty || !nthWeekday.isEmpty {
            var ok = weekdays?.contains(weekday) ?? false
            if lastWeekdayInMonth.contains(weekday) && day + 7 > daysInMonth { ok = true }
            if nthWeekday.contains([weekday, (day - 1) / 7 + 1]) { ok = true }
            if !ok { return false }
        }
        return true
    }

    /// The first matching minute strictly after `date`.
    public func next(after date: Date) -> Date? {
        let calendar = Self.utc
        let start = Date(timeIntervalSince1970: (floor(date.timeIntervalSince1970 / 60) + 1) * 60)
        var parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: start)
        var day = calendar.startOfDay(for: start)
        var first = true
        let sortedHours = hours.sorted()
        let sortedMinutes = minutes.sorted()
        for _ in 0..<(366 * 230) {
            let year = parts.year!
            if let years, let last = years.max(), year > last { return nil }
            let month = parts.month!
            let daysInMonth = calendar.range(of: .day, in: .month, for: day)!.count
            if years?.contains(year) ?? true, months.contains(month),
                dayMatches(year: year, month: month, day: parts.day!, weekday: parts.weekday!, daysInMonth: daysInMonth)
            {
                let fromHour = first ? parts.hour! : 0
                let fromMinute = first ? parts.minute! : 0
                for hour in sortedHours where hour >= fromHour {
                    let minimum = hour == fromHour ? fromMinute : 0
                    if let minute = sortedMinutes.first(where: { $0 >= minimum }) {
                        return day.addingTimeInterval(Double(hour * 3600 + minute * 60))
                    }
                }
            }
            first = false
            day = calendar.date(byAdding: .day, value: 1, to: day)!
            parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
        }
        return nil
    }
}
