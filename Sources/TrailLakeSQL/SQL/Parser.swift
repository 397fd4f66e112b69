/// A recursive-descent parser for the CloudTrail Lake (Trino) SELECT subset.
///
/// The grammar has productions for one SELECT statement only; any other statement is refused with
/// ``LakeSQLError/Code/notReadOnly`` before anything else is read.
public struct Parser: Sendable {
    var lexer: Lexer
    var peeked: Token?
    var depth = 0

    /// The deepest nesting of expressions accepted.
    public static let maximumDepth = 200

    /// Words that end an expression or clause, so they are never taken as an implicit alias.
    static let reserved: Set<String> = [
        "select", "from", "where", "group", "by", "having", "order", "limit", "offset", "union", "except", "intersect",
        "join", "inner", "left", "right", "full", "outer", "cross", "on", "as", "and", "or", "not", "in", "is", "null",
        "like", "between", "case", "when", "then", "else", "end", "distinct", "all", "asc", "desc", "nulls", "escape",
        "with", "values", "natural", "using", "fetch", "window", "true", "false", "cast", "try_cast",
    ]

    /// Leading words of statements that are not SELECT.
    static let writeStatements: Set<String> = [
        "insert", "update", "delete", "merge", "create", "drop", "alter", "attach", "detach", "pragma", "vacuum",
        "analyze", "explain", "call", "set", "reset", "grant", "revoke", "replace", "truncate", "comment", "use",
        "prepare", "execute", "deallocate", "begin", "commit", "rollback", "start", "savepoint", "release", "reindex",
        "show", "describe", "refresh", "deny",
    ]

    /// Creates a parser over `text`.
    public init(_ text: String) {
        self.lexer = Lexer(text)
    }

    /// Parses `text` as one query.
    public static func parse(_ text: String) throws(LakeSQLError) -> Query {
        var parser = Parser(text)
        return try parser.parseStatement()
    }

    // MARK: Tokens

    mutating func peek() throws(LakeSQLError) -> Token {
        if let peeked { return peeked }
        let token = try lexer.next()
        peeked = token
        return token
    }

    @discardableResult
    mutating func take() throws(LakeSQLError) -> Token {
        let token = try peek()
        peeked = nil
        return token
    }

    mutating func accept(keyword: String) throws(LakeSQLError) -> Bool {
        guard try peek().isKeyword(keyword) else { return false }
        peeked = nil
        return true
    }

    mutating func accept(symbol: String) throws(LakeSQLError) -> Bool {
        guard try peek().isSymbol(symbol) else { return false }
        peeked = nil
        return true
    }

    mutating func expect(keyword: String) throws(LakeSQLError) {
        guard try accept(keyword: keyword) else { throw try unexpected(expecting: keyword.uppercased()) }
    }

    mutating func expect(symbol: String) throws(LakeSQLError) {
        guard try accept(symbol: symbol) else { throw try unexpected(expecting: "'\(symbol)'") }
    }

    mutating func unexpected(expecting: String? = nil) throws(LakeSQLError) -> LakeSQLError {
        let token = try peek()
        var message = "mismatched input \(token.display)"
        if let expecting { message += ". Expecting: \(expecting)" }
        return LakeSQLError(.syntaxError, message, at: token.location)
    }

    mutating func identifier() throws(LakeSQLError) -> Identifier {
        let token = try peek()
        switch token.kind {
        case .word(let name) where !Self.reserved.contains(name.lowercased()):
            peeked = nil
            return Identifier(name: name, isQuoted: false, location: token.location)
        case .quotedIdentifier(let name):
            peeked = nil
            return Identifier(name: name, isQuoted: true, location: token.location)
        default:
            throw try unexpected(expecting: "<identifier>")
        }
    }

    /// An alias after `AS`, or a bare non-reserved word in alias position.
    mutating func optionalAlias() throws(LakeSQLError) -> Identifier? {
        if try accept(keyword: "as") { return try identifier() }
        switch try peek().kind {
        case .word(let name) where !Self.reserved.contains(name.lowercased()): return try identifier()
        case .quotedIdentifier: return try identifier()
        default: return nil
        }
    }

    // MARK: Statements

    mutating func parseStatement() throws(LakeSQLError) -> Query {
        let first = try peek()
        if case .word(let word) = first.kind {
            let lowered = word.lowercased()
            if Self.writeStatements.contains(lowered) {
                throw LakeSQLError(.notReadOnly, "Only SELECT statements are allowed; '\(word.uppercased())' is not", at: first.location)
            }
            if lowered == "with" {
                throw LakeSQLError(.notSupported, "WITH clauses are not supported", at: first.location)
            }
            if lowered == "values" {
                throw LakeSQLError(.notSupported, "VALUES is not supported", at: first.location)
            }
        }
        if case .end = first.kind { throw LakeSQLError(.syntaxError, "mismatched input '<EOF>'. Expecting: SELECT", at: first.location) }
        let query = try parseQuery()
        _ = try accept(symbol: ";")
        let trailing = try peek()
        guard case .end = trailing.kind else {
            if case .word(let word) = trailing.kind, Self.writeStatements.contains(word.lowercased()) || word.lowercased() == "select" {
                throw LakeSQLError(.notReadOnly, "Only one statement is allowed", at: trailing.location)
            }
            throw try unexpected()
        }
        return query
    }

    mutating func parseQuery() throws(LakeSQLError) -> Query {
        var body = QueryBody.select(try parseSelect())
        while true {
            let token = try peek()
            let op: SetOperator
            if token.isKeyword("union") { op = .union } else if token.isKeyword("except") { op = .except } else if token.isKeyword("intersect") {
                op = .intersect
            } else {
                break
            }
            try take()
            var isAll = false
            if try accept(keyword: "all") { isAll = true } else { _ = try accept(keyword: "distinct") }
            let right = QueryBody.select(try parseSelect())
            body = .setOperation(op, isAll: isAll, body, right, token.location)
        }
        var orderBy: [OrderItem] = []
        if try accept(keyword: "order") {
            try expect(keyword: "by")
            repeat {
                let expression = try parseExpression()
                var isDescending = false
                if try accept(keyword: "desc") { isDescending = true } else { _ = try accept(keyword: "asc") }
                var nullsFirst = false
                if try accept(keyword: "nulls") {
                    if try accept(keyword: "first") { nullsFirst = true } else { try expect(keyword: "last") }
                }
                orderBy.append(OrderItem(expression: expression, isDescending: isDescending, nullsFirst: nullsFirst))
            } while try accept(symbol: ",")
        }
        var limit: Int64?
        var offset: Int64?
        if try accept(keyword: "offset") {
            offset = try count()
            if try !accept(keyword: "rows") { _ = try accept(keyword: "row") }
        }
        if try accept(keyword: "limit") {
            if try !accept(keyword: "all") { limit = try count() }
        }
        if offset == nil, try accept(keyword: "offset") { offset = try count() }
        return Query(body: body, orderBy: orderBy, limit: limit, offset: offset)
    }

    mutating func count() throws(LakeSQLError) -> Int64 {
        let token = try peek()
        guard case .integer(let text) = token.kind, let value = Int64(text) else { throw try unexpected(expecting: "<integer>") }
        try take()
        return value
    }

    mutating func parseSelect() throws(LakeSQLError) -> SelectCore {
        let start = try peek()
        if start.isSymbol("(") {
            throw LakeSQLError(.notSupported, "Parenthesised queries are not supported", at: start.location)
        }
        try expect(keyword: "select")
        var isDistinct = false
        if try accept(keyword: "distinct") { isDistinct = true } else { _ = try accept(keyword: "all") }
        var items: [SelectItem] = []
        repeat { items.append(try parseSelectItem()) } while try accept(symbol: ",")
        let fromToken = try peek()
        guard fromToken.isKeyword("from") else {
            throw try unexpected(expecting: "FROM")
        }
        try take()
        let from = try parseRelation()
        var filter: Expression?
        if try accept(keyword: "where") { filter = try parseExpression() }
        var groupBy: [Expression] = []
        if try accept(keyword: "group") {
            try expect(keyword: "by")
            repeat { groupBy.append(try parseExpression()) } while try accept(symbol: ",")
        }
        var having: Expression?
        if try accept(keyword: "having") { having = try parseExpression() }
        let next = try peek()
        if next.isKeyword("window") || next.isKeyword("fetch") {
            throw LakeSQLError(.notSupported, "\(next.display) is not supported", at: next.location)
        }
        return SelectCore(
            isDistinct: isDistinct, items: items, from: from, filter: filter, groupBy: groupBy, having: having,
            location: start.location
        )
    }

    mutating func parseSelectItem() throws(LakeSQLError) -> SelectItem {
        let token = try peek()
        if token.isSymbol("*") {
            try take()
            return .star(token.location)
        }
        let expression = try parseExpression()
        if case .path(let parts) = expression, parts.count == 1, try peek().isSymbol(".") {
            try take()
            try expect(symbol: "*")
            return .qualifiedStar(parts[0])
        }
        return .expression(expression, alias: try optionalAlias())
    }

    // MARK: FROM

    mutating func parseRelation() throws(LakeSQLError) -> Relation {
        var relation = try parseTable()
        while true {
            if try accept(symbol: ",") {
                relation = .join(.cross, relation, try parseTable(), on: nil)
                continue
            }
            let kind: JoinKind
            if try accept(keyword: "join") {
                kind = .inner
            } else if try accept(keyword: "inner") {
                try expect(keyword: "join")
                kind = .inner
            } else if try accept(keyword: "cross") {
                try expect(keyword: "join")
                relation = .join(.cross, relation, try parseTable(), on: nil)
                continue
            } else if let word = try joinSide() {
                kind = word.isKeyword("left") ? .left : word.isKeyword("right") ? .right : .full
                _ = try accept(keyword: "outer")
                try expect(keyword: "join")
            } else {
                let token = try peek()
                if token.isKeyword("natural") {
                    throw LakeSQLError(.notSupported, "NATURAL JOIN is not supported", at: token.location)
                }
                return relation
            }
            let right = try parseTable()
            let on = try peek()
            if on.isKeyword("using") { throw LakeSQLError(.notSupported, "JOIN … USING is not supported", at: on.location) }
            try expect(keyword: "on")
            relation = .join(kind, relation, right, on: try parseExpression())
        }
    }

    mutating func joinSide() throws(LakeSQLError) -> Token? {
        let token = try peek()
        guard token.isKeyword("left") || token.isKeyword("right") || token.isKeyword("full") else { return nil }
        return try take()
    }

    mutating func parseTable() throws(LakeSQLError) -> Relation {
        // Nothing has been peeked after FROM/JOIN/`,`: read the table token in its own mode.
        precondition(peeked == nil, "a token was read ahead of a table name")
        let token = try lexer.nextTableName()
        let name: String
        switch token.kind {
        case .tableName(let text):
            if ["select", "lateral", "unnest", "table"].contains(text.lowercased()) {
                throw LakeSQLError(.notSupported, "Sub-queries, UNNEST and LATERAL are not supported", at: token.location)
            }
            if Self.reserved.contains(text.lowercased()) {
                throw LakeSQLError(.syntaxError, "mismatched input '\(text)'. Expecting: <identifier>", at: token.location)
            }
            name = text
        case .quotedIdentifier(let text):
            name = text
        case .symbol("("):
            throw LakeSQLError(.notSupported, "Sub-queries are not supported", at: token.location)
        default:
            peeked = token
            throw try unexpected(expecting: "<event data store>")
        }
        return .table(name: name, alias: try optionalAlias(), token.location)
    }
}
