/// A Trino type as the binder sees it.
public indirect enum LakeType: Hashable, Sendable, CustomStringConvertible {
    case varchar
    case bigint
    case double
    case boolean
    /// `timestamp(3)`: held as epoch milliseconds (UTC).
    case timestamp
    /// `timestamp(3) with time zone` (`now()`, `current_timestamp`): epoch milliseconds.
    case timestampWithTimeZone
    /// `date`: days since the epoch.
    case date
    /// `interval day to second`: milliseconds.
    case intervalDayToSecond
    /// `interval year to month`: months.
    case intervalYearToMonth
    /// `json`: JSON text.
    case json
    /// The type of a bare `NULL`.
    case unknown
    /// `map(k, v)`: a JSON object text.
    case map(LakeType, LakeType)
    /// `array(t)`: a JSON array text.
    case array(LakeType)
    /// `row(name type, …)`: a JSON object text, fields in declared order.
    case row([RowField])

    /// A field of a row type.
    public struct RowField: Hashable, Sendable {
        /// The field name as Trino reports it (lower case).
        public var name: String
        /// The field type.
        public var type: LakeType

        /// Creates a field.
        public init(name: String, type: LakeType) {
            self.name = name
            self.type = type
        }
    }

    /// The Trino spelling (`varchar`, `timestamp(3)`, `map(varchar, varchar)`, …).
    public var description: String {
        switch self {
        case .varchar: "varchar"
        case .bigint: "bigint"
        case .double: "double"
        case .boolean: "boolean"
        case .timestamp: "timestamp(3)"
        case .timestampWithTimeZone: "timestamp(3) with time zone"
        case .date: "date"
        case .intervalDayToSecond: "interval day to second"
        case .intervalYearToMonth: "interval year to month"
        case .json: "json"
        case .unknown: "unknown"
        case .map(let key, let value): "map(\(key), \(value))"
        case .array(let element): "array(\(element))"
        case .row(let fields): "row(" + fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + ")"
        }
    }

    /// True for bigint and double.
    public var isNumeric: Bool { self == .bigint || self == .double }

    /// True for the two timestamp types.
    public var isTimestamp: Bool { self == .timestamp || self == .timestampWithTimeZone }

    /// True when the value is JSON text in SQLite (maps, arrays, rows, json).
    public var isStructured: Bool {
        switch self {
        case .map, .array, .row, .json: true
        default: false
        }
    }

    /// The rendering kind passed to `tk_render`, or nil when SQLite's own text of the value is already Trino's.
    public var renderKind: String? {
        switch self {
        case .varchar, .bigint, .unknown: nil
        default: description
        }
    }

    /// Parses a CAST target (`varchar`, `varchar(10)`, `integer`, `timestamp(3)`, …).
    public init?(castTarget name: String) {
        let base = name.split(separator: "(").first.map(String.init) ?? name
        switch base {
        case "varchar", "char", "string": self = .varchar
        case "bigint", "integer", "int", "smallint", "tinyint": self = .bigint
        case "double", "real", "decimal": self = .double
        case "boolean": self = .boolean
        case "timestamp": self = .timestamp
        case "date": self = .date
        case "json": self = .json
        default: return nil
        }
    }
}
