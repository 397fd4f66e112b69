import Foundation

extension LakeFunctions {
    static let stringFunctions: [(String, Int32, Bool, LakeFunctionBody)] = [
        ("tk_split_part", 3, true, { _, call in
            guard let text = call.text(0), let delimiter = call.text(1), let index = call.int(2) else { return call.resultNull() }
            guard index > 0 else { return call.fail("Index must be greater than zero") }
            let parts = delimiter.isEmpty ? text.map(String.init) : text.components(separatedBy: delimiter)
            call.result(index <= parts.count ? parts[Int(index) - 1] : nil)
        }),
        ("tk_strpos", 2, true, { _, call in
            guard let text = call.text(0), let part = call.text(1) else { return call.resultNull() }
            call.result(LakeStrings.position(of: part, in: text))
        }),
        ("tk_regexp_like", 2, true, { context, call in
            guard let text = call.text(0), let pattern = call.text(1) else { return call.resultNull() }
            guard let expression = context.expression(pattern) else { return call.fail("Invalid regular expression: \(pattern)") }
            call.result(expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil)
        }),
        ("tk_regexp_extract", -1, true, { context, call in
            guard call.count == 2 || call.count == 3 else { return call.fail("regexp_extract takes 2 or 3 arguments") }
            guard let text = call.text(0), let pattern = call.text(1) else { return call.resultNull() }
            guard let expression = context.expression(pattern) else { return call.fail("Invalid regular expression: \(pattern)") }
            let group = call.count == 3 ? call.int(2) : 0
            guard let group else { return call.resultNull() }
            guard group >= 0, group <= expression.numberOfCaptureGroups else {
                return call.fail("Pattern has \(expression.numberOfCaptureGroups) groups. Cannot access group \(group)")
            }
            guard let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                let range = Range(match.range(at: Int(group)), in: text)
            else { return call.resultNull() }
            call.result(String(text[range]))
        }),
        ("tk_regexp_replace", -1, true, { context, call in
            guard call.count == 2 || call.count == 3 else { return call.fail("regexp_replace takes 2 or 3 arguments") }
            guard let text = call.text(0), let pattern = call.text(1) else { return call.resultNull() }
            guard let expression = context.expression(pattern) else { return call.fail("Invalid regular expression: \(pattern)") }
            let replacement = call.count == 3 ? call.text(2) : ""
            guard let replacement else { return call.resultNull() }
            call.result(expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: replacement))
        }),
    ]
}

/// String helpers with Trino semantics.
enum LakeStrings {
    /// 1-based position of `part` in `text` in code points, 0 when absent (1 for an empty `part`).
    static func position(of part: String, in text: String) -> Int64 {
        guard !part.isEmpty else { return 1 }
        let haystack = Array(text.unicodeScalars)
        let needle = Array(part.unicodeScalars)
        guard needle.count <= haystack.count else { return 0 }
        for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
            return Int64(start + 1)
        }
        return 0
    }

    /// Trino refuses a LIKE pattern whose escape character is followed by anything but `%`, `_` or itself.
    static func isValidLike(_ pattern: String, escape: Character) -> Bool {
        var escaping = false
        for character in pattern {
            if escaping {
                guard character == "%" || character == "_" || character == escape else { return false }
                escaping = false
            } else if character == escape {
                escaping = true
            }
        }
        return !escaping
    }
}

extension LakeQueryContext {
    /// A compiled regular expression, cached per query; nil when `pattern` does not compile.
    func expression(_ pattern: String) -> NSRegularExpression? {
        if let cached = expressions[pattern] { return cached }
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
        expressions[pattern] = expression
        return expression
    }
}
