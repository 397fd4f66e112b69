import TrailLakeSQL

/// Parses the Trino type spellings that ``LakeType/description`` produces (the `kind` argument of `tk_render`
/// and the type arguments of `tk_cast`): `varchar`, `timestamp(3) with time zone`, `map(varchar, varchar)`,
/// `array(row(accountid varchar, …))`, …
struct LakeTypeName {
    private let text: [UInt8]
    private var index = 0

    /// The type `name` spells, or nil.
    static func parse(_ name: String) -> LakeType? {
        var parser = LakeTypeName(text: Array(name.utf8))
        guard let type = parser.type(), parser.index == parser.text.count else { return nil }
        return type
    }

    private init(text: [UInt8]) {
        self.text = text
    }

    private mutating func take(_ word: String) -> Bool {
        let bytes = Array(word.utf8)
        guard index + bytes.count <= text.count, Array(text[index..<index + bytes.count]) == bytes else { return false }
        index += bytes.count
        return true
    }

    private mutating func identifier() -> String? {
        let start = index
        while index < text.count, text[index] != UInt8(ascii: " "), text[index] != UInt8(ascii: "("),
            text[index] != UInt8(ascii: ")"), text[index] != UInt8(ascii: ",")
        {
            index += 1
        }
        return index > start ? String(decoding: text[start..<index], as: UTF8.self) : nil
    }

    private mutating func type() -> LakeType? {
        if take("map(") {
            guard let key = type(), take(", "), let value = type(), take(")") else { return nil }
            return .map(key, value)
        }
        if take("array(") {
            guard let element = type(), take(")") else { return nil }
            return .array(element)
        }
        if take("row(") {
            var fields: [LakeType.RowField] = []
            repeat {
                guard let name = identifier(), take(" "), let type = type() else { return nil }
                fields.append(LakeType.RowField(name: name, type: type))
            } while take(", ")
            return take(")") ? .row(fields) : nil
        }
        if take("timestamp(3) with time zone") { return .timestampWithTimeZone }
        if take("timestamp(3)") { return .timestamp }
        if take("interval day to second") { return .intervalDayToSecond }
        if take("interval year to month") { return .intervalYearToMonth }
        guard let word = identifier() else { return nil }
        switch word {
        case "varchar": return .varchar
        case "bigint": return .bigint
        case "double": return .double
        case "boolean": return .boolean
        case "date": return .date
        case "json": return .json
        case "unknown": return .unknown
        default: return nil
        }
    }
}
