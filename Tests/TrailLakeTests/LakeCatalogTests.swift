import Testing
import TrailLakeSQL
import TrailModel
import TrailStore
import TrailTesting
@testable import TrailLake

@Suite struct LakeCatalogTests {
    @Test func createAppliesAWSDefaults() async throws {
        let f = LakeFixture()
        let created = try await f.catalog.createEventDataStore(EventDataStoreCreation(name: "my-store"))
        #expect(created.status == .created)
        #expect(created.multiRegionEnabled && !created.organizationEnabled && created.terminationProtectionEnabled)
        #expect(created.retentionPeriod == 366)
        #expect(created.billingMode == .extendableRetentionPricing)
        #expect(created.advancedEventSelectors == EventDataStore.defaultSelectors)
        #expect(created.arn == "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/\(created.id)")
        #expect(try await f.catalog.eventDataStore(created.id).status == .enabled)
        #expect(try await f.catalog.eventDataStore(created.arn).name == "my-store")
        let fixed = try await f.catalog.createEventDataStore(
            EventDataStoreCreation(name: "fixed", startIngestion: false, billingMode: .fixedRetentionPricing))
        #expect(fixed.retentionPeriod == 2557)
        #expect(try await f.catalog.eventDataStore(fixed.id).status == .stoppedIngestion)
    }

    @Test func createRefusals() async throws {
        let f = LakeFixture(maxEventDataStores: 2)
        _ = try await f.create("one")
        #expect(await lakeCode { _ = try await f.create("one") } == .eventDataStoreAlreadyExists)
        #expect(await lakeCode { _ = try await f.create("x") } == .invalidParameter)
        #expect(await lakeCode { _ = try await f.catalog.createEventDataStore(.init(name: "r", retentionPeriod: 6)) } == .invalidParameter)
        #expect(
            await lakeCode {
                _ = try await f.catalog.createEventDataStore(.init(name: "rr", retentionPeriod: 3000, billingMode: .fixedRetentionPricing))
            } == .invalidParameter)
        #expect(await lakeCode { _ = try await f.catalog.createEventDataStore(.init(name: "org", organizationEnabled: true)) } == .organizationsNotInUse)
        #expect(await lakeCode { _ = try await f.catalog.createEventDataStore(.init(name: "kms", kmsKeyId: "alias/x")) } == .invalidKmsKeyId)
        #expect(await lakeCode { _ = try await f.create("bad", selectors: []) } == .invalidEventSelectors)
        #expect(await lakeCode { _ = try await f.create("tags", tags: (0..<51).map { TrailModel.Tag(key: "k\($0)", value: nil) }) } == .tagsLimitExceeded)
        _ = try await f.create("two")
        #expect(await lakeCode { _ = try await f.create("three") } == .eventDataStoreMaxLimitExceeded)
    }

    @Test func referencesAndNotFound() async throws {
        let f = LakeFixture()
        #expect(await lakeCode { _ = try await f.catalog.eventDataStore("arn:aws:cloudtrail:us-east-1:111122223333:trail/t") } == .eventDataStoreARNInvalid)
        #expect(await lakeCode { _ = try await f.catalog.eventDataStore("00000000-0000-0000-0000-000000000000") } == .eventDataStoreNotFound)
    }

    @Test func newStoreStartsAtTheJournalEnd() async throws {
        let f = LakeFixture()
        _ = try await f.journal.append([RecordFixtures.record(time: 1_700_000_000), RecordFixtures.record(time: 1_700_000_001)])
        let s = try await f.create("late")
        #expect(try await f.storage.storage(s.id)!.ingestPosition() == 2)
    }

    @Test func deleteRulesAndPendingDeletionPurge() async throws {
        let f = LakeFixture()
        let protected = try await f.create("protected", protection: true)
        #expect(await lakeCode { try await f.catalog.deleteEventDataStore(protected.id) } == .eventDataStoreTerminationProtected)
        _ = try await f.catalog.updateEventDataStore(protected.id, .init(terminationProtectionEnabled: false))
        try await f.catalog.deleteEventDataStore(protected.id)
        #expect(try await f.catalog.eventDataStore(protected.id).status == .pendingDeletion)
        #expect(await lakeCode { try await f.catalog.deleteEventDataStore(protected.id) } == .inactiveEventDataStore)
        #expect(await lakeCode { _ = try await f.catalog.updateEventDataStore(protected.id, .init(name: "other")) } == .inactiveEventDataStore)
        #expect(try await f.catalog.storeEntries().first?.isActive == false)

        f.clock.advance(by: 7 * 86400 - 1)
        #expect(try await f.catalog.purgeDeletedStores().isEmpty)
        f.clock.advance(by: 1)
        #expect(try await f.catalog.purgeDeletedStores() == [protected.id])
        #expect(f.storage.removed == [protected.id])
        #expect(await lakeCode { _ = try await f.catalog.eventDataStore(protected.id) } == .eventDataStoreNotFound)
        #expect(await f.persistence.eventDataStores().isEmpty)
    }

    @Test func restoreReturnsToThePreviousStatus() async throws {
        let f = LakeFixture(maxEventDataStores: 1)
        let s = try await f.create("sss", start: false)
        #expect(await lakeCode { _ = try await f.catalog.restoreEventDataStore(s.id) } == .invalidEventDataStoreStatus)
        try await f.catalog.deleteEventDataStore(s.id)
        _ = try await f.create("replacement")
        #expect(await lakeCode { _ = try await f.catalog.restoreEventDataStore(s.id) } == .eventDataStoreMaxLimitExceeded)
        let g = LakeFixture()
        let t = try await g.create("ttt", start: false)
        try await g.catalog.deleteEventDataStore(t.id)
        #expect(try await g.catalog.restoreEventDataStore(t.id).status == .stoppedIngestion)
    }

    @Test func startAndStopIngestion() async throws {
        let f = LakeFixture()
        let s = try await f.create("sss")
        try await f.catalog.stopIngestion(s.id)
        #expect(await lakeCode { try await f.catalog.stopIngestion(s.id) } == .invalidEventDataStoreStatus)
        _ = try await f.journal.append([RecordFixtures.record(time: 1_700_000_000)])
        try await f.catalog.startIngestion(s.id)
        #expect(try await f.catalog.eventDataStore(s.id).status == .enabled)
        #expect(try await f.storage.storage(s.id)!.ingestPosition() == 1, "resumes at the journal's end")
        let channelStore = try await f.create("audit", selectors: LakeFixture.activitySelectors)
        #expect(await lakeCode { try await f.catalog.stopIngestion(channelStore.id) } == .invalidEventDataStoreCategory)
    }

    @Test func updateRules() async throws {
        let f = LakeFixture()
        let s = try await f.create("sss")
        _ = try await f.create("taken")
        #expect(await lakeCode { _ = try await f.catalog.updateEventDataStore(s.id, .init()) } == .invalidParameter)
        #expect(await lakeCode { _ = try await f.catalog.updateEventDataStore(s.id, .init(name: "taken")) } == .eventDataStoreAlreadyExists)
        #expect(
            await lakeCode { _ = try await f.catalog.updateEventDataStore(s.id, .init(advancedEventSelectors: LakeFixture.activitySelectors)) }
                == .invalidEventSelectors)
        #expect(
            await lakeCode { _ = try await f.catalog.updateEventDataStore(s.id, .init(billingMode: .fixedRetentionPricing)) } == .invalidParameter)
        f.clock.advance(by: 60)
        let updated = try await f.catalog.updateEventDataStore(s.id, .init(name: "renamed", multiRegionEnabled: false, retentionPeriod: 30))
        #expect(updated.name == "renamed" && updated.retentionPeriod == 30 && !updated.multiRegionEnabled)
        #expect(updated.updatedAt == updated.createdAt + 60)
        #expect(try await f.reopened().eventDataStore(s.id) == updated, "saved")
    }

    @Test func listPages() async throws {
        let f = LakeFixture()
        for i in 0..<3 {
            _ = try await f.create("store-\(i)")
            f.clock.advance(by: 1)
        }
        let first = try await f.catalog.listEventDataStores(maxResults: 2, nextToken: nil)
        #expect(first.items.map(\.name) == ["store-0", "store-1"])
        let second = try await f.catalog.listEventDataStores(maxResults: 2, nextToken: first.nextToken)
        #expect(second.items.map(\.name) == ["store-2"] && second.nextToken == nil)
        #expect(await lakeCode { _ = try await f.catalog.listEventDataStores(maxResults: 0, nextToken: nil) } == .invalidMaxResults)
        #expect(await lakeCode { _ = try await f.catalog.listEventDataStores(maxResults: nil, nextToken: "bogus") } == .invalidNextToken)
    }

    @Test func tableAliasesFeedTheDirectoryAndMustBeUnique() async throws {
        let f = LakeFixture()
        let a = try await f.create("aaa", tags: [TrailModel.Tag(key: TableAlias.tag, value: "event_data_store_ID")])
        #expect(try await f.catalog.storeEntries().first?.aliases == ["event_data_store_ID"])
        #expect(await lakeCode { _ = try await f.create("bbb", tags: [TrailModel.Tag(key: TableAlias.tag, value: "EVENT_DATA_STORE_id")]) } == .invalidTagParameter)
        f.clock.advance(by: 1)
        let b = try await f.create("bbb")
        #expect(await lakeCode { try await f.catalog.changeTags(of: b.arn, adding: [TrailModel.Tag(key: TableAlias.tag, value: a.id)]) } == .invalidTagParameter)
        try await f.catalog.changeTags(of: b.arn, adding: [TrailModel.Tag(key: TableAlias.tag, value: "eds-ID"), TrailModel.Tag(key: "team", value: "x")])
        try await f.catalog.changeTags(of: b.arn, removing: [TrailModel.Tag(key: "team", value: nil)])
        #expect(try await f.catalog.tags(of: b.arn) == [TrailModel.Tag(key: TableAlias.tag, value: "eds-ID")])
        let entries = try await f.catalog.storeEntries()
        #expect(entries.map(\.aliases) == [["event_data_store_ID"], ["eds-ID"]])
        #expect(entries.allSatisfy { $0.family == .cloudTrail && $0.isActive })
    }
}
