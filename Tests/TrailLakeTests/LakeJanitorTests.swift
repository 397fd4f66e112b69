import Logging
import Testing
import TrailModel
import TrailTesting
@testable import TrailLake

@Suite struct LakeJanitorTests {
    @Test func retentionIsJudgedOnEventTime() async throws {
        let f = LakeFixture()
        let s = try await f.catalog.createEventDataStore(.init(name: "week", retentionPeriod: 7))
        let now = f.clock.now
        let storage = try #require(f.storage.storage(s.id))
        await storage.append(
            [RecordFixtures.record(time: now - 6 * 86400, name: "Recent"), RecordFixtures.record(time: now - 86400, name: "Newer")],
            position: 0, retainFrom: nil)
        let janitor = LakeJanitor(catalog: f.catalog, logger: Logger(label: "test"))
        #expect(try await janitor.pass().expired.isEmpty)
        f.clock.advance(by: 2 * 86400)
        let report = try await janitor.pass()
        #expect(report.expired == [s.id: 1])
        #expect(await f.records(s).map(\.eventName) == ["Newer"])
        _ = try await f.catalog.updateEventDataStore(s.id, .init(retentionPeriod: 1000))
        f.clock.advance(by: 30 * 86400)
        #expect(try await janitor.pass().expired.isEmpty, "a longer retention keeps what is left")
    }

    @Test func purgesStoresPendingDeletionAfterThePeriod() async throws {
        let f = LakeFixture()
        let s = try await f.create("gone")
        try await f.catalog.deleteEventDataStore(s.id)
        let janitor = LakeJanitor(catalog: f.catalog, logger: Logger(label: "test"))
        #expect(try await janitor.pass().purged.isEmpty)
        f.clock.advance(by: 7 * 86400)
        #expect(try await janitor.pass().purged == [s.id])
        #expect(f.storage.removed == [s.id])
        #expect(try await f.catalog.storeEntries().isEmpty)
    }
}
