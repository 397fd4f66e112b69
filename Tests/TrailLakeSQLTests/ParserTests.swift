import Testing
import TrailLakeSQL

@Suite struct ParserTests {
    func select(_ text: String) throws -> SelectCore {
        let query = try Parser.parse(text)
        guard case .select(let core) = query.body else {
            Issue.record("not a single SELECT")
            throw LakeSQLError(.syntaxError, "not a select")
        }
        return core
    }

    @Test func everyAWSSampleParses() throws {
        for sample in try Fixtures.awsSamples() {
            _ = try Parser.parse(sample.text)
        }
    }

    @Test func spacedLessOrEqualIsOneOperator() throws {
        let core = try select("SELECT * FROM eds-ID WHERE eventtime < ='2022-01-19 13:51:00'")
        guard case .binary(let op, _, _, _) = core.filter else {
            Issue.record("expected a comparison")
            return
        }
        #expect(op == "<=")
    }

    @Test func tableTokensWithDigitsAndHyphens() throws {
        let core = try select("SELECT count(*) FROM 5e2676f8-9fce-46ef-8142-3e36a94e6691 AS t")
        guard case .table(let name, let alias, _) = core.from else {
            Issue.record("expected a table")
            return
        }
        #expect(name == "5e2676f8-9fce-46ef-8142-3e36a94e6691")
        #expect(alias?.name == "t")
    }

    @Test func precedenceOfAndOverOr() throws {
        let core = try select("SELECT a FROM t WHERE a = 1 OR b = 2 AND c = 3")
        guard case .binary("or", _, .binary("and", _, _, _), _) = core.filter else {
            Issue.record("AND must bind tighter than OR: \(String(describing: core.filter))")
            return
        }
    }

    @Test func arithmeticPrecedence() throws {
        let core = try select("SELECT 1 + 2 * 3 FROM t")
        guard case .expression(.binary("+", _, .binary("*", _, _, _), _), nil) = core.items[0] else {
            Issue.record("* must bind tighter than +")
            return
        }
    }

    @Test func clausesAndModifiers() throws {
        let query = try Parser.parse(
            "SELECT DISTINCT a AS x, \"b c\" y FROM t WHERE a IS NOT NULL GROUP BY 1, b HAVING count(*) > 1 ORDER BY x DESC NULLS FIRST, 2 LIMIT 5 OFFSET 2"
        )
        guard case .select(let core) = query.body else { return }
        #expect(core.isDistinct)
        #expect(core.groupBy.count == 2)
        #expect(core.having != nil)
        #expect(query.orderBy.map(\.isDescending) == [true, false])
        #expect(query.orderBy.map(\.nullsFirst) == [true, false])
        #expect(query.limit == 5)
        #expect(query.offset == 2)
        guard case .expression(_, let alias) = core.items[1] else { return }
        #expect(alias?.name == "y")
    }

    @Test func predicates() throws {
        let core = try select(
            "SELECT a FROM t WHERE a NOT IN ('x', 'y') AND b NOT LIKE 'a!%' ESCAPE '!' AND c NOT BETWEEN 1 AND 2 AND NOT d IS NULL"
        )
        #expect(core.filter != nil)
    }

    @Test func caseCastSubscriptAndLiterals() throws {
        let core = try select(
            """
            SELECT CASE WHEN a = 1 THEN 'one' ELSE 'other' END, CASE a WHEN 1 THEN 'x' END, CAST(a AS varchar(10)),
                   TRY_CAST(a AS double), requestParameters['key'], TIMESTAMP '2023-01-01 00:00:00', DATE '2023-01-01',
                   INTERVAL '7' DAY, current_timestamp, count(DISTINCT a), -1, 'it''s', TRUE, NULL
            FROM t
            """
        )
        #expect(core.items.count == 14)
        guard case .expression(.literal(.interval("7", unit: "day"), _), _) = core.items[7] else {
            Issue.record("interval literal")
            return
        }
    }

    @Test func joinsAndSetOperations() throws {
        let query = try Parser.parse(
            "SELECT a.x FROM eds1 a LEFT OUTER JOIN eds2 b ON a.x = b.x UNION ALL SELECT x FROM eds3 EXCEPT SELECT x FROM eds1 ORDER BY 1"
        )
        guard case .setOperation(.except, false, .setOperation(.union, true, .select(let first), _, _), _, _) = query.body else {
            Issue.record("set operations are left-associative: \(query.body)")
            return
        }
        guard case .join(.left, _, _, on: .some) = first.from else {
            Issue.record("LEFT JOIN expected")
            return
        }
        #expect(query.orderBy.count == 1)
    }

    @Test func trailingSemicolonAndComments() throws {
        _ = try Parser.parse("-- leading comment\nSELECT eventName FROM eds-ID /* c */ ;  -- trailing")
    }
}
