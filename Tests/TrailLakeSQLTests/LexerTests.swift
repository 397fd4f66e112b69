import Testing
import TrailLakeSQL

@Suite struct LexerTests {
    func tokens(_ text: String) throws -> [Token.Kind] {
        var lexer = Lexer(text)
        var kinds: [Token.Kind] = []
        while true {
            let token = try lexer.next()
            if case .end = token.kind { return kinds }
            kinds.append(token.kind)
        }
    }

    @Test func blanksInsideComparisonOperators() throws {
        #expect(try tokens("a < ='x'") == [.word("a"), .symbol("<="), .string("x")])
        #expect(try tokens("a >  = 1") == [.word("a"), .symbol(">="), .integer("1")])
        #expect(try tokens("a ! = 1") == [.word("a"), .symbol("!="), .integer("1")])
        #expect(try tokens("a <> 1 <= 2") == [.word("a"), .symbol("<>"), .integer("1"), .symbol("<="), .integer("2")])
        #expect(try tokens("a < b") == [.word("a"), .symbol("<"), .word("b")])
    }

    @Test func stringsAndQuotedIdentifiers() throws {
        #expect(try tokens("'it''s' \"my \"\"col\"\"\"") == [.string("it's"), .quotedIdentifier("my \"col\"")])
        #expect(try tokens("''") == [.string("")])
    }

    @Test func numbers() throws {
        #expect(try tokens("1 2.5 .5 1e3 10E-2") == [.integer("1"), .decimal("2.5"), .decimal(".5"), .decimal("1e3"), .decimal("10E-2")])
    }

    @Test func commentsAreSkipped() throws {
        #expect(try tokens("SELECT -- comment\n x /* block\n comment */ FROM") == [.word("SELECT"), .word("x"), .word("FROM")])
    }

    @Test func positionsAreLineAndColumn() throws {
        var lexer = Lexer("SELECT\n  eventName,\n\tx")
        #expect(try lexer.next().location == LakeSQLPosition(line: 1, column: 1))
        #expect(try lexer.next().location == LakeSQLPosition(line: 2, column: 3))
        #expect(try lexer.next().location == LakeSQLPosition(line: 2, column: 12))
        #expect(try lexer.next().location == LakeSQLPosition(line: 3, column: 2))
    }

    @Test(arguments: [
        "eds-ID", "5e2676f8-9fce-46ef-8142-3e36a94e6691", "event_data_store_ID",
        "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/0f1e2d3c-0000-4000-8000-000000000001",
    ])
    func tableTokens(_ name: String) throws {
        var lexer = Lexer(" \(name) WHERE")
        let token = try lexer.nextTableName()
        #expect(token.kind == .tableName(name))
        #expect(try lexer.next().kind == .word("WHERE"))
    }

    @Test func quotedTableToken() throws {
        var lexer = Lexer("\"eds-ID\"")
        #expect(try lexer.nextTableName().kind == .quotedIdentifier("eds-ID"))
    }

    @Test func errorsCarryPositions() {
        #expect(throws: LakeSQLError(.syntaxError, "unterminated string literal", at: LakeSQLPosition(line: 2, column: 5))) {
            _ = try tokens("SELECT\nx = 'abc")
        }
        #expect(throws: LakeSQLError(.syntaxError, "token recognition error at: '#'", at: LakeSQLPosition(line: 1, column: 8))) {
            _ = try tokens("SELECT #")
        }
        #expect(throws: LakeSQLError(.syntaxError, "unterminated comment", at: LakeSQLPosition(line: 1, column: 3))) {
            _ = try tokens("x /* never closed")
        }
    }
}
