/// The recursive-descent parser behind ``FilterPattern``.
struct FilterPatternParser {
    typealias Expression = FilterPattern.Expression

    enum Token: Equatable {
        case openBrace, closeBrace, openParen, closeParen, and, or
        case op(FilterPattern.Operator)
        case selector([FilterPattern.PathComponent])
        case quoted(String)
        case word(String)
        case end
    }

    let characters: [Character]
    var position = 0
    /// Where the most recent token started (for error messages).
    var tokenStart = 0

    init(_ text: String) {
        self.characters = Array(text)
    }

    func error(_ message: String, at offset: Int? = nil) -> DetectionError {
        DetectionError(.invalidFilterPattern, "filter pattern syntax error at character \((offset ?? tokenStart) + 1): \(message)")
    }

    mutating func parsePattern() throws(DetectionError) -> Expression {
        guard try next() == .openBrace else {
            throw error("a JSON filter pattern starts with '{' (term and space-delimited patterns are not supported)")
        }
        let expression = try parseOr()
        guard try next() == .closeBrace else { throw error("expected '&&', '||' or '}'") }
        guard try next() == .end else { throw error("unexpected text after '}'") }
        return expression
    }

    mutating func parseOr() throws(DetectionError) -> Expression {
        var parts = [try parseAnd()]
        while try peek() == .or {
            _ = try next()
            parts.append(try parseAnd())
        }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    mutating func parseAnd() throws(DetectionError) -> Expression {
        var parts = [try parsePrimary()]
        while try peek() == .and {
            _ = try next()
            parts.append(try parsePrimary())
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    mutating func parsePrimary() throws(DetectionError) -> Expression {
        let token = try next()
        switch token {
        case .openParen:
            let inner = try parseOr()
            guard try next() == .closeParen else { throw error("expected ')'") }
            return inner
        case .selector(let selector):
            return .term(FilterPattern.Term(selector: selector, test: try parseTest()))
        case .end, .closeBrace:
            throw error("expected a condition such as $.field = value")
        default:
            throw error("expected a selector starting with '$.' or '('")
        }
    }

    mutating func parseTest() throws(DetectionError) -> FilterPattern.Test {
        let token = try next()
        switch token {
        case .op(let op):
            let start = tokenStart
            let literal: FilterPattern.Literal
            switch try next() {
            case .quoted(let s): literal = Self.literal(s, quoted: true)
            case .word(let s): literal = Self.literal(s, quoted: false)
            default: throw error("expected a value after '\(op.rawValue)'")
            }
            switch op {
            case .less, .greater, .lessOrEqual, .greaterOrEqual:
                guard Double(literal.text) != nil else {
                    throw error("'\(op.rawValue)' needs a numeric value, not \"\(literal.text)\"", at: start)
                }
                var numeric = literal
                numeric.number = Double(literal.text)
                return .compare(op, numeric)
            case .equal, .notEqual:
                return .compare(op, literal)
            }
        case .word(let w) where w.uppercased() == "IS":
            guard case .word(let what) = try next() else { throw error("expected TRUE, FALSE or NULL after IS") }
            switch what.uppercased() {
            case "TRUE": return .isTrue
            case "FALSE": return .isFalse
            case "NULL": return .isNull
            default: throw error("expected TRUE, FALSE or NULL after IS")
            }
        case .word(let w) where w.uppercased() == "NOT":
            guard case .word(let what) = try next(), what.uppercased() == "EXISTS" else {
                throw error("expected EXISTS after NOT")
            }
            return .notExists
        default:
            throw error("expected an operator (=, !=, <, >, <=, >=), IS or NOT EXISTS after the selector")
        }
    }

    static func literal(_ text: String, quoted: Bool) -> FilterPattern.Literal {
        var core = Substring(text)
        let leading = core.hasPrefix("*")
        if leading { core = core.dropFirst() }
        let trailing = core.hasSuffix("*")
        if trailing { core = core.dropLast() }
        let number = (!quoted && !leading && !trailing) ? Double(text) : nil
        return FilterPattern.Literal(
            text: text, isQuoted: quoted, number: number, core: String(core), leadingWildcard: leading,
            trailingWildcard: trailing || (leading && text == "*"))
    }

    // MARK: Tokens

    mutating func peek() throws(DetectionError) -> Token {
        let saved = (position, tokenStart)
        let token = try next()
        (position, tokenStart) = saved
        return token
    }

    mutating func skipWhitespace() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    func at(_ offset: Int) -> Character? {
        position + offset < characters.count ? characters[position + offset] : nil
    }

    mutating func next() throws(DetectionError) -> Token {
        skipWhitespace()
        tokenStart = position
        guard let c = at(0) else { return .end }
        switch c {
        case "{": position += 1; return .openBrace
        case "}": position += 1; return .closeBrace
        case "(": position += 1; return .openParen
        case ")": position += 1; return .closeParen
        case "&":
            guard at(1) == "&" else { throw error("'&' must be '&&'") }
            position += 2
            return .and
        case "|":
            guard at(1) == "|" else { throw error("'|' must be '||'") }
            position += 2
            return .or
        case "=": position += 1; return .op(.equal)
        case "!":
            guard at(1) == "=" else { throw error("'!' must be '!='") }
            position += 2
            return .op(.notEqual)
        case "<", ">":
            let orEqual = at(1) == "="
            position += orEqual ? 2 : 1
            if c == "<" { return .op(orEqual ? .lessOrEqual : .less) }
            return .op(orEqual ? .greaterOrEqual : .greater)
        case "$": return .selector(try selector())
        case "\"": return .quoted(try quoted())
        default:
            let start = position
            while let ch = at(0), !ch.isWhitespace, !"(){}=!<>&|\"".contains(ch) { position += 1 }
            guard position > start else { throw error("unexpected '\(c)'") }
            return .word(String(characters[start..<position]))
        }
    }

    mutating func quoted() throws(DetectionError) -> String {
        position += 1
        var out = ""
        while let ch = at(0) {
            position += 1
            if ch == "\"" { return out }
            if ch == "\\", let escaped = at(0) {
                position += 1
                out.append(escaped)
            } else {
                out.append(ch)
            }
        }
        throw error("unterminated quoted value")
    }

    static func isNameCharacter(_ c: Character) -> Bool {
        !c.isWhitespace && !".[](){}=!<>&|\"'$".contains(c)
    }

    mutating func selector() throws(DetectionError) -> [FilterPattern.PathComponent] {
        position += 1  // $
        var components: [FilterPattern.PathComponent] = []
        while let c = at(0) {
            if c == ".", at(1) == "[" {
                position += 1
                continue
            } else if c == "." {
                position += 1
                let start = position
                while let ch = at(0), Self.isNameCharacter(ch) { position += 1 }
                guard position > start else { throw error("expected a field name after '.'", at: position) }
                components.append(.key(String(characters[start..<position])))
            } else if c == "[" {
                position += 1
                if at(0) == "'" {
                    position += 1
                    let start = position
                    while let ch = at(0), ch != "'" { position += 1 }
                    guard at(0) == "'", at(1) == "]" else { throw error("expected '] after a quoted key", at: position) }
                    components.append(.key(String(characters[start..<position])))
                    position += 2
                } else {
                    let start = position
                    while let ch = at(0), ch.isASCII, ch.isNumber { position += 1 }
                    guard position > start, at(0) == "]", let index = Int(String(characters[start..<position])) else {
                        throw error("expected an array index like [0] or a key like ['a.b']", at: position)
                    }
                    components.append(.index(index))
                    position += 1
                }
            } else {
                break
            }
        }
        guard !components.isEmpty else { throw error("a selector needs a field, like $.eventName") }
        return components
    }
}
