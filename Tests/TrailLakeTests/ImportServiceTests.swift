import Foundation
import Logging
import ObjectStorage
import Testing
import TrailModel
import TrailTesting
@testable import TrailLake

@Suite struct ImportServiceTests {
    static let base = "AWSLogs/111122223333/CloudTrail/us-east-1/2023/11/14/"

    static func logFile(_ records: [AuditRecord]) -> Data {
        var d = Data("{\"Records\":[".utf8)
        for (i, r) in records.enumerated() {
            if i > 0 { d.append(contentsOf: Array(",".utf8)) }
            d.append(r.raw)
        }
        d.append(contentsOf: Array("]}".utf8))
        return Gzip.compress(d)!
    }

    static func put(_ objects: MemoryObjectStore, bucket: String, key: String, body: Data) async throws {
        try await objects.putObject(bucket: bucket, key: key, body: body, contentType: nil, metadata: [:])
    }

    func setUp(_ f: LakeFixture) async throws -> (MemoryObjectStore, ImportService) {
        let objects = MemoryObjectStore()
        try await objects.createBucket("trail-bucket", region: "us-east-1")
        return (objects, ImportService(catalog: f.catalog, objects: objects, logger: Logger(label: "test")))
    }

    func request(_ store: EventDataStore, start: Int64? = nil, end: Int64? = nil) -> ImportRequest {
        ImportRequest(
            destinations: [store.arn], s3LocationURI: "s3://trail-bucket/AWSLogs/", s3BucketRegion: "us-east-1",
            s3BucketAccessRoleARN: "arn:aws:iam::111122223333:role/import", startEventTime: start, endEventTime: end)
    }

    @Test func listingRules() {
        let keys = [
            "p/AWSLogs/1/CloudTrail/us-east-1/2023/11/14/1_CloudTrail_us-east-1_20231114T2215Z_a.json.gz",
            "p/AWSLogs/1/CloudTrail/us-east-1/2023/11/14/1_CloudTrail_us-east-1_20231114T2220Z_b.json",
            "p/AWSLogs/1/CloudTrail-Digest/us-east-1/2023/11/14/1_CloudTrail-Digest_us-east-1_x_20231114T2300Z.json.gz",
            "p/AWSLogs/1/CloudTrail/us-east-1/2023/11/10/1_CloudTrail_us-east-1_20231110T0005Z_c.json.gz",
            "p/other/file.json.gz",
        ]
        let d = ImportSourceListing.decide(keys: keys, prefix: "p/", start: EventTime.parse("2023-11-12T00:00:00Z"), end: nil)
        #expect(d[keys[0]] == .read)
        #expect(d[keys[1]] == .unsupported)
        #expect(d[keys[2]] == .skip, "digests are not log files")
        #expect(d[keys[3]] == .skip, "pruned by the start time")
        #expect(d[keys[4]] == .skip, "not under CloudTrail/")
        let flat = ImportSourceListing.decide(keys: ["x/a.json.gz", "x/b.txt"], prefix: "x/", start: nil, end: nil)
        #expect(flat == ["x/a.json.gz": .read, "x/b.txt": .skip], "without a trail layout every .json.gz counts")
        let late = ImportSourceListing.decide(keys: [keys[0]], prefix: "p/", start: nil, end: EventTime.parse("2023-11-01T00:00:00Z"))
        #expect(late[keys[0]] == .skip, "date folders well after the end are pruned")
    }

    @Test func importsFilesAndReportsFailures() async throws {
        let f = LakeFixture()
        let (objects, service) = try await setUp(f)
        let store = try await f.create("history")
        let t = f.clock.now - 3600
        try await Self.put(objects,
            bucket: "trail-bucket", key: Self.base + "111122223333_CloudTrail_us-east-1_20231114T2215Z_a.json.gz",
            body: Self.logFile([RecordFixtures.record(time: t, name: "A1"), RecordFixtures.record(time: t + 1, name: "A2")]))
        try await Self.put(objects,
            bucket: "trail-bucket", key: Self.base + "111122223333_CloudTrail_us-east-1_20231114T2220Z_b.json.gz",
            body: Data("not gzip".utf8))
        try await Self.put(objects,
            bucket: "trail-bucket", key: Self.base + "111122223333_CloudTrail_us-east-1_20231114T2225Z_c.json", body: Data("{}".utf8))
        let job = try await service.start(request(store))
        #expect(job.status == .initializing)
        #expect(await lakeCode { _ = try await service.start(request(store)) } == .accountHasOngoingImport)
        try await service.process(try #require(try await f.catalog.nextImportToRun()))
        let done = try await f.catalog.importJob(job.id)
        #expect(done.status == .failed, "any failed file fails the import")
        #expect(done.statistics.filesCompleted == 1 && done.statistics.eventsCompleted == 2)
        #expect(done.statistics.failedEntries == 2 && done.statistics.prefixesFound == 1 && done.statistics.prefixesCompleted == 1)
        #expect(await f.records(store).map(\.eventName) == ["A1", "A2"])
        let failures = try await f.catalog.importFailures(job.id, maxResults: nil, nextToken: nil).items
        #expect(failures.map(\.errorType) == ["UnsupportedFileFormat", "UnsupportedFileFormat"])
        #expect(failures.allSatisfy { $0.status == .failed && $0.location.hasPrefix("s3://trail-bucket/AWSLogs/") })

        // A retry copies nothing twice.
        _ = try await f.catalog.retryImport(job.id)
        try await service.process(try #require(try await f.catalog.nextImportToRun()))
        #expect(await f.records(store).count == 2)
        let retried = try await f.catalog.importJob(job.id)
        #expect(retried.statistics.filesCompleted == 1 && retried.statistics.eventsCompleted == 2, "earlier copies still count once")
        #expect(retried.statistics.failedEntries == 2)
        let listed = try await f.catalog.listImports(maxResults: nil, destination: store.arn, status: .failed, nextToken: nil)
        #expect(listed.items.map(\.id) == [job.id])
    }

    @Test func timeRangeAndRetentionFilterEvents() async throws {
        let f = LakeFixture()
        let (objects, service) = try await setUp(f)
        let store = try await f.catalog.createEventDataStore(.init(name: "week", retentionPeriod: 7))
        let now = f.clock.now
        try await Self.put(objects,
            bucket: "trail-bucket", key: Self.base + "111122223333_CloudTrail_us-east-1_20231114T2215Z_a.json.gz",
            body: Self.logFile([
                RecordFixtures.record(time: now - 10 * 86400, name: "TooOld"), RecordFixtures.record(time: now - 7200, name: "Before"),
                RecordFixtures.record(time: now - 3000, name: "Inside"), RecordFixtures.record(time: now - 100, name: "After"),
            ]))
        let job = try await service.start(request(store, start: now - 3600, end: now - 1000))
        try await service.process(job)
        #expect(try await f.catalog.importJob(job.id).status == .completed)
        #expect(await f.records(store).map(\.eventName) == ["Inside"])
    }

    @Test func startRefusals() async throws {
        let f = LakeFixture()
        let (_, service) = try await setUp(f)
        let store = try await f.create("sss")
        let audit = try await f.create("audit", selectors: LakeFixture.activitySelectors)
        var r = request(store)
        r.s3LocationURI = "s3://no-such-bucket/x"
        #expect(await lakeCode { _ = try await service.start(r) } == .invalidImportSource)
        r.s3LocationURI = "ftp://x"
        #expect(await lakeCode { _ = try await service.start(r) } == .invalidImportSource)
        #expect(await lakeCode { _ = try await service.start(request(audit)) } == .invalidEventDataStoreCategory)
        #expect(await lakeCode { _ = try await service.start(request(store, start: 10, end: 5)) } == .invalidParameter)
        #expect(await lakeCode { _ = try await f.catalog.retryImport("nope") } == .importNotFound)
        _ = try await service.start(request(store))
        #expect(await lakeCode { try await f.catalog.deleteEventDataStore(store.id) } == .eventDataStoreHasOngoingImport)
        #expect(await lakeCode { _ = try await f.catalog.updateEventDataStore(store.id, .init(retentionPeriod: 30)) } == .eventDataStoreHasOngoingImport)
    }

    @Test func stopImportWins() async throws {
        let f = LakeFixture()
        let (objects, service) = try await setUp(f)
        let store = try await f.create("sss")
        try await Self.put(objects,
            bucket: "trail-bucket", key: Self.base + "111122223333_CloudTrail_us-east-1_20231114T2215Z_a.json.gz",
            body: Self.logFile([RecordFixtures.record(time: f.clock.now, name: "A")]))
        let job = try await service.start(request(store))
        #expect(try await f.catalog.stopImport(job.id).status == .stopped)
        #expect(try await f.catalog.nextImportToRun() == nil)
        try await service.process(job)
        #expect(try await f.catalog.importJob(job.id).status == .stopped)
        #expect(await f.records(store).isEmpty)
    }

    @Test func anImportLeftInProgressResumesAfterARestart() async throws {
        let f = LakeFixture()
        let (objects, service) = try await setUp(f)
        let store = try await f.create("sss")
        try await Self.put(objects,
            bucket: "trail-bucket", key: Self.base + "111122223333_CloudTrail_us-east-1_20231114T2215Z_a.json.gz",
            body: Self.logFile([RecordFixtures.record(time: f.clock.now, name: "A")]))
        var job = try await service.start(request(store))
        job.status = .inProgress
        try await f.catalog.recordProgress(job)

        let restarted = f.reopened()
        let resumed = try #require(try await restarted.nextImportToRun())
        #expect(resumed.id == job.id && resumed.status == .inProgress)
        try await ImportService(catalog: restarted, objects: objects, logger: Logger(label: "test")).process(resumed)
        #expect(try await restarted.importJob(job.id).status == .completed)
        #expect(await f.records(store).map(\.eventName) == ["A"])
    }
}
