/// Trino's text of result values, as CloudTrail Lake returns them (plan §2.3): the Swift twin of `tk_render`, so
/// that a correction of the rendering rules is made and tested in one place.
public enum TrinoFormat {
    /// Civil date of a day count since 1970-01-01 (also used by the storage's date functions).
    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func padded(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// `2023-01-22`.
    public static func date(days: Int64) -> String {
        let (year, month, day) = civil(days: days)
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    /// `2023-01-22 16:53:53.000` (UTC).
    public static func timestamp(milliseconds: Int64) -> String {
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        let rest = milliseconds - days * 86_400_000
        let seconds = rest / 1000
        return date(days: days) + " \(padded(seconds / 3600, 2)):\(padded(seconds / 60 % 60, 2)):\(padded(seconds % 60, 2)).\(padded(rest % 1000, 3))"
    }

    /// `2024-05-01 12:00:00.000 UTC`.
    public static func timestampWithTimeZone(milliseconds: Int64) -> String {
        timestamp(milliseconds: milliseconds) + " UTC"
    }

    /// `true` / `false`.
    public static func boolean(_ value: Bool) -> String { value ? "true" : "false" }

    /// Java's `Double.toString`: `0.6`, `1.0`, `1.0E7`, `8.82145E-5`, `NaN`, `Infinity`.
    public static func double(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let sign = value < 0 ? "-" : ""
        // Swift's description holds the shortest digits that round-trip; only the layout differs from Java's.
        let text = "\(Swift.abs(value))"
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = String(parts[0])
        let exponent = parts.count > 1 ? Int(parts[1].replacingPlus) ?? 0 : 0
        var digits = mantissa.filter { $0 != "." }
        var point = (mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count) + exponent
        while digits.first == "0", digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0", digits.count > 1 { digits.removeLast() }
        let magnitude = Swift.abs(value)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
            if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) + ".0" }
            let split = digits.index(digits.startIndex, offsetBy: point)
            return sign + digits[..<split] + "." + digits[split...]
        }
        let first = digits.prefix(1)
        let rest = digits.dropFirst()
        return sign + first + "." + (rest.isEmpty ? "0" : rest) + "E\(point - 1)"
    }

    /// The Trino text of a structured value held as JSON text: `{k=v, …}` for maps and rows (rows in declared field
    /// order, absent fields `null`), `[a, b]` for arrays, compact JSON for `json`. Nested objects and arrays that
    /// are map values keep their JSON text (spec §7.5). Returns nil when `json` does not parse.
    public static func render(json: String, as type: LakeType) -> String? {
        var parser = JSONScanner(Array(json.utf8))
        guard let value = parser.parseDocument() else { return nil }
        return render(value, as: type)
    }

    static func render(_ value: JSONScanner.Value, as type: LakeType) -> String {
        switch (type, value) {
        case (_, .null):
            return "null"
        case (.map(_, let valueType), .object(let members, _)):
            return "{" + members.map { $0.key + "=" + render($0.value, as: valueType) }.joined(separator: ", ") + "}"
        case (.row(let fields), .object(let members, _)):
            let rendered = fields.map { field in
                let member = members.first { $0.key.lowercased() == field.name }
                return field.name + "=" + (member.map { render($0.value, as: field.type) } ?? "null")
            }
            return "{" + rendered.joined(separator: ", ") + "}"
        case (.array(let element), .array(let items, _)):
            return "[" + items.map { render($0, as: element) }.joined(separator: ", ") + "]"
        case (.timestamp, .string(let text)):
            return TimestampLiteral.milliseconds(text).map { timestamp(milliseconds: $0) } ?? text
        case (.json, _):
            return value.raw
        case (_, .string(let text)):
            return text
        default:
            return value.raw
        }
    }
}

extension Substring {
    var replacingPlus: Substring { first == "+" ? dropFirst() : self }
}
