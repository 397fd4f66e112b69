import Foundation
import Logging
import Testing
import TrailModel
import TrailStore
import TrailTesting
@testable import TrailLake

@Suite struct LakeIngestServiceTests {
    func service(_ f: LakeFixture, batchSize: Int = 1000) -> LakeIngestService {
        LakeIngestService(catalog: f.catalog, journal: f.journal, logger: Logger(label: "test"), batchSize: batchSize)
    }

    @Test func fansOutBySelectors() async throws {
        let f = LakeFixture()
        let management = try await f.create("management")
        let data = try await f.create(
            "data",
            selectors: [
                AdvancedEventSelector(fieldSelectors: [
                    AdvancedFieldSelector(field: "eventCategory", conditions: [.equals: ["Data"]]),
                    AdvancedFieldSelector(field: "resources.type", conditions: [.equals: ["AWS::S3::Object"]]),
                ])
            ])
        let now = f.clock.now
        _ = try await f.journal.append([
            RecordFixtures.record(time: now, name: "RunInstances", readOnly: false),
            RecordFixtures.record(
                time: now, name: "GetObject", source: "s3.amazonaws.com", management: false,
                resources: [("AWS::S3::Object", "arn:aws:s3:::b/k")]),
        ])
        let reader = RecordFieldReader()
        #expect(try await service(f).step(reader: reader))
        #expect(await f.records(management).map(\.eventName) == ["RunInstances"])
        #expect(await f.records(data).map(\.eventName) == ["GetObject"])
        #expect(try await f.journal.cursor(named: "lake") == 2)
        #expect(try await service(f).step(reader: reader) == false, "nothing new")
    }

    @Test func cursorIsTheMinimumOfEnabledStoresAndStoppedStoresDoNotHoldIt() async throws {
        let f = LakeFixture()
        let a = try await f.create("aaa")
        let b = try await f.create("bbb")
        let now = f.clock.now
        _ = try await f.journal.append((0..<5).map { RecordFixtures.record(time: now + Int64($0)) })
        let reader = RecordFieldReader()
        try await service(f, batchSize: 2).step(reader: reader)
        #expect(try await f.journal.cursor(named: "lake") == 2)
        #expect(await f.records(a).count == 2)
        #expect(await f.records(b).count == 2)
        try await f.catalog.stopIngestion(b.id)
        try await service(f, batchSize: 2).step(reader: reader)
        try await service(f, batchSize: 2).step(reader: reader)
        #expect(try await f.journal.cursor(named: "lake") == 5, "the stopped store does not hold the journal back")
        #expect(await f.records(a).count == 5)
        #expect(await f.records(b).count == 2)
        _ = try await f.journal.append([RecordFixtures.record(time: now + 10)])
        try await f.catalog.startIngestion(b.id)
        try await service(f).step(reader: reader)
        #expect(await f.records(b).count == 2, "events journaled while stopped are not ingested")
        #expect(await f.records(a).count == 6)
    }

    @Test func noEnabledStoreCommitsTheJournalEnd() async throws {
        let f = LakeFixture()
        _ = try await f.journal.append([RecordFixtures.record(time: f.clock.now)])
        #expect(try await service(f).step(reader: RecordFieldReader()) == false)
        #expect(try await f.journal.cursor(named: "lake") == 1)
    }

    @Test func eventsOlderThanRetentionAreSkipped() async throws {
        let f = LakeFixture()
        let s = try await f.catalog.createEventDataStore(.init(name: "short", retentionPeriod: 7))
        let now = f.clock.now
        _ = try await f.journal.append([
            RecordFixtures.record(time: now - 8 * 86400, name: "Old"), RecordFixtures.record(time: now, name: "New"),
        ])
        try await service(f).step(reader: RecordFieldReader())
        #expect(await f.records(s).map(\.eventName) == ["New"])
    }

    @Test func activityAuditLogGoesOnlyToTheChannelsDestinations() async throws {
        let f = LakeFixture()
        let routed = try await f.create("routed", selectors: LakeFixture.activitySelectors)
        let other = try await f.create("other", selectors: LakeFixture.activitySelectors)
        let management = try await f.create("management")
        let channel = try await f.catalog.createChannel(
            name: "partner", source: "Custom", destinations: [.init(location: routed.arn)], tags: [])
        let event = ExternalEvent.validate(
            Data(
                #"{"version":"1.0","userIdentity":{"type":"CustomUser","principalId":"p1"},"eventSource":"app.example","eventName":"Login","eventTime":"2023-11-14T22:13:20Z","UID":"u1","recipientAccountId":"111122223333"}"#
                    .utf8), channelAccount: "111122223333", parser: RecordParser())
        guard case .success(let e) = event else {
            Issue.record("fixture does not validate: \(event)")
            return
        }
        let viaChannel = e.makeRecord(eventID: "ext-1", region: "us-east-1", channelARN: channel.arn, ingestionTime: f.clock.now)
        let viaDefault = e.makeRecord(eventID: "ext-2", region: "us-east-1", channelARN: LakeFixture.defaultChannel.arn, ingestionTime: f.clock.now)
        _ = try await f.journal.append([viaChannel, viaDefault])
        try await service(f).step(reader: RecordFieldReader())
        #expect(await f.records(routed).map(\.eventID) == ["ext-1"])
        #expect(await f.records(other).isEmpty)
        #expect(await f.records(management).isEmpty)
    }

    @Test func runIngestsUntilCancelled() async throws {
        let f = LakeFixture()
        let s = try await f.create("live")
        let ingest = LakeIngestService(
            catalog: f.catalog, journal: f.journal, logger: Logger(label: "test"), idleInterval: .milliseconds(10))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await ingest.run() }
            _ = try await f.journal.append([RecordFixtures.record(time: f.clock.now, name: "Live")])
            let deadline = ContinuousClock.now + .seconds(10)
            while await f.records(s).isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            group.cancelAll()
        }
        #expect(await f.records(s).map(\.eventName) == ["Live"])
    }
}
