/// A JSON value as Python's `json.loads` returns it, kept closely enough to reproduce what the
/// CLI does with it: Python's equality (by code points), its `str()` text in messages, and its
/// type names in error messages.
indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// An integer, as its normalized decimal text (Python integers have no size limit).
    case int(String)
    case float(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string, when the value is one.
    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Python's `bool(value)`: false for `None`, `False`, zero, and empty strings, lists and dicts.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let b): b
        case .int(let digits): digits != "0"
        case .float(let d): d != 0
        case .string(let s): !s.isEmpty
        case .array(let a): !a.isEmpty
        case .object(let o): !o.isEmpty
        }
    }

    /// Python's type name (`str`, `int`, `NoneType`…), as error messages show it.
    var pythonTypeName: String {
        switch self {
        case .null: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        case .array: "list"
        case .object: "dict"
        }
    }

    /// Whether Python could use the value as a dict key.
    var isHashable: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// Python's `str(value)`, as f-strings insert it.
    var pythonString: String {
        if case .string(let s) = self { return s }
        return pythonRepr
    }

    /// Python's `repr(value)`.
    var pythonRepr: String {
        switch self {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let digits): return digits
        case .float(let d): return Self.pythonFloat(d)
        case .string(let s): return Self.pythonStringRepr(s)
        case .array(let values): return "[" + values.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .object(let object):
            return "{"
                + object.entries.map { Self.pythonStringRepr($0.key) + ": " + $0.value.pythonRepr }
                .joined(separator: ", ") + "}"
        }
    }

    /// Python's float repr: shortest round-trip digits, which Swift's `description` also produces.
    static func pythonFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return d.description
    }

    /// Python's `repr` of a `str`: single quotes unless only double quotes avoid escaping.
    static func pythonStringRepr(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value < 0x100 {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value < 0x10000 {
                    out += "\\u" + hex(scalar.value, width: 4)
                } else {
                    out += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        out.append(quote)
        return out
    }

    /// Python's `str.isprintable` for one code point: not a control, format, separator (but space),
    /// surrogate, private-use or unassigned code point.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
            .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// A JSON object with Python `dict` semantics: keys compared by code points, the last duplicate
/// wins, and the order of first appearance is kept.
struct JSONObject: Sendable {
    private(set) var entries: [(key: String, value: JSONValue)] = []
    private var positions: [[UInt8]: Int] = [:]

    /// An empty object.
    init() {}

    /// Whether the object has no keys.
    var isEmpty: Bool { entries.isEmpty }

    /// The value of `key` (compared by code points, not by Unicode canonical equivalence).
    subscript(key: String) -> JSONValue? {
        positions[Array(key.utf8)].map { entries[$0].value }
    }

    /// Whether `key` is present.
    func contains(_ key: String) -> Bool { positions[Array(key.utf8)] != nil }

    /// Sets `key`, replacing an earlier value in its place.
    mutating func set(_ key: String, _ value: JSONValue) {
        let bytes = Array(key.utf8)
        if let i = positions[bytes] {
            entries[i].value = value
        } else {
            positions[bytes] = entries.count
            entries.append((key, value))
        }
    }
}

/// Equality of strings as Python compares them: by code points. Swift's `==` applies Unicode
/// canonical equivalence, which would call a decomposed `é` equal to a precomposed one.
func sameCodePoints(_ a: String, _ b: String) -> Bool {
    a.utf8.elementsEqual(b.utf8)
}

extension JSONValue {
    /// Python's `value == text` for a `str` on the right.
    func equals(_ text: String) -> Bool {
        if case .string(let s) = self { return sameCodePoints(s, text) }
        return false
    }
}
