/// Splits Lake query text into tokens, on demand, so that the parser can ask for a table token in FROM position.
///
/// Keywords are not recognised here: every bare word is a ``Token/Kind/word(_:)`` and the parser compares it
/// case-insensitively. `< =`, `> =` and `! =` written with blanks between are read as `<=`, `>=` and `!=`
/// (one AWS sample writes `< =`).
public struct Lexer: Sendable {
    private let bytes: [UInt8]
    private var offset = 0
    private var line = 1
    private var lineStart = 0

    /// Creates a lexer over `text`.
    public init(_ text: String) {
        self.bytes = Array(text.utf8)
    }

    /// The location of the byte at `offset`, computed by rescanning (only used for rewinds and errors).
    private func location(of target: Int) -> LakeSQLPosition {
        var line = 1
        var start = 0
        for index in 0..<Swift.min(target, bytes.count) where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            start = index + 1
        }
        return LakeSQLPosition(line: line, column: target - start + 1)
    }

    private var here: LakeSQLPosition { LakeSQLPosition(line: line, column: offset - lineStart + 1) }

    /// Moves back to the start of `token` so that it can be read again in another mode.
    public mutating func rewind(to token: Token) {
        offset = token.offset
        line = token.location.line
        lineStart = token.offset - (token.location.column - 1)
    }

    private func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func advance() {
        if bytes[offset] == UInt8(ascii: "\n") {
            line += 1
            lineStart = offset + 1
        }
        offset += 1
    }

    private mutating func skipTrivia() throws(LakeSQLError) {
        while let byte = byte(at: offset) {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                advance()
            } else if byte == UInt8(ascii: "-"), self.byte(at: offset + 1) == UInt8(ascii: "-") {
                while let next = self.byte(at: offset), next != 0x0A { advance() }
            } else if byte == UInt8(ascii: "/"), self.byte(at: offset + 1) == UInt8(ascii: "*") {
                let start = here
                advance()
                advance()
                while true {
                    guard let next = self.byte(at: offset) else {
                        throw LakeSQLError(.syntaxError, "unterminated comment", at: start)
                    }
                    if next == UInt8(ascii: "*"), self.byte(at: offset + 1) == UInt8(ascii: "/") {
                        advance()
                        advance()
                        break
                    }
                    advance()
                }
            } else {
                return
            }
        }
    }

    private static func isWordStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isWordPart(_ byte: UInt8) -> Bool { isWordStart(byte) || isDigit(byte) }

    private static func isTablePart(_ byte: UInt8) -> Bool {
        isWordPart(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
            || byte == UInt8(ascii: "/")
    }

    private func text(_ start: Int, _ end: Int) -> String { String(decoding: bytes[start..<end], as: UTF8.self) }

    /// Reads the next token.
    public mutating func next() throws(LakeSQLError) -> Token {
        try skipTrivia()
        let start = offset
        let location = here
        guard let first = byte(at: offset) else { return Token(kind: .end, location: location, offset: start) }
        func token(_ kind: Token.Kind) -> Token { Token(kind: kind, location: location, offset: start) }

        if Self.isWordStart(first) {
            while let byte = byte(at: offset), Self.isWordPart(byte) { advance() }
            return token(.word(text(start, offset)))
        }
        if Self.isDigit(first) || (first == UInt8(ascii: ".") && byte(at: offset + 1).map(Self.isDigit) == true) {
            return token(try number())
        }
        switch first {
        case UInt8(ascii: "'"):
            return token(.string(try quoted(UInt8(ascii: "'"), at: location, what: "string literal")))
        case UInt8(ascii: "\""):
            let name = try quoted(UInt8(ascii: "\""), at: location, what: "quoted identifier")
            guard !name.isEmpty else { throw LakeSQLError(.syntaxError, "Zero-length delimited identifier not allowed", at: location) }
            return token(.quotedIdentifier(name))
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "!"):
            advance()
            if first == UInt8(ascii: "<"), byte(at: offset) == UInt8(ascii: ">") {
                advance()
                return token(.symbol("<>"))
            }
            // Lenient `< =`: look past blanks for `=`.
            var look = offset
            while let byte = byte(at: look), byte == 0x20 || byte == 0x09 { look += 1 }
            if byte(at: look) == UInt8(ascii: "=") {
                while offset <= look { advance() }
                return token(.symbol(String(UnicodeScalar(first)) + "="))
            }
            guard first != UInt8(ascii: "!") else { throw LakeSQLError(.syntaxError, "mismatched input '!'", at: location) }
            return token(.symbol(String(UnicodeScalar(first))))
        case UInt8(ascii: "|"):
            advance()
            guard byte(at: offset) == UInt8(ascii: "|") else { throw LakeSQLError(.syntaxError, "mismatched input '|'", at: location) }
            advance()
            return token(.symbol("||"))
        case UInt8(ascii: "-") where byte(at: offset + 1) == UInt8(ascii: ">"):
            advance()
            advance()
            return token(.symbol("->"))
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "*"),
            UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "="),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ";"):
            advance()
            return token(.symbol(String(UnicodeScalar(first))))
        default:
            let character = text(start, Swift.min(start + 1, bytes.count))
            throw LakeSQLError(.syntaxError, "token recognition error at: '\(character)'", at: location)
        }
    }

    /// Reads a table token in FROM position: a quoted identifier, or the longest run of `[A-Za-z0-9_.:/-]`.
    public mutating func nextTableName() throws(LakeSQLError) -> Token {
        try skipTrivia()
        let start = offset
        let location = here
        if byte(at: offset) == UInt8(ascii: "\"") { return try next() }
        while let byte = byte(at: offset), Self.isTablePart(byte) { advance() }
        guard offset > start else { return try next() }
        return Token(kind: .tableName(text(start, offset)), location: location, offset: start)
    }

    private mutating func number() throws(LakeSQLError) -> Token.Kind {
        let start = offset
        var isDecimal = false
        while let byte = byte(at: offset), Self.isDigit(byte) { advance() }
        if byte(at: offset) == UInt8(ascii: ".") {
            isDecimal = true
            advance()
            while let byte = byte(at: offset), Self.isDigit(byte) { advance() }
        }
        if let e = byte(at: offset), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var look = offset + 1
            if let sign = byte(at: look), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { look += 1 }
            if let digit = byte(at: look), Self.isDigit(digit) {
                isDecimal = true
                while offset < look { advance() }
                while let byte = byte(at: offset), Self.isDigit(byte) { advance() }
            }
        }
        if let byte = byte(at: offset), Self.isWordStart(byte) {
            throw LakeSQLError(.syntaxError, "identifiers must not start with a digit; surround the identifier with double quotes", at: location(of: start))
        }
        let literal = text(start, offset)
        return isDecimal ? .decimal(literal) : .integer(literal)
    }

    private mutating func quoted(_ quote: UInt8, at location: LakeSQLPosition, what: String) throws(LakeSQLError) -> String {
        advance()
        var value: [UInt8] = []
        while true {
            guard let byte = byte(at: offset) else { throw LakeSQLError(.syntaxError, "unterminated \(what)", at: location) }
            advance()
            if byte == quote {
                if self.byte(at: offset) == quote {
                    value.append(quote)
                    advance()
                    continue
                }
                return String(decoding: value, as: UTF8.self)
            }
            value.append(byte)
        }
    }
}
