/// A CloudWatch Logs JSON filter pattern (spec §10.1), compiled: `{ $.errorCode = "AccessDenied*" }`.
///
/// Grammar: `&&` binds tighter than `||`; parentheses group; selectors are `$.a.b`, `$.a[0]`,
/// `$.['dotted.key']`; operators `=`, `!=`, `<`, `>`, `<=`, `>=`; `IS TRUE|FALSE|NULL`,
/// `NOT EXISTS`. Values are quoted strings, bare tokens or numbers, with `*` at the start and/or
/// end as a wildcard (an interior `*` is literal). An unquoted number compares numerically with a
/// number field; anything else compares textually (a number field by its JSON text).
/// A missing field, `null`, an object or an array never matches `=` or `!=`.
public struct FilterPattern: Sendable {
    indirect enum Expression: Sendable {
        case and([Expression])
        case or([Expression])
        case term(Term)
    }

    enum PathComponent: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    enum Operator: String, Sendable {
        case equal = "=", notEqual = "!=", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    }

    struct Literal: Sendable {
        var text: String
        var isQuoted: Bool
        /// The literal's number when it is unquoted and numeric (compared numerically).
        var number: Double?
        /// The literal without its leading/trailing `*`, and which ends are wildcards.
        var core: String
        var leadingWildcard: Bool
        var trailingWildcard: Bool
    }

    enum Test: Sendable {
        case compare(Operator, Literal)
        case isTrue, isFalse, isNull, notExists
    }

    struct Term: Sendable {
        var selector: [PathComponent]
        var test: Test

        /// Bytes that must occur in the record for the term to hold (see ``RawText``).
        var needle: [UInt8]? {
            guard case .compare(.equal, let literal) = test, literal.number == nil else { return nil }
            return RawText.needle(literal.leadingWildcard || literal.trailingWildcard ? literal.core : literal.text)
        }
    }

    let expression: Expression
    /// The pattern's text as given.
    public let text: String

    /// Compiles `text`.
    /// - Throws: ``DetectionError`` with `.invalidFilterPattern` naming the position of the error.
    public init(_ text: String) throws(DetectionError) {
        var parser = FilterPatternParser(text)
        self.expression = try parser.parsePattern()
        self.text = text
    }

    /// Whether the pattern matches `node` (`nil`: unknown, when `node` is partial).
    func matches(_ node: RecordNode, raw: RawText? = nil) -> Bool? {
        Self.evaluate(expression, node, raw)
    }

    static func evaluate(_ expression: Expression, _ node: RecordNode, _ raw: RawText?) -> Bool? {
        switch expression {
        case .and(let parts): return Tri.and(parts.lazy.map { evaluate($0, node, raw) })
        case .or(let parts): return Tri.or(parts.lazy.map { evaluate($0, node, raw) })
        case .term(let term): return evaluate(term, node, raw)
        }
    }

    static func evaluate(_ term: Term, _ node: RecordNode, _ raw: RawText?) -> Bool? {
        var lookup = RecordNode.Lookup.found(node)
        for component in term.selector {
            guard case .found(let current) = lookup else { break }
            switch component {
            case .key(let key): lookup = current.member(key)
            case .index(let i): lookup = current.element(i)
            }
        }
        let value: JSONValue
        switch lookup {
        case .unknown:
            if let raw, let needle = term.needle, raw.excludes(anyOf: [needle]) { return false }
            return nil
        case .missing:
            if case .notExists = term.test { return true }
            return false
        case .found(.partial):
            return nil
        case .found(.absentOrNull):
            switch term.test {
            case .notExists, .isNull: return nil
            case .isTrue, .isFalse, .compare: return false
            }
        case .found(.value(let v)):
            value = v
        }
        switch term.test {
        case .notExists: return false
        case .isNull:
            if case .null = value { return true }
            return false
        case .isTrue:
            if case .bool(true) = value { return true }
            return false
        case .isFalse:
            if case .bool(false) = value { return true }
            return false
        case .compare(let op, let literal):
            return compare(value, op, literal)
        }
    }

    static func compare(_ value: JSONValue, _ op: Operator, _ literal: Literal) -> Bool {
        switch op {
        case .equal, .notEqual:
            let equal: Bool
            switch value {
            case .string(let s):
                equal = textMatches(s, literal)
            case .number(let d, let text):
                if let n = literal.number { equal = d == n } else { equal = textMatches(text, literal) }
            case .bool(let b):
                equal = textMatches(b ? "true" : "false", literal)
            case .null, .object, .array:
                return false
            }
            return op == .equal ? equal : !equal
        case .less, .greater, .lessOrEqual, .greaterOrEqual:
            guard case .number(let d, _) = value, let n = literal.number else { return false }
            switch op {
            case .less: return d < n
            case .greater: return d > n
            case .lessOrEqual: return d <= n
            default: return d >= n
            }
        }
    }

    static func textMatches(_ s: String, _ literal: Literal) -> Bool {
        switch (literal.leadingWildcard, literal.trailingWildcard) {
        case (false, false): return s == literal.text
        case (true, false): return s.hasSuffix(literal.core)
        case (false, true): return s.hasPrefix(literal.core)
        case (true, true): return literal.core.isEmpty || s.contains(literal.core)
        }
    }

    /// The values the string field `name` (top level) must equal for the pattern to match, when pinned.
    func pinnedValues(_ name: String) -> Set<String>? {
        Self.pinned(expression, name)
    }

    static func pinned(_ expression: Expression, _ name: String) -> Set<String>? {
        switch expression {
        case .term(let term):
            guard term.selector == [.key(name)], case .compare(.equal, let literal) = term.test,
                !literal.leadingWildcard, !literal.trailingWildcard
            else { return nil }
            return [literal.text]
        case .and(let parts):
            var result: Set<String>?
            for part in parts {
                if let set = pinned(part, name) { result = result.map { $0.intersection(set) } ?? set }
            }
            return result
        case .or(let parts):
            var union: Set<String> = []
            for part in parts {
                guard let set = pinned(part, name) else { return nil }
                union.formUnion(set)
            }
            return union
        }
    }
}
