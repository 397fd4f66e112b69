/// A predicate over one symbol column that the executor evaluates once over the store's dictionary, instead of
/// once per row (plan §2.4: "evaluated at plan time over that column's symbols").
///
/// Lowered SQL carries it as a ``PhysicalQuery/Argument/symbolSet(store:column:predicate:)`` parameter `?n` in
/// `CASE WHEN ?n IS NULL THEN <per-row form> ELSE <column> IN (SELECT value FROM json_each(?n)) END`: the executor
/// binds `?n` to a JSON array of the matching ids (only symbols whose `cols` bit has the column), or to NULL when
/// it would rather evaluate per row (more than ``maximumFoldedIds`` ids).
public enum SymbolPredicate: Hashable, Sendable {
    /// `value LIKE pattern [ESCAPE escape]`, case-sensitive, whole string.
    case like(pattern: String, escape: Character?)
    /// `value op text` for `<`, `<=`, `>`, `>=`, comparing UTF-8 bytes as Trino compares varchar.
    case compare(op: String, text: String)
    /// `starts_with(value, prefix)`.
    case startsWith(String)

    /// Above this many matching ids the executor should bind NULL and let rows be checked one by one.
    public static let maximumFoldedIds = 2000

    /// True when `value` satisfies the predicate.
    public func matches(_ value: String) -> Bool {
        switch self {
        case .like(let pattern, let escape): Self.like(Array(value.unicodeScalars), Self.compile(pattern, escape: escape))
        case .startsWith(let prefix): value.utf8.starts(with: prefix.utf8)
        case .compare(let op, let text):
            switch op {
            case "<": value.utf8.lexicographicallyPrecedes(text.utf8)
            case "<=": !text.utf8.lexicographicallyPrecedes(value.utf8)
            case ">": text.utf8.lexicographicallyPrecedes(value.utf8)
            case ">=": !value.utf8.lexicographicallyPrecedes(text.utf8)
            default: false
            }
        }
    }

    enum PatternElement: Equatable {
        case literal(Unicode.Scalar)
        case one
        case any
    }

    static func compile(_ pattern: String, escape: Character?) -> [PatternElement] {
        var elements: [PatternElement] = []
        var escaping = false
        let escapeScalar = escape?.unicodeScalars.first
        for scalar in pattern.unicodeScalars {
            if escaping {
                elements.append(.literal(scalar))
                escaping = false
            } else if scalar == escapeScalar {
                escaping = true
            } else if scalar == "%" {
                if elements.last != .any { elements.append(.any) }
            } else if scalar == "_" {
                elements.append(.one)
            } else {
                elements.append(.literal(scalar))
            }
        }
        return elements
    }

    /// Greedy matching with backtracking to the last `%` (linear for patterns without many `%`).
    static func like(_ value: [Unicode.Scalar], _ pattern: [PatternElement]) -> Bool {
        var v = 0
        var p = 0
        var star: Int?
        var resume = 0
        while v < value.count {
            if p < pattern.count, pattern[p] == .one || pattern[p] == .literal(value[v]) {
                v += 1
                p += 1
            } else if p < pattern.count, pattern[p] == .any {
                star = p
                resume = v
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                v = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == .any { p += 1 }
        return p == pattern.count
    }
}
