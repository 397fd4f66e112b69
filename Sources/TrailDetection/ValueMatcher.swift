import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One alternative of an EventBridge leaf: a literal or an operator object.
enum ValueMatcher: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    /// `prefix`/`suffix`; with `equals-ignore-case` the text is lowercased.
    case prefix(String, ignoringCase: Bool)
    case suffix(String, ignoringCase: Bool)
    case equalsIgnoringCase(String)
    case wildcard(Wildcard)
    case anythingBut(AnythingBut)
    case numeric([(NumericOperator, Double)])
    case exists(Bool)
    case cidr(CIDRBlock)

    enum AnythingBut: Sendable {
        case values([JSONValue])
        case prefix(String)
        case suffix(String)
        case equalsIgnoringCase([String])
        case wildcard([Wildcard])
    }

    enum NumericOperator: String, Sendable {
        case less = "<", lessOrEqual = "<=", equal = "=", greaterOrEqual = ">=", greater = ">"
    }

    init(_ value: JSONValue, path: String) throws(DetectionError) {
        func invalid(_ message: String) -> DetectionError {
            DetectionError(.invalidEventPattern, "\(path): \(message)")
        }
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let d, _): self = .number(d)
        case .string(let s): self = .string(s)
        case .array: throw invalid("nested arrays are not allowed in a pattern")
        case .object(let members):
            guard members.count == 1, let (op, operand) = members.first else {
                throw invalid("an operator object must have exactly one key")
            }
            switch op {
            case "prefix", "suffix":
                let text: String
                let ignoringCase: Bool
                if case .string(let s) = operand {
                    (text, ignoringCase) = (s, false)
                } else if case .object(let inner) = operand, inner.count == 1,
                    case .string(let s)? = inner["equals-ignore-case"]
                {
                    (text, ignoringCase) = (s.lowercased(), true)
                } else {
                    throw invalid("\(op) takes a string or {\"equals-ignore-case\": string}")
                }
                self = op == "prefix" ? .prefix(text, ignoringCase: ignoringCase) : .suffix(text, ignoringCase: ignoringCase)
            case "equals-ignore-case":
                guard case .string(let s) = operand else { throw invalid("equals-ignore-case takes a string") }
                self = .equalsIgnoringCase(s.lowercased())
            case "wildcard":
                guard case .string(let s) = operand else { throw invalid("wildcard takes a string") }
                self = .wildcard(try Wildcard(s, path: path))
            case "anything-but":
                self = .anythingBut(try Self.anythingBut(operand, invalid: invalid, path: path))
            case "numeric":
                self = .numeric(try Self.numeric(operand, invalid: invalid))
            case "exists":
                guard case .bool(let b) = operand else { throw invalid("exists takes true or false") }
                self = .exists(b)
            case "cidr":
                guard case .string(let s) = operand, let block = CIDRBlock(s) else {
                    throw invalid("cidr takes an IPv4 or IPv6 block such as \"10.0.0.0/24\"")
                }
                self = .cidr(block)
            default:
                throw invalid("unknown operator \"\(op)\"")
            }
        }
    }

    private static func anythingBut(
        _ operand: JSONValue, invalid: (String) -> DetectionError, path: String
    ) throws(DetectionError) -> AnythingBut {
        switch operand {
        case .string, .number:
            return .values([operand])
        case .array(let list):
            guard !list.isEmpty else { throw invalid("anything-but needs at least one value") }
            for v in list {
                switch v {
                case .string, .number: continue
                default: throw invalid("anything-but lists hold strings or numbers")
                }
            }
            return .values(list)
        case .object(let inner):
            guard inner.count == 1, let (op, arg) = inner.first else {
                throw invalid("anything-but takes one operator")
            }
            func strings() throws(DetectionError) -> [String] {
                switch arg {
                case .string(let s): return [s]
                case .array(let list) where !list.isEmpty:
                    var out: [String] = []
                    for v in list {
                        guard case .string(let s) = v else { throw invalid("anything-but/\(op) takes strings") }
                        out.append(s)
                    }
                    return out
                default: throw invalid("anything-but/\(op) takes a string or a list of strings")
                }
            }
            switch op {
            case "prefix":
                guard case .string(let s) = arg else { throw invalid("anything-but/prefix takes a string") }
                return .prefix(s)
            case "suffix":
                guard case .string(let s) = arg else { throw invalid("anything-but/suffix takes a string") }
                return .suffix(s)
            case "equals-ignore-case":
                return .equalsIgnoringCase(try strings().map { $0.lowercased() })
            case "wildcard":
                var globs: [Wildcard] = []
                for s in try strings() { globs.append(try Wildcard(s, path: path)) }
                return .wildcard(globs)
            default:
                throw invalid("anything-but does not support \"\(op)\"")
            }
        default:
            throw invalid("anything-but takes a string, a number, a list or an operator object")
        }
    }

    private static func numeric(
        _ operand: JSONValue, invalid: (String) -> DetectionError
    ) throws(DetectionError) -> [(NumericOperator, Double)] {
        guard case .array(let list) = operand, !list.isEmpty, list.count % 2 == 0, list.count <= 4 else {
            throw invalid("numeric takes [op, number] or [op, number, op, number]")
        }
        var out: [(NumericOperator, Double)] = []
        var lower = false
        var upper = false
        for i in stride(from: 0, to: list.count, by: 2) {
            guard case .string(let text) = list[i], let op = NumericOperator(rawValue: text) else {
                throw invalid("numeric operators are <, <=, =, >=, >")
            }
            guard case .number(let d, _) = list[i + 1] else { throw invalid("numeric compares with numbers") }
            switch op {
            case .equal:
                guard list.count == 2 else { throw invalid("numeric \"=\" cannot be combined") }
            case .greater, .greaterOrEqual:
                guard !lower else { throw invalid("numeric has two lower bounds") }
                lower = true
            case .less, .lessOrEqual:
                guard !upper else { throw invalid("numeric has two upper bounds") }
                upper = true
            }
            out.append((op, d))
        }
        return out
    }

    /// Whether this alternative accepts a missing field (only `exists: false`).
    var matchesAbsence: Bool {
        if case .exists(false) = self { return true }
        return false
    }

    /// Whether this alternative accepts the scalar `value`.
    func matches(_ value: JSONValue) -> Bool {
        switch self {
        case .null:
            if case .null = value { return true }
            return false
        case .bool(let b):
            if case .bool(let v) = value { return v == b }
            return false
        case .number(let d):
            if case .number(let v, _) = value { return v == d }
            return false
        case .string(let s):
            if case .string(let v) = value { return v == s }
            return false
        case .prefix(let p, let ignoringCase):
            guard case .string(let v) = value else { return false }
            return (ignoringCase ? v.lowercased() : v).hasPrefix(p)
        case .suffix(let p, let ignoringCase):
            guard case .string(let v) = value else { return false }
            return (ignoringCase ? v.lowercased() : v).hasSuffix(p)
        case .equalsIgnoringCase(let s):
            guard case .string(let v) = value else { return false }
            return v.lowercased() == s
        case .wildcard(let glob):
            guard case .string(let v) = value else { return false }
            return glob.matches(v)
        case .anythingBut(let excluded):
            return Self.anythingBut(excluded, value)
        case .numeric(let constraints):
            guard case .number(let v, _) = value else { return false }
            return constraints.allSatisfy { op, d in
                switch op {
                case .less: return v < d
                case .lessOrEqual: return v <= d
                case .equal: return v == d
                case .greaterOrEqual: return v >= d
                case .greater: return v > d
                }
            }
        case .exists(let present):
            return present
        case .cidr(let block):
            guard case .string(let v) = value else { return false }
            return block.contains(v)
        }
    }

    private static func anythingBut(_ excluded: AnythingBut, _ value: JSONValue) -> Bool {
        switch excluded {
        case .values(let list):
            return !list.contains { literal in
                switch (literal, value) {
                case (.string(let a), .string(let b)): return a == b
                case (.number(let a, _), .number(let b, _)): return a == b
                default: return false
                }
            }
        case .prefix(let p):
            guard case .string(let v) = value else { return false }
            return !v.hasPrefix(p)
        case .suffix(let p):
            guard case .string(let v) = value else { return false }
            return !v.hasSuffix(p)
        case .equalsIgnoringCase(let list):
            guard case .string(let v) = value else { return false }
            return !list.contains(v.lowercased())
        case .wildcard(let globs):
            guard case .string(let v) = value else { return false }
            return !globs.contains { $0.matches(v) }
        }
    }
}

/// An EventBridge `wildcard` value: `*` matches any run of characters, `\*` and `\\` are literal.
struct Wildcard: Sendable {
    /// The literal pieces between the stars.
    let pieces: [String]

    init(_ text: String, path: String) throws(DetectionError) {
        var pieces: [String] = []
        var current = ""
        var escaping = false
        var previousStar = false
        for c in text {
            if escaping {
                guard c == "*" || c == "\\" else {
                    throw DetectionError(.invalidEventPattern, "\(path): wildcard escapes only * and \\")
                }
                current.append(c)
                escaping = false
                previousStar = false
            } else if c == "\\" {
                escaping = true
            } else if c == "*" {
                guard !previousStar else {
                    throw DetectionError(.invalidEventPattern, "\(path): wildcard has consecutive *")
                }
                pieces.append(current)
                current = ""
                previousStar = true
            } else {
                current.append(c)
                previousStar = false
            }
        }
        guard !escaping else { throw DetectionError(.invalidEventPattern, "\(path): wildcard ends with \\") }
        pieces.append(current)
        self.pieces = pieces
    }

    func matches(_ value: String) -> Bool {
        Glob.matches(Substring(value), pieces: pieces)
    }
}

/// Star-glob matching over literal pieces (`pieces.count - 1` stars between them).
enum Glob {
    static func matches(_ value: Substring, pieces: [String]) -> Bool {
        guard pieces.count > 1 else { return value == pieces[0][...] }
        let first = pieces[0]
        let last = pieces[pieces.count - 1]
        guard value.utf8.count >= first.utf8.count + last.utf8.count, value.hasPrefix(first), value.hasSuffix(last)
        else { return false }
        var rest = value.dropFirst(first.count).dropLast(last.count)
        for piece in pieces[1..<(pieces.count - 1)] where !piece.isEmpty {
            guard let range = rest.range(of: piece) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}

/// An IPv4 or IPv6 block for `cidr`.
struct CIDRBlock: Sendable {
    let network: [UInt8]
    let prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), let address = Self.address(String(parts[0])),
            (0...(address.count * 8)).contains(length)
        else { return nil }
        self.network = address
        self.prefixLength = length
    }

    func contains(_ text: String) -> Bool {
        guard let address = Self.address(text), address.count == network.count else { return false }
        var remaining = prefixLength
        for i in 0..<address.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if address[i] & mask != network[i] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// The address bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) literal.
    static func address(_ text: String) -> [UInt8]? {
        if text.contains(":") {
            var storage = in6_addr()
            guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
            return withUnsafeBytes(of: &storage) { Array($0) }
        }
        var storage = in_addr()
        guard inet_pton(AF_INET, text, &storage) == 1 else { return nil }
        return withUnsafeBytes(of: &storage) { Array($0) }
    }
}
