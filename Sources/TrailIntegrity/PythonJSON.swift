/// A JSON reader with the acceptance rules of Python's `json.loads` (strict mode), which is what
/// decides "invalid format" for a digest in the CLI.
///
/// Differences from RFC 8259 that Python has and this reader keeps: `NaN`, `Infinity` and
/// `-Infinity` are numbers; integers have no size limit (up to Python's 4300-digit conversion
/// limit); duplicate keys are allowed (the last wins). Lone UTF-16 surrogates in `\u` escapes,
/// which Python keeps, become U+FFFD here.
enum PythonJSON {
    /// Why a text is not JSON.
    struct SyntaxError: Error, Sendable {}

    /// Parses UTF-8 text. The caller has already checked that the bytes are valid UTF-8.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONValue {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw SyntaxError() }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        /// Deeper documents make Python fail with a RecursionError; refuse them as malformed.
        static let maximumDepth = 2000
        /// Python 3.11 refuses to convert longer integer literals.
        static let maximumIntegerDigits = 4300

        init(bytes: [UInt8]) { self.bytes = bytes }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { index += 1 }
        }

        mutating func literal(_ text: String) -> Bool {
            let t = Array(text.utf8)
            guard index + t.count <= bytes.count, Array(bytes[index..<(index + t.count)]) == t else { return false }
            index += t.count
            return true
        }

        mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
            guard depth < Self.maximumDepth, let c = peek else { throw SyntaxError() }
            switch c {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "n"): if literal("null") { return .null }
            case UInt8(ascii: "t"): if literal("true") { return .bool(true) }
            case UInt8(ascii: "f"): if literal("false") { return .bool(false) }
            case UInt8(ascii: "N"): if literal("NaN") { return .float(.nan) }
            case UInt8(ascii: "I"): if literal("Infinity") { return .float(.infinity) }
            case UInt8(ascii: "-"):
                if literal("-Infinity") { return .float(-.infinity) }
                return try number()
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: break
            }
            throw SyntaxError()
        }

        mutating func object(depth: Int) throws(SyntaxError) -> JSONValue {
            index += 1
            var object = JSONObject()
            skipWhitespace()
            if peek == UInt8(ascii: "}") {
                index += 1
                return .object(object)
            }
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { throw SyntaxError() }
                let key = try string()
                skipWhitespace()
                guard peek == UInt8(ascii: ":") else { throw SyntaxError() }
                index += 1
                skipWhitespace()
                object.set(key, try value(depth: depth + 1))
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return .object(object)
                default: throw SyntaxError()
                }
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> JSONValue {
            index += 1
            var values: [JSONValue] = []
            skipWhitespace()
            if peek == UInt8(ascii: "]") {
                index += 1
                return .array(values)
            }
            while true {
                skipWhitespace()
                values.append(try value(depth: depth + 1))
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return .array(values)
                default: throw SyntaxError()
                }
            }
        }

        mutating func number() throws(SyntaxError) -> JSONValue {
            let start = index
            if peek == UInt8(ascii: "-") { index += 1 }
            func isDigit(_ c: UInt8?) -> Bool { c.map { $0 >= 48 && $0 <= 57 } ?? false }
            guard isDigit(peek) else { throw SyntaxError() }
            if peek == UInt8(ascii: "0") {
                index += 1
            } else {
                while isDigit(peek) { index += 1 }
            }
            let integerEnd = index
            var isFloat = false
            if peek == UInt8(ascii: "."), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
                isFloat = true
                index += 1
                while isDigit(peek) { index += 1 }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                var j = index + 1
                if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
                if j < bytes.count, isDigit(bytes[j]) {
                    isFloat = true
                    index = j
                    while isDigit(peek) { index += 1 }
                }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if isFloat {
                guard let d = Double(text) else { throw SyntaxError() }
                return .float(d)
            }
            var digits = String(decoding: bytes[start..<integerEnd], as: UTF8.self)
            guard digits.filter(\.isNumber).count <= Self.maximumIntegerDigits else { throw SyntaxError() }
            if digits == "-0" { digits = "0" }
            return .int(digits)
        }

        mutating func string() throws(SyntaxError) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var runStart = index
            func flush(_ reader: Reader, _ end: Int) {
                if end > runStart {
                    scalars.append(
                        contentsOf: String(decoding: reader.bytes[runStart..<end], as: UTF8.self).unicodeScalars
                    )
                }
            }
            while true {
                guard let c = peek else { throw SyntaxError() }
                if c == UInt8(ascii: "\"") {
                    flush(self, index)
                    index += 1
                    return String(scalars)
                }
                if c < 0x20 { throw SyntaxError() }
                if c != UInt8(ascii: "\\") {
                    index += 1
                    continue
                }
                flush(self, index)
                index += 1
                guard let e = peek else { throw SyntaxError() }
                index += 1
                switch e {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    {
                        let mark = index
                        index += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            index = mark
                        }
                    }
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default:
                    throw SyntaxError()
                }
                runStart = index
            }
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw SyntaxError() }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[index]
                let d: UInt32
                switch c {
                case 48...57: d = UInt32(c - 48)
                case 97...102: d = UInt32(c - 87)
                case 65...70: d = UInt32(c - 55)
                default: throw SyntaxError()
                }
                v = v << 4 | d
                index += 1
            }
            return v
        }
    }
}
