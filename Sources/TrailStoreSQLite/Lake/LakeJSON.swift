import CTrailNative
import Foundation
import GRDBSQLite

/// JSON helpers of the Lake functions: quoting, JSON pointers, JSONPath, and the Presto JSON, map and array
/// functions over JSON text (maps and arrays are JSON text in SQLite, plan §2.3).
enum LakeJSON {
    /// A JSON string literal of `text`.
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A JSON pointer token for an object key (`~` → `~0`, `/` → `~1`).
    static func pointerToken(_ key: String) -> String {
        guard key.contains("~") || key.contains("/") else { return key }
        return key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// The JSON pointer of a Presto JSONPath (`$`, `.key`, `["key"]`, `['key']`, `[n]`), or nil when unsupported.
    static func pointer(ofPath path: String) -> String? {
        let characters = Array(path.trimmingCharacters(in: .whitespaces))
        guard characters.first == "$" else { return nil }
        var index = 1
        var pointer = ""
        while index < characters.count {
            if characters[index] == "." {
                index += 1
                let start = index
                while index < characters.count, characters[index] != ".", characters[index] != "[" { index += 1 }
                guard index > start else { return nil }
                let key = String(characters[start..<index])
                guard key != "*" else { return nil }
                pointer += "/" + pointerToken(key)
            } else if characters[index] == "[" {
                index += 1
                guard index < characters.count else { return nil }
                if characters[index] == "\"" || characters[index] == "'" {
                    let quote = characters[index]
                    index += 1
                    var key = ""
                    while index < characters.count, characters[index] != quote {
                        if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                        key.append(characters[index])
                        index += 1
                    }
                    guard index + 1 < characters.count, characters[index + 1] == "]" else { return nil }
                    index += 2
                    pointer += "/" + pointerToken(key)
                } else {
                    let start = index
                    while index < characters.count, characters[index].isNumber { index += 1 }
                    guard index > start, index < characters.count, characters[index] == "]" else { return nil }
                    pointer += "/" + String(characters[start..<index])
                    index += 1
                }
            } else {
                return nil
            }
        }
        return pointer
    }

    /// The JSON text of a value found by simdjson.
    static func jsonText(_ value: tk_lake_value) -> String {
        Int(value.kind) == Int(TK_LAKE_STRING) ? quoted(value.text.string) : value.text.string
    }

    /// The children of the container at the document's root.
    static func children(_ doc: OpaquePointer) -> [(key: String, value: tk_lake_value, json: String)]? {
        let count = tk_lake_children(doc, "", 0)
        guard count >= 0 else { return nil }
        var result: [(key: String, value: tk_lake_value, json: String)] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            var key = tk_str()
            var value = tk_lake_value()
            tk_lake_child(doc, index, &key, &value)
            result.append((key.string, value, Int(value.kind) == Int(TK_LAKE_ABSENT) ? "null" : jsonText(value)))
        }
        return result
    }

    /// Orders two JSON scalars: numbers numerically, strings by UTF-8 bytes, booleans false < true.
    static func less(_ a: tk_lake_value, _ b: tk_lake_value) -> Bool {
        let numeric = [Int(TK_LAKE_INTEGER), Int(TK_LAKE_DOUBLE)]
        if numeric.contains(Int(a.kind)), numeric.contains(Int(b.kind)) {
            if Int(a.kind) == Int(TK_LAKE_INTEGER), Int(b.kind) == Int(TK_LAKE_INTEGER) { return a.integer < b.integer }
            return a.real < b.real
        }
        if Int(a.kind) == Int(TK_LAKE_BOOLEAN), Int(b.kind) == Int(TK_LAKE_BOOLEAN) { return a.integer < b.integer }
        return a.text.string.utf8.lexicographicallyPrecedes(b.text.string.utf8)
    }
}
