import Foundation
import Testing
import TrailStore
import TrailStoreSQLite

/// ``SQLiteFindingStore`` as the ``AlertLedger``: embedded (store and ledger in one) and alone.
@Suite struct SQLiteAlertLedgerTests {
    @Test func insertedFindingsOweAnAlertUntilMarked() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteFindingStore(path: directory.path("findings.sqlite"))
        let a = Fixtures.finding("a", detectedAt: 10)
        let b = Fixtures.finding("b", detectedAt: 20)
        let c = Fixtures.finding("c", detectedAt: 30)
        _ = try await store.insert([c, a, b])
        #expect(try await store.pendingAlerts(limit: 10) == [a, b, c])  // oldest detection first
        #expect(try await store.pendingAlerts(limit: 2) == [a, b])

        try await store.markAlerted([a.key], failure: nil)
        try await store.markAlerted([b.key], failure: "smtp: connection refused")
        #expect(try await store.pendingAlerts(limit: 10) == [c])

        // Already alerted (or given up on) findings never owe an alert again.
        let d = Fixtures.finding("d", detectedAt: 40)
        try await store.recordPending([a, b, c, d])
        #expect(try await store.pendingAlerts(limit: 10) == [c, d])
        #expect(try await store.insert([a, Fixtures.finding("e", detectedAt: 50)]) == [Fixtures.finding("e").key])
        #expect(try await store.pendingAlerts(limit: 10).map(\.eventID) == ["c", "d", "e"])
        #expect(try await store.count() == 5)
        try await store.close()

        // The state is durable.
        let reopened = try SQLiteFindingStore(path: directory.path("findings.sqlite"))
        #expect(try await reopened.pendingAlerts(limit: 10).map(\.eventID) == ["c", "d", "e"])
        try await reopened.markAlerted([c.key, d.key, FindingKey(eventID: "unknown", rule: "x")], failure: nil)
        #expect(try await reopened.pendingAlerts(limit: 10).map(\.eventID) == ["e"])
        try await reopened.close()
    }

    @Test func worksAsALedgerAlone() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ledger = try SQLiteFindingStore(path: directory.path("ledger.sqlite"))
        let x = Fixtures.finding("x", detectedAt: 5)
        try await ledger.recordPending([x, x])
        try await ledger.recordPending([x])
        #expect(try await ledger.pendingAlerts(limit: 10) == [x])
        try await ledger.markAlerted([x.key], failure: nil)
        try await ledger.recordPending([x])
        #expect(try await ledger.pendingAlerts(limit: 10) == [])
        #expect(try await ledger.count() == 1)
        try await ledger.close()
    }
}
