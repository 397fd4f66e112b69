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

    @Test func sampleQ2FoldsThePrincipalPattern() throws {
        let plan = try Fixtures.plan(
            "SELECT userIdentity.principalId, count(*) FROM eds-ID WHERE userIdentity.principalId LIKE '%Alice%' GROUP BY userIdentity.principalId"
        )
        #expect(plan.arguments.first == .symbolSet(store: 0, column: "s_ui_principalid", predicate: .like(pattern: "%Alice%", escape: nil)))
    }
}
