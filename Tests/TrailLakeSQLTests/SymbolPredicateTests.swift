import Testing
import TrailLakeSQL

@Suite struct SymbolPredicateTests {
    @Test(arguments: [
        ("%Alice%", "AIDA:Alice", true), ("%Alice%", "AIDA:alice", false), ("Alice", "Alice", true), ("Alice", "Alice2", false),
        ("A_ice", "Alice", true), ("A_ice", "Aice", false), ("%", "", true), ("", "", true), ("_", "", false),
        ("%a%b%c", "xaybzc", true), ("%a%b%c", "xaybzcd", false), ("Get%", "GetObject", true), ("%.amazonaws.com", "s3.amazonaws.com", true),
        ("é_", "éa", true),
    ])
    func like(_ pattern: String, _ value: String, _ expected: Bool) {
        #expect(SymbolPredicate.like(pattern: pattern, escape: nil).matches(value) == expected)
    }

    @Test func escapes() {
        let predicate = SymbolPredicate.like(pattern: "100!%!_x%", escape: "!")
        #expect(predicate.matches("100%_x tail"))
        #expect(!predicate.matches("100a_x"))
        #expect(!predicate.matches("100%ax"))
    }

    @Test func comparisonsAndPrefixes() throws {
        #expect(SymbolPredicate.compare(op: "<", text: "b").matches("a"))
        #expect(!SymbolPredicate.compare(op: "<", text: "b").matches("b"))
        #expect(SymbolPredicate.compare(op: "<=", text: "b").matches("b"))
        #expect(SymbolPredicate.compare(op: ">", text: "B").matches("a"))
        #expect(SymbolPredicate.compare(op: ">=", text: "ab").matches("ab"))
        #expect(!SymbolPredicate.compare(op: ">=", text: "ab").matches("a"))
        #expect(SymbolPredicate.startsWith("Get").matches("GetObject"))
        #expect(!SymbolPredicate.startsWith("Get").matches("getObject"))
        let plan = try Fixtures.plan("SELECT eventName FROM eds-ID WHERE eventName >= 'M' AND starts_with(awsRegion, 'us-') AND errorMessage > 'A'")
        #expect(plan.arguments.contains(.symbolSet(store: 0, column: "s_eventname", predicate: .compare(op: ">=", text: "M"))))
        #expect(plan.arguments.contains(.symbolSet(store: 0, column: "s_awsregion", predicate: .startsWith("us-"))))
        #expect(plan.sql.contains("CASE WHEN ?1 IS NULL THEN (tk_sym(0, e0.s_eventname) >= ?2) ELSE e0.s_eventname IN (SELECT value FROM json_each(?1)) END"))
        #expect(plan.sql.contains("CASE WHEN ?3 IS NULL THEN tk_starts_with(tk_sym(0, e0.s_awsregion), ?4) ELSE e0.s_awsregion IN (SELECT value FROM json_each(?3)) END"))
        #expect(plan.sql.contains("(tk_json(0, e0.seq, '/errorMessage', 'text') > ?5)"))
    }

    @Test func sampleQ2FoldsThePrincipalPattern() throws {
        let plan = try Fixtures.plan(
            "SELECT userIdentity.principalId, count(*) FROM eds-ID WHERE userIdentity.principalId LIKE '%Alice%' GROUP BY userIdentity.principalId"
        )
        #expect(plan.arguments.first == .symbolSet(store: 0, column: "s_ui_principalid", predicate: .like(pattern: "%Alice%", escape: nil)))
    }
}
