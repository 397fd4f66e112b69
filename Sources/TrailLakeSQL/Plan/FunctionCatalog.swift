/// The functions a Lake query may call (plan §1.3, Tier 1 and Tier 2), with their arity and result types.
public enum FunctionCatalog {
    /// Scalar or aggregate.
    public enum Kind: Sendable {
        case scalar
        case aggregate
    }

    /// One registered function.
    public struct Entry: Sendable {
        /// Scalar or aggregate.
        public var kind: Kind
        /// Accepted argument counts.
        public var arity: ClosedRange<Int>
        /// A short signature for messages (`element_at(map(K,V), K)`).
        public var signature: String
        /// The result type for these argument types, or nil when they do not fit.
        var result: @Sendable ([LakeType]) -> LakeType?
    }

    /// Date-part functions and the part name passed to `tk_date_part`.
    public static let dateParts: [String: String] = [
        "day": "day", "day_of_month": "day", "day_of_week": "day_of_week", "dow": "day_of_week",
        "day_of_year": "day_of_year", "doy": "day_of_year", "hour": "hour", "millisecond": "millisecond",
        "minute": "minute", "month": "month", "quarter": "quarter", "second": "second", "week": "week",
        "week_of_year": "week", "year": "year", "year_of_week": "year_of_week", "yow": "year_of_week",
    ]

    static func isTime(_ type: LakeType) -> Bool { type.isTimestamp || type == .date || type == .unknown }
    static func isText(_ type: LakeType) -> Bool { type == .varchar || type == .unknown }
    static func isJSONish(_ type: LakeType) -> Bool { type == .json || isText(type) }
    static func isNumber(_ type: LakeType) -> Bool { type.isNumeric || type == .unknown }

    static func scalar(_ arity: ClosedRange<Int>, _ signature: String, _ result: @escaping @Sendable ([LakeType]) -> LakeType?) -> Entry {
        Entry(kind: .scalar, arity: arity, signature: signature, result: result)
    }

    static func text(_ arity: ClosedRange<Int>, _ signature: String, returns: LakeType = .varchar) -> Entry {
        // A string first, then strings or numbers (positions, counts), as the string functions take.
        scalar(arity, signature) { types in
            isText(types[0]) && types.dropFirst().allSatisfy { isText($0) || isNumber($0) } ? returns : nil
        }
    }

    static func elementType(of type: LakeType) -> LakeType? {
        if case .array(let element) = type { return element }
        return nil
    }

    /// Every function, by lower-case name.
    public static let entries: [String: Entry] = {
        var entries: [String: Entry] = [:]
        // Maps, arrays, JSON.
        entries["element_at"] = scalar(2...2, "element_at(map(K,V), K) / element_at(array(E), bigint)") { types in
            switch types[0] {
            case .map(_, let value): value
            case .array(let element): isNumber(types[1]) ? element : nil
            default: nil
            }
        }
        entries["cardinality"] = scalar(1...1, "cardinality(map|array)") { types in
            switch types[0] {
            case .map, .array: .bigint
            default: nil
            }
        }
        entries["map_keys"] = scalar(1...1, "map_keys(map(K,V))") { types in
            if case .map(let key, _) = types[0] { return .array(key) }
            return nil
        }
        entries["map_values"] = scalar(1...1, "map_values(map(K,V))") { types in
            if case .map(_, let value) = types[0] { return .array(value) }
            return nil
        }
        entries["contains"] = scalar(2...2, "contains(array(E), E)") { types in elementType(of: types[0]) != nil ? .boolean : nil }
        entries["array_distinct"] = scalar(1...1, "array_distinct(array(E))") { types in elementType(of: types[0]) != nil ? types[0] : nil }
        entries["array_max"] = scalar(1...1, "array_max(array(E))") { types in elementType(of: types[0]) }
        entries["array_min"] = scalar(1...1, "array_min(array(E))") { types in elementType(of: types[0]) }
        entries["slice"] = scalar(3...3, "slice(array(E), bigint, bigint)") { types in
            elementType(of: types[0]) != nil && isNumber(types[1]) && isNumber(types[2]) ? types[0] : nil
        }
        entries["json_parse"] = scalar(1...1, "json_parse(varchar)") { types in isText(types[0]) ? .json : nil }
        entries["json_format"] = scalar(1...1, "json_format(json)") { types in types[0] == .json || types[0] == .unknown ? .varchar : nil }
        entries["is_json_scalar"] = scalar(1...1, "is_json_scalar(json|varchar)") { types in isJSONish(types[0]) ? .boolean : nil }
        entries["json_extract"] = scalar(2...2, "json_extract(json|varchar, varchar)") { types in
            isJSONish(types[0]) && isText(types[1]) ? .json : nil
        }
        entries["json_extract_scalar"] = scalar(2...2, "json_extract_scalar(json|varchar, varchar)") { types in
            isJSONish(types[0]) && isText(types[1]) ? .varchar : nil
        }
        entries["json_array_contains"] = scalar(2...2, "json_array_contains(json|varchar, value)") { types in
            isJSONish(types[0]) ? .boolean : nil
        }
        entries["json_array_get"] = scalar(2...2, "json_array_get(json|varchar, bigint)") { types in
            isJSONish(types[0]) && isNumber(types[1]) ? .json : nil
        }
        entries["json_array_length"] = scalar(1...1, "json_array_length(json|varchar)") { types in isJSONish(types[0]) ? .bigint : nil }
        // Date and time.
        entries["now"] = scalar(0...0, "now()") { _ in .timestampWithTimeZone }
        entries["current_timestamp"] = scalar(0...0, "current_timestamp") { _ in .timestampWithTimeZone }
        entries["localtimestamp"] = scalar(0...0, "localtimestamp") { _ in .timestamp }
        entries["current_date"] = scalar(0...0, "current_date") { _ in .date }
        entries["date"] = scalar(1...1, "date(timestamp|varchar)") { types in isTime(types[0]) || isText(types[0]) ? .date : nil }
        entries["date_add"] = scalar(3...3, "date_add(varchar, bigint, timestamp)") { types in
            isText(types[0]) && isNumber(types[1]) && isTime(types[2]) ? types[2] : nil
        }
        entries["date_trunc"] = scalar(2...2, "date_trunc(varchar, timestamp)") { types in
            isText(types[0]) && isTime(types[1]) ? types[1] : nil
        }
        entries["date_diff"] = scalar(3...3, "date_diff(varchar, timestamp, timestamp)") { types in
            isText(types[0]) && isTime(types[1]) && isTime(types[2]) ? .bigint : nil
        }
        for name in dateParts.keys {
            entries[name] = scalar(1...1, "\(name)(timestamp)") { types in isTime(types[0]) ? .bigint : nil }
        }
        entries["from_iso8601_timestamp"] = scalar(1...1, "from_iso8601_timestamp(varchar)") { types in
            isText(types[0]) ? .timestampWithTimeZone : nil
        }
        entries["to_iso8601"] = scalar(1...1, "to_iso8601(timestamp)") { types in isTime(types[0]) ? .varchar : nil }
        entries["from_unixtime"] = scalar(1...1, "from_unixtime(double)") { types in isNumber(types[0]) ? .timestampWithTimeZone : nil }
        entries["to_unixtime"] = scalar(1...1, "to_unixtime(timestamp)") { types in isTime(types[0]) ? .double : nil }
        entries["date_format"] = scalar(2...2, "date_format(timestamp, varchar)") { types in
            isTime(types[0]) && isText(types[1]) ? .varchar : nil
        }
        entries["date_parse"] = scalar(2...2, "date_parse(varchar, varchar)") { types in types.allSatisfy(isText) ? .timestamp : nil }
        // Conditional.
        entries["coalesce"] = scalar(1...64, "coalesce(T, …)") { types in commonType(types) }
        entries["nullif"] = scalar(2...2, "nullif(T, T)") { types in commonType(types) != nil ? types[0] : nil }
        entries["if"] = scalar(2...3, "if(boolean, T[, T])") { types in
            types[0] == .boolean || types[0] == .unknown ? commonType(Array(types.dropFirst())) : nil
        }
        entries["greatest"] = scalar(1...64, "greatest(T, …)") { types in commonType(types) }
        entries["least"] = scalar(1...64, "least(T, …)") { types in commonType(types) }
        // Strings.
        for name in ["lower", "upper", "trim", "ltrim", "rtrim"] { entries[name] = text(1...1, "\(name)(varchar)") }
        entries["length"] = text(1...1, "length(varchar)", returns: .bigint)
        entries["concat"] = scalar(1...64, "concat(varchar, …)") { types in types.allSatisfy(isText) ? .varchar : nil }
        entries["substr"] = text(2...3, "substr(varchar, bigint[, bigint])")
        entries["substring"] = text(2...3, "substring(varchar, bigint[, bigint])")
        entries["replace"] = text(2...3, "replace(varchar, varchar[, varchar])")
        entries["split_part"] = text(3...3, "split_part(varchar, varchar, bigint)")
        entries["strpos"] = text(2...2, "strpos(varchar, varchar)", returns: .bigint)
        entries["starts_with"] = text(2...2, "starts_with(varchar, varchar)", returns: .boolean)
        entries["regexp_like"] = text(2...2, "regexp_like(varchar, varchar)", returns: .boolean)
        entries["regexp_extract"] = text(2...3, "regexp_extract(varchar, varchar[, bigint])")
        entries["regexp_replace"] = text(2...3, "regexp_replace(varchar, varchar[, varchar])")
        // Numbers.
        for name in ["abs", "floor", "ceil", "ceiling"] {
            entries[name] = scalar(1...1, "\(name)(number)") { types in isNumber(types[0]) ? (types[0] == .unknown ? .bigint : types[0]) : nil }
        }
        entries["round"] = scalar(1...2, "round(number[, bigint])") { types in isNumber(types[0]) ? (types[0] == .unknown ? .bigint : types[0]) : nil }
        entries["mod"] = scalar(2...2, "mod(number, number)") { types in
            types.allSatisfy(isNumber) ? (types.contains(.double) ? .double : .bigint) : nil
        }
        // Aggregates.
        entries["count"] = Entry(kind: .aggregate, arity: 0...1, signature: "count(*) / count(T)") { _ in .bigint }
        entries["approx_distinct"] = Entry(kind: .aggregate, arity: 1...1, signature: "approx_distinct(T)") { _ in .bigint }
        entries["count_if"] = Entry(kind: .aggregate, arity: 1...1, signature: "count_if(boolean)") { types in
            types[0] == .boolean || types[0] == .unknown ? .bigint : nil
        }
        entries["sum"] = Entry(kind: .aggregate, arity: 1...1, signature: "sum(number)") { types in
            isNumber(types[0]) ? (types[0] == .double ? .double : .bigint) : nil
        }
        entries["avg"] = Entry(kind: .aggregate, arity: 1...1, signature: "avg(number)") { types in isNumber(types[0]) ? .double : nil }
        for name in ["min", "max", "arbitrary"] {
            entries[name] = Entry(kind: .aggregate, arity: 1...1, signature: "\(name)(T)") { types in types[0] }
        }
        return entries
    }()

    /// The common super type of `types` (unknown ⊂ anything, bigint ⊂ double, timestamp ⊂ with time zone), or nil.
    public static func commonType(_ types: [LakeType]) -> LakeType? {
        var result = LakeType.unknown
        for type in types {
            if type == .unknown || type == result { continue }
            if result == .unknown { result = type; continue }
            if result.isNumeric && type.isNumeric { result = .double; continue }
            if result.isTimestamp && type.isTimestamp { result = .timestampWithTimeZone; continue }
            return nil
        }
        return result
    }
}
