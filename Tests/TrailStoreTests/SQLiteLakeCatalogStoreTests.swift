import Foundation
import Testing
import TrailModel
import TrailStore
import TrailStoreSQLite

@Suite struct SQLiteLakeCatalogStoreTests {
    @Test func documentsSurviveAReopen() async throws {
        let directory = NSTemporaryDirectory() + "lake-catalog-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/lake.sqlite"

        var store = EventDataStore(
            id: "0b5c0a39-0000-0000-0000-000000000001",
            arn: "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/0b5c0a39-0000-0000-0000-000000000001",
            name: "s1", status: .stoppedIngestion, retentionPeriod: 30,
            tags: [Tag(key: TableAlias.tag, value: "event_data_store_ID")], createdAt: 1_700_000_000)
        store.statusBeforeDeletion = .enabled
        let channel = Channel(
            arn: "arn:aws:cloudtrail:us-east-1:111122223333:channel/c1", name: "partner",
            destinations: [.init(location: store.arn)], tags: [Tag(key: "k", value: nil)], createdAt: 1_700_000_001)
        var job = ImportJob(
            id: "i1", destinations: [store.arn], s3LocationURI: "s3://b/p", s3BucketRegion: "us-east-1",
            s3BucketAccessRoleARN: "arn:aws:iam::111122223333:role/r", startEventTime: 1, endEventTime: nil, createdAt: 5)
        job.statistics.eventsCompleted = 42
        let outcome = ImportFileOutcome(
            importID: "i1", location: "s3://b/p/x.json.gz", status: .failed, errorType: "InvalidFileFormat", errorMessage: "bad",
            lastUpdated: 9)

        let catalog = try SQLiteLakeCatalogStore(path: path)
        try await catalog.save(store)
        try await catalog.save(channel)
        try await catalog.save(job)
        try await catalog.save(outcome)
        try catalog.close()

        let reopened = try SQLiteLakeCatalogStore(path: path)
        #expect(try await reopened.eventDataStores() == [store])
        #expect(try await reopened.channels() == [channel])
        #expect(try await reopened.imports() == [job])
        #expect(try await reopened.fileOutcomes(importID: "i1") == [outcome])
        #expect(try await reopened.fileOutcomes(importID: "other").isEmpty)
        try await reopened.removeEventDataStore(id: store.id)
        try await reopened.removeChannel(arn: channel.arn)
        #expect(try await reopened.eventDataStores().isEmpty)
        #expect(try await reopened.channels().isEmpty)
        try reopened.close()
    }

    @Test func oldChannelDocumentsDecode() throws {
        let data = Data(#"{"arn":"arn:aws:cloudtrail:us-east-1:1:channel/x","name":"n"}"#.utf8)
        let c = try JSONDecoder().decode(Channel.self, from: data)
        #expect(c.source == "Custom" && c.destinations.isEmpty && c.tags.isEmpty && c.createdAt == 0)
    }
}
