import Testing
import TrailModel
import TrailTesting
@testable import TrailLake

@Suite struct ChannelCatalogTests {
    @Test func createRoutesToActivityAuditLogStores() async throws {
        let f = LakeFixture()
        let audit = try await f.create("audit", selectors: LakeFixture.activitySelectors)
        let trailEvents = try await f.create("management")
        let c = try await f.catalog.createChannel(
            name: "partner", source: "Custom", destinations: [.init(location: audit.id)], tags: [TrailModel.Tag(key: "k", value: "v")])
        #expect(c.arn.hasPrefix("arn:aws:cloudtrail:us-east-1:111122223333:channel/"))
        #expect(c.destinations == [.init(location: audit.arn)], "the location is saved as the store's ARN")
        #expect(await lakeCode { _ = try await f.catalog.createChannel(name: "partner", source: "Custom", destinations: [.init(location: audit.arn)], tags: []) } == .channelAlreadyExists)
        #expect(await lakeCode { _ = try await f.catalog.createChannel(name: "chan2", source: "", destinations: [.init(location: audit.arn)], tags: []) } == .invalidSource)
        #expect(await lakeCode { _ = try await f.catalog.createChannel(name: "chan2", source: "Custom", destinations: [.init(location: trailEvents.arn)], tags: []) } == .invalidEventDataStoreCategory)
        #expect(await lakeCode { _ = try await f.catalog.createChannel(name: "chan2", source: "Custom", destinations: [.init(type: "AWS_SERVICE", location: audit.arn)], tags: []) } == .invalidParameter)
        #expect(await lakeCode { _ = try await f.catalog.createChannel(name: "chan2", source: "Custom", destinations: [.init(location: "00000000-0000-0000-0000-000000000000")], tags: []) } == .eventDataStoreNotFound)
        #expect(await lakeCode { _ = try await f.catalog.createChannel(name: "chan2", source: "Custom", destinations: [], tags: []) } == .invalidParameter)
    }

    @Test func storeWithAChannelCannotBeDeleted() async throws {
        let f = LakeFixture()
        let audit = try await f.create("audit", selectors: LakeFixture.activitySelectors)
        let c = try await f.catalog.createChannel(name: "partner", source: "Custom", destinations: [.init(location: audit.arn)], tags: [])
        #expect(await lakeCode { try await f.catalog.deleteEventDataStore(audit.id) } == .channelExistsForEDS)
        try await f.catalog.deleteChannel(c.arn)
        try await f.catalog.deleteEventDataStore(audit.id)
        #expect(await lakeCode { _ = try await f.catalog.createChannel(name: "again", source: "Custom", destinations: [.init(location: audit.arn)], tags: []) } == .inactiveEventDataStore)
    }

    @Test func defaultChannelIsListedAndCannotBeDeleted() async throws {
        let f = LakeFixture()
        let page = try await f.catalog.listChannels(maxResults: nil, nextToken: nil)
        #expect(page.items.map(\.arn) == [LakeFixture.defaultChannel.arn])
        #expect(await lakeCode { try await f.catalog.deleteChannel(LakeFixture.defaultChannel.arn) } == .operationNotPermitted)
        #expect(await lakeCode { _ = try await f.catalog.channelDetails("arn:aws:cloudtrail:us-east-1:111122223333:trail/x") } == .channelARNInvalid)
        #expect(await lakeCode { _ = try await f.catalog.channelDetails("arn:aws:cloudtrail:us-east-1:111122223333:channel/none") } == .channelNotFound)
    }

    @Test func listPagesAndUpdate() async throws {
        let f = LakeFixture()
        let audit = try await f.create("audit", selectors: LakeFixture.activitySelectors)
        for i in 0..<2 {
            _ = try await f.catalog.createChannel(name: "channel-\(i)", source: "Custom", destinations: [.init(location: audit.arn)], tags: [])
            f.clock.advance(by: 1)
        }
        let first = try await f.catalog.listChannels(maxResults: 2, nextToken: nil)
        #expect(first.items.count == 2 && first.nextToken != nil)
        let rest = try await f.catalog.listChannels(maxResults: 2, nextToken: first.nextToken)
        #expect(rest.items.map(\.name) == ["channel-1"] && rest.nextToken == nil)
        let renamed = try await f.catalog.updateChannel("channel-1", name: "renamed", destinations: nil)
        #expect(renamed.name == "renamed" && renamed.destinations.count == 1)
        #expect(await lakeCode { _ = try await f.catalog.updateChannel("renamed", name: "channel-0", destinations: nil) } == .channelAlreadyExists)
    }

    @Test func ingestionStatusIsRecorded() async throws {
        let f = LakeFixture()
        await f.catalog.recordIngestion(channelARN: LakeFixture.defaultChannel.arn, eventID: "e1", errorCode: nil)
        f.clock.advance(by: 5)
        await f.catalog.recordIngestion(channelARN: LakeFixture.defaultChannel.arn, eventID: "e2", errorCode: "InvalidChecksum")
        let (_, status) = try await f.catalog.channelDetails(LakeFixture.defaultChannel.arn)
        #expect(status.latestIngestionSuccessEventID == "e1" && status.latestIngestionSuccessTime == 1_700_000_000)
        #expect(status.latestIngestionAttemptEventID == "e2" && status.latestIngestionAttemptTime == 1_700_000_005)
        #expect(status.latestIngestionErrorCode == "InvalidChecksum")
    }
}
