import Foundation
import PostgresNIO
import Testing
import TrailStore

@testable import TrailStorePostgres

/// URL handling of ``PostgresFindingStore`` (no server needed).
@Suite struct PostgresFindingStoreConfigurationTests {
    @Test func readsTheURL() throws {
        let configuration = try PostgresFindingStore.configuration(
            url: "postgresql://trail%40keeper:p%3Ass@db.example.com:6543/audit?sslmode=require")
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "trail@keeper")
        #expect(configuration.password == "p:ss")
        #expect(configuration.database == "audit")
        let defaults = try PostgresFindingStore.configuration(url: "postgres://postgres@127.0.0.1")
        #expect(defaults.port == 5432)
        #expect(defaults.password == nil)
        #expect(defaults.database == nil)
    }

    @Test func refusesUnusableURLsAndTableNames() {
        for url in ["mysql://u@h/db", "postgres:///db", "postgres://h/db", "not a url"] {
            #expect(throws: StoreError.self) { _ = try PostgresFindingStore.configuration(url: url) }
        }
        for table in ["", "1abc", "drop table;", "a-b"] {
            #expect(throws: StoreError.self) {
                _ = try PostgresFindingStore(url: "postgres://u@h/db", table: table, logger: Backend.logger)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func failsInsteadOfWaitingWhenNotRunning() async throws {
        let store = try PostgresFindingStore(
            url: "postgres://u@127.0.0.1:1/db", startTimeout: .milliseconds(100), logger: Backend.logger)
        let error = await #expect(throws: StoreError.self) { try await store.insert([Fixtures.finding("e")]) }
        #expect(error?.code == .unavailable)
    }
}

@Suite(
    .enabled(
        if: Backend.postgresURL != nil || Backend.isRequired,
        "TRAILKEEPER_POSTGRES_URL is not set (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    ),
    .timeLimit(.minutes(2))
)
struct PostgresFindingStoreTests {
    @Test func recordsAreQueryableAsJSONB() async throws {
        try await Backend.withPostgresStore { store in
            let texts = FindingStoreConformanceTests.awkwardRecords
            _ = try await store.insert([
                Fixtures.finding("unicode", record: Data(texts[1].utf8)),
                Fixtures.finding("nul", record: Data(texts[2].utf8)),
            ])
            let rows = try await store.client.query(
                PostgresQuery(
                    unsafeSQL: "SELECT event_id, record->>'userName', record IS NULL FROM \(store.table) ORDER BY event_id"
                ),
                logger: Backend.logger)
            var seen: [String: (String?, Bool)] = [:]
            for try await (eventID, userName, isNull) in rows.decode((String, String?, Bool).self) {
                seen[eventID] = (userName, isNull)
            }
            #expect(seen["unicode"]?.0 == "Zoë 日本 🚀")
            #expect(seen["unicode"]?.1 == false)
            #expect(seen["nul"]?.1 == true)  // JSONB cannot hold \u0000; the text column keeps the record
        }
    }

    @Test func runReturnsAfterClose() async throws {
        let url = try #require(Backend.postgresURL, "TRAILKEEPER_REQUIRE_INTEGRATION=1 but TRAILKEEPER_POSTGRES_URL is not set")
        let store = try PostgresFindingStore(
            url: url, table: "findings_test_" + Backend.uniqueSuffix(), startTimeout: .milliseconds(200),
            logger: Backend.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            #expect(try await store.count() == 0)
            try await store.dropTable()
            try await store.close()
            try await group.waitForAll()  // run() has returned: no task is left behind
        }
        await #expect(throws: StoreError.self) { try await store.count() }
    }

    @Test func aSecondStoreOnTheSameTableSeesTheSameFindings() async throws {
        try await Backend.withPostgresStore { first in
            let url = try #require(Backend.postgresURL)
            _ = try await first.insert([Fixtures.finding("shared")])
            try await PostgresFindingStore.withStore(url: url, table: first.table, logger: Backend.logger) { (second) async throws in
                #expect(try await second.insert([Fixtures.finding("shared")]) == [])
                #expect(try await second.count() == 1)
            }
        }
    }
}
