extension Parser {
    /// Parses an expression by precedence climbing:
    /// OR < AND < NOT < predicates < `||` < `+ -` < `* / %` < unary < postfix (`[ ]`, `.`).
    mutating func parseExpression() throws(LakeSQLError) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw LakeSQLError(.tooComplex, "Expression is nested too deeply (more than \(Self.maximumDepth) levels)", at: try peek().location)
        }
        return try parseOr()
    }

    mutating func parseOr() throws(LakeSQLError) -> Expression {
        var left = try parseAnd()
        while try peek().isKeyword("or") {
            let token = try take()
            left = .binary("or", left, try parseAnd(), token.location)
        }
        return left
    }

    mutating func parseAnd() throws(LakeSQLError) -> Expression {
        var left = try parseNot()
        while try peek().isKeyword("and") {
            let token = try take()
            left = .binary("and", left, try parseNot(), token.location)
        }
        return left
    }

    mutating func parseNot() throws(LakeSQLError) -> Expression {
        let token = try peek()
        if token.isKeyword("not") {
            try take()
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else {
                throw LakeSQLError(.tooComplex, "Expression is nested too deeply (more than \(Self.maximumDepth) levels)", at: token.location)
            }
            return .not(try parseNot(), token.location)
        }
        return try parsePredicate()
    }

    static let comparisons: Set<String> = ["=", "<>", "!=", "<", ">", "<=", ">="]

    mutating func parsePredicate() throws(LakeSQLError) -> Expression {
        var left = try parseConcatenation()
        while true {
            let token = try peek()
            if case .symbol(let op) = token.kind, Self.comparisons.contains(op) {
                try take()
                let next = try peek()
                if next.isKeyword("any") || next.isKeyword("all") || next.isKeyword("some") {
                    throw LakeSQLError(.notSupported, "Quantified comparisons are not supported", at: next.location)
                }
                left = .binary(op, left, try parseConcatenation(), token.location)
                continue
            }
            if token.isKeyword("is") {
                try take()
                let negated = try accept(keyword: "not")
                let what = try peek()
                if what.isKeyword("distinct") {
                    throw LakeSQLError(.notSupported, "IS DISTINCT FROM is not supported", at: what.location)
                }
                try expect(keyword: "null")
                left = .isNull(left, negated: negated, token.location)
                continue
            }
            var negated = false
            if token.isKeyword("not") {
                try take()
                negated = true
            }
            let keyword = try peek()
            if keyword.isKeyword("in") {
                try take()
                try expect(symbol: "(")
                if try peek().isKeyword("select") {
                    throw LakeSQLError(.notSupported, "Sub-queries are not supported", at: try peek().location)
                }
                var list: [Expression] = []
                repeat { list.append(try parseExpression()) } while try accept(symbol: ",")
                try expect(symbol: ")")
                left = .inList(left, list, negated: negated, keyword.location)
            } else if keyword.isKeyword("like") {
                try take()
                let pattern = try parseConcatenation()
                var escape: Expression?
                if try accept(keyword: "escape") { escape = try parseConcatenation() }
                left = .like(left, pattern, escape: escape, negated: negated, keyword.location)
            } else if keyword.isKeyword("between") {
                try take()
                let low = try parseConcatenation()
                try expect(keyword: "and")
                let high = try parseConcatenation()
                left = .between(left, low, high, negated: negated, keyword.location)
            } else if negated {
                throw try unexpected(expecting: "IN, LIKE, BETWEEN")
            } else {
                return left
            }
        }
    }

    mutating func parseConcatenation() throws(LakeSQLError) -> Expression {
        var left = try parseAdditive()
        while try peek().isSymbol("||") {
            let token = try take()
            left = .binary("||", left, try parseAdditive(), token.location)
        }
        return left
    }

    mutating func parseAdditive() throws(LakeSQLError) -> Expression {
        var left = try parseMultiplicative()
        while true {
            let token = try peek()
            guard token.isSymbol("+") || token.isSymbol("-") else { return left }
            try take()
            guard case .symbol(let op) = token.kind else { return left }
            left = .binary(op, left, try parseMultiplicative(), token.location)
        }
    }

    mutating func parseMultiplicative() throws(LakeSQLError) -> Expression {
        var left = try parseUnary()
        while true {
            let token = try peek()
            guard token.isSymbol("*") || token.isSymbol("/") || token.isSymbol("%") else { return left }
            try take()
            guard case .symbol(let op) = token.kind else { return left }
            left = .binary(op, left, try parseUnary(), token.location)
        }
    }

    mutating func parseUnary() throws(LakeSQLError) -> Expression {
        let token = try peek()
        if token.isSymbol("-") || token.isSymbol("+") {
            try take()
            guard case .symbol(let op) = token.kind else { return try parseUnary() }
            let operand = try parseUnary()
            // Fold a sign into a numeric literal so that `-1` stays a literal.
            if case .literal(.integer(let text), _) = operand { return .literal(.integer(op == "-" ? "-" + text : text), token.location) }
            if case .literal(.decimal(let text), _) = operand { return .literal(.decimal(op == "-" ? "-" + text : text), token.location) }
            return .unary(op, operand, token.location)
        }
        return try parsePostfix()
    }

    mutating func parsePostfix() throws(LakeSQLError) -> Expression {
        var expression = try parsePrimary()
        while true {
            let token = try peek()
            if token.isSymbol("[") {
                try take()
                let index = try parseExpression()
                try expect(symbol: "]")
                expression = .subscript(expression, index, token.location)
            } else if token.isSymbol(".") {
                // `alias.*` is handled by the select-item parser.
                guard case .path = expression else {
                    try take()
                    expression = .dereference(expression, try identifier())
                    continue
                }
                var lookahead = self
                try lookahead.take()
                if try lookahead.peek().isSymbol("*") { return expression }
                try take()
                let field = try identifier()
                if case .path(let parts) = expression { expression = .path(parts + [field]) }
            } else {
                return expression
            }
        }
    }

    mutating func parsePrimary() throws(LakeSQLError) -> Expression {
        let token = try peek()
        switch token.kind {
        case .string(let text):
            try take()
            return .literal(.string(text), token.location)
        case .integer(let text):
            try take()
            return .literal(.integer(text), token.location)
        case .decimal(let text):
            try take()
            return .literal(.decimal(text), token.location)
        case .quotedIdentifier:
            return .path([try identifier()])
        case .symbol("("):
            try take()
            if try peek().isKeyword("select") {
                throw LakeSQLError(.notSupported, "Sub-queries are not supported", at: try peek().location)
            }
            let inner = try parseExpression()
            if try peek().isSymbol(",") {
                throw LakeSQLError(.notSupported, "Row constructors are not supported", at: token.location)
            }
            try expect(symbol: ")")
            return inner
        case .word(let word):
            return try parseWord(word.lowercased(), token)
        default:
            throw try unexpected()
        }
    }

    mutating func parseWord(_ word: String, _ token: Token) throws(LakeSQLError) -> Expression {
        switch word {
        case "true", "false":
            try take()
            return .literal(.boolean(word == "true"), token.location)
        case "null":
            try take()
            return .literal(.null, token.location)
        case "case":
            try take()
            return try parseCase(token.location)
        case "cast", "try_cast":
            try take()
            try expect(symbol: "(")
            let value = try parseExpression()
            try expect(keyword: "as")
            let type = try parseTypeName()
            try expect(symbol: ")")
            return .cast(value, type: type, isTry: word == "try_cast", token.location)
        case "exists", "select":
            throw LakeSQLError(.notSupported, "Sub-queries are not supported", at: token.location)
        case "array", "map", "row":
            throw LakeSQLError(.notSupported, "\(word.uppercased()) constructors are not supported", at: token.location)
        case "timestamp", "date", "interval":
            var lookahead = self
            try lookahead.take()
            let next = try lookahead.peek()
            if word == "interval", case .string = next.kind {} else if word == "interval" {
                throw LakeSQLError(.syntaxError, "mismatched input \(next.display). Expecting: <string>", at: next.location)
            }
            guard case .string(var text) = next.kind else { break }
            self = lookahead
            try take()
            if word == "timestamp" { return .literal(.timestamp(text), token.location) }
            if word == "date" { return .literal(.date(text), token.location) }
            let unitToken = try peek()
            guard case .word(let unit) = unitToken.kind,
                ["year", "month", "day", "hour", "minute", "second"].contains(unit.lowercased())
            else { throw try unexpected(expecting: "YEAR, MONTH, DAY, HOUR, MINUTE, SECOND") }
            try take()
            if text.hasPrefix("+") { text.removeFirst() }
            return .literal(.interval(text, unit: unit.lowercased()), token.location)
        default:
            break
        }
        let name = try identifier()
        guard try peek().isSymbol("(") else {
            if ["current_timestamp", "current_date", "localtimestamp"].contains(word) {
                return .call(name, [], distinct: false, isStar: false)
            }
            return .path([name])
        }
        try take()
        if try accept(symbol: ")") { return try finishCall(name, [], distinct: false, isStar: false) }
        if try peek().isSymbol("*") {
            try take()
            try expect(symbol: ")")
            return try finishCall(name, [], distinct: false, isStar: true)
        }
        var distinct = false
        if try accept(keyword: "distinct") { distinct = true } else { _ = try accept(keyword: "all") }
        var arguments: [Expression] = []
        repeat {
            arguments.append(try parseExpression())
            let arrow = try peek()
            if arrow.isSymbol("->") { throw LakeSQLError(.notSupported, "Lambda expressions are not supported", at: arrow.location) }
        } while try accept(symbol: ",")
        let closing = try peek()
        if closing.isKeyword("order") { throw LakeSQLError(.notSupported, "ORDER BY in aggregate calls is not supported", at: closing.location) }
        try expect(symbol: ")")
        return try finishCall(name, arguments, distinct: distinct, isStar: false)
    }

    mutating func finishCall(_ name: Identifier, _ arguments: [Expression], distinct: Bool, isStar: Bool) throws(LakeSQLError) -> Expression {
        let token = try peek()
        if token.isKeyword("over") { throw LakeSQLError(.notSupported, "Window functions are not supported", at: token.location) }
        if token.isKeyword("filter") { throw LakeSQLError(.notSupported, "Aggregate FILTER clauses are not supported", at: token.location) }
        return .call(name, arguments, distinct: distinct, isStar: isStar)
    }

    mutating func parseCase(_ location: LakeSQLPosition) throws(LakeSQLError) -> Expression {
        var operand: Expression?
        if try !peek().isKeyword("when") { operand = try parseExpression() }
        var clauses: [WhenClause] = []
        while try accept(keyword: "when") {
            let condition = try parseExpression()
            try expect(keyword: "then")
            clauses.append(WhenClause(condition: condition, result: try parseExpression()))
        }
        guard !clauses.isEmpty else { throw try unexpected(expecting: "WHEN") }
        var otherwise: Expression?
        if try accept(keyword: "else") { otherwise = try parseExpression() }
        try expect(keyword: "end")
        return .caseWhen(operand: operand, clauses, otherwise: otherwise, location)
    }

    /// A type name for CAST: words with optional `(n[, m])`, lower-cased (`varchar`, `timestamp(3)`, `double`).
    mutating func parseTypeName() throws(LakeSQLError) -> String {
        let token = try take()
        guard case .word(let word) = token.kind else {
            peeked = token
            throw try unexpected(expecting: "<type>")
        }
        var name = word.lowercased()
        if name == "double", try peek().isKeyword("precision") { try take() }
        if try accept(symbol: "(") {
            var parameters: [String] = []
            repeat {
                let parameter = try take()
                guard case .integer(let text) = parameter.kind else {
                    throw LakeSQLError(.notSupported, "Type \(name) with these parameters is not supported", at: parameter.location)
                }
                parameters.append(text)
            } while try accept(symbol: ",")
            try expect(symbol: ")")
            name += "(" + parameters.joined(separator: ",") + ")"
        }
        return name
    }
}
