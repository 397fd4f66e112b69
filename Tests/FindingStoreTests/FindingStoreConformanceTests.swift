import Foundation
import Testing
import TrailStore

/// One suite, every backend (``Backend/enabled``): the ``FindingStore`` contract.
@Suite struct FindingStoreConformanceTests {
    @Test(arguments: Backend.enabled)
    func insertReturnsTheNewKeys(_ backend: Backend) async throws {
        try await backend.withStore { (store) async throws in
            let findings = [
                Fixtures.finding("e-1"), Fixtures.finding("e-1", "console-without-mfa"), Fixtures.finding("e-2"),
            ]
            #expect(try await store.insert(findings) == Set(findings.map(\.key)))
            #expect(try await store.count() == 3)
            #expect(try await store.insert([]) == [])
        }
    }

    @Test(arguments: Backend.enabled)
    func insertingAgainChangesNothing(_ backend: Backend) async throws {
        try await backend.withStore { (store) async throws in
            let original = Fixtures.finding("e-1", severity: .high)
            #expect(try await store.insert([original]) == [original.key])
            // A redelivery, even with other details, keeps the first copy.
            var redelivered = original
            redelivered.severity = .low
            redelivered.detectedAt += 60
            #expect(try await store.insert([redelivered]) == [])
            #expect(try await store.insert([original, original]) == [])
            #expect(try await store.count() == 1)
            #expect(try await store.findings(FindingQuery()) == [original])
        }
    }

    @Test(arguments: Backend.enabled)
    func partialOverlapReportsOnlyTheNewOnes(_ backend: Backend) async throws {
        try await backend.withStore { (store) async throws in
            let a = Fixtures.finding("e-a")
            let b = Fixtures.finding("e-b")
            let c = Fixtures.finding("e-c")
            let d = Fixtures.finding("e-b", "other-rule")
            #expect(try await store.insert([a, b]) == [a.key, b.key])
            #expect(try await store.insert([b, c, d, c]) == [c.key, d.key])
            #expect(try await store.count() == 4)
        }
    }

    @Test(arguments: Backend.enabled)
    func concurrentInsertsOfTheSameFindingStoreOne(_ backend: Backend) async throws {
        try await backend.withStore { (store) async throws in
            for round in 0..<3 {
                let batch = (0..<12).map { Fixtures.finding("race-\(round)-\($0)", "rule-\($0 % 2)") }
                let results = try await withThrowingTaskGroup(of: Set<FindingKey>.self) { group in
                    for _ in 0..<2 { group.addTask { try await store.insert(batch) } }
                    var all: [Set<FindingKey>] = []
                    for try await keys in group { all.append(keys) }
                    return all
                }
                // Every key was new for exactly one of the two writers.
                #expect(results[0].isDisjoint(with: results[1]))
                #expect(results[0].union(results[1]) == Set(batch.map(\.key)))
            }
            #expect(try await store.count() == 36)
        }
    }

    @Test(arguments: Backend.enabled)
    func queriesByRuleEventIDAndSeverityNewestFirst(_ backend: Backend) async throws {
        try await backend.withStore { (store) async throws in
            let e1a = Fixtures.finding("e1", "A", severity: .high, time: 100)
            let e2a = Fixtures.finding("e2", "A", severity: .low, time: 300, description: "", complete: false)
            let e3b = Fixtures.finding("e3", "B", severity: .critical, time: 200)
            let e1b = Fixtures.finding("e1", "B", severity: .medium, time: 100)
            let e4a = Fixtures.finding("e4", "A", severity: .info, time: 300)
            _ = try await store.insert([e1a, e2a, e3b, e1b, e4a])

            #expect(try await store.findings(FindingQuery()) == [e2a, e4a, e3b, e1a, e1b])
            #expect(try await store.findings(FindingQuery(rule: "A")) == [e2a, e4a, e1a])
            #expect(try await store.findings(FindingQuery(eventID: "e1")) == [e1a, e1b])
            #expect(try await store.findings(FindingQuery(rule: "B", eventID: "e1")) == [e1b])
            #expect(try await store.findings(FindingQuery(minimumSeverity: .high)) == [e3b, e1a])
            #expect(try await store.findings(FindingQuery(rule: "B", minimumSeverity: .medium)) == [e3b, e1b])
            #expect(try await store.findings(FindingQuery(eventID: "e1", minimumSeverity: .high)) == [e1a])
            #expect(try await store.findings(FindingQuery(limit: 2)) == [e2a, e4a])
            #expect(try await store.findings(FindingQuery(rule: "missing")) == [])
            #expect(try await store.findings(FindingQuery(eventID: "missing")) == [])
        }
    }

    /// Records whose bytes a JSON normaliser would change: whitespace, key order, escapes,
    /// `\u0000`, numbers beyond Double, non-ASCII text, a large record.
    static let awkwardRecords: [String] = [
        "{ \"eventVersion\" :\"1.08\",\n\t\"z\":1, \"a\" : 2 ,\"a\":3}",
        #"{"userName":"Zoë 日本 🚀","escaped":"\u00e9\n\t\"\\\/","emoji":"\ud83d\ude80"}"#,
        #"{"nul":"a\u0000b","n":1e400,"big":123456789012345678901234567890,"f":1.50}"#,
        #"{"padding":""# + String(repeating: "x", count: 100_000) + #""}"#,
    ]

    @Test(arguments: Backend.enabled)
    func recordBytesRoundTripExactly(_ backend: Backend) async throws {
        try await backend.withStore { (store) async throws in
            let findings = Self.awkwardRecords.enumerated().map { index, text in
                Fixtures.finding("raw-\(index)", record: Data(text.utf8))
            }
            #expect(try await store.insert(findings).count == findings.count)
            for finding in findings {
                let stored = try await store.findings(FindingQuery(eventID: finding.eventID))
                #expect(stored.map(\.record) == [finding.record])
            }
        }
    }
}
