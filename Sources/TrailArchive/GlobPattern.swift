/// A glob on keys: `*` matches within one path segment, `**` across segments, `?` one character
/// other than `/`; everything else matches itself.
public struct GlobPattern: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case literal(UInt8)
        case any
        case star
        case globstar
    }

    public let text: String
    let tokens: [Token]

    public init(_ text: String) throws {
        guard !text.isEmpty else { throw BackupError.invalidPattern(text) }
        self.text = text
        var tokens: [Token] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "*"):
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "*") {
                    tokens.append(.globstar)
                    i += 2
                    // `**/` also matches no folder at all.
                    if i < bytes.count, bytes[i] == UInt8(ascii: "/") { i += 1 }
                    continue
                }
                tokens.append(.star)
            case UInt8(ascii: "?"): tokens.append(.any)
            case let byte: tokens.append(.literal(byte))
            }
            i += 1
        }
        self.tokens = tokens
    }

    /// Whether the whole key matches.
    public func matches(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        var memo = [Bool?](repeating: nil, count: (tokens.count + 1) * (bytes.count + 1))
        func match(_ t: Int, _ k: Int) -> Bool {
            let slot = t * (bytes.count + 1) + k
            if let known = memo[slot] { return known }
            let result: Bool
            if t == tokens.count {
                result = k == bytes.count
            } else {
                switch tokens[t] {
                case .literal(let byte): result = k < bytes.count && bytes[k] == byte && match(t + 1, k + 1)
                case .any: result = k < bytes.count && bytes[k] != UInt8(ascii: "/") && match(t + 1, k + 1)
                case .star:
                    result = match(t + 1, k) || (k < bytes.count && bytes[k] != UInt8(ascii: "/") && match(t, k + 1))
                case .globstar: result = match(t + 1, k) || (k < bytes.count && match(t, k + 1))
                }
            }
            memo[slot] = result
            return result
        }
        return match(0, 0)
    }
}
