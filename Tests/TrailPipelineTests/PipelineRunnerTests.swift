import AsyncHTTPClient
import Foundation
import Logging
import ObjectStorage
import Testing
import TrailAlerts
import TrailDetection
import TrailModel
import TrailStore
import TrailStoreSQLite
import TrailTesting

@testable import TrailPipeline

/// The pipeline over the embedded queue and a memory object store: good files, a corrupt file that
/// ends in the DLQ, an s3:TestEvent, a poison message, redelivery without duplicates, and the live
/// journal consumer.
@Suite("Pipeline runner")
struct PipelineRunnerTests {
    struct Fixture {
        let dir: URL
        let queue: EmbeddedQueue
        let objects: MemoryObjectStore
        let findings: SQLiteFindingStore
        let runner: PipelineRunner
        let rules: RuleSet
    }

    static let monitored = ["ConsoleLogin", "CreateUser", "StartInstances", "DeleteBucket", "PutBucketPolicy"]

    func fixture(maximumReceives: Int = 2, chunkSize: Int = 8 << 20) async throws -> Fixture {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let state = try SQLiteDeliveryStateStore(path: dir.appendingPathComponent("delivery.sqlite").path)
        let queue = EmbeddedQueue(state: state, name: "q", visibilityTimeout: 30, maximumReceives: maximumReceives)
        let objects = MemoryObjectStore()
        try await objects.createBucket("logs", region: "us-east-1")
        let findings = try SQLiteFindingStore(path: dir.appendingPathComponent("findings.sqlite").path)
        let rulesFile = dir.appendingPathComponent("monitored_events.json")
        try Data(#"{"monitoredEvents":["ConsoleLogin","CreateUser","StartInstances","DeleteBucket","PutBucketPolicy"]}"#.utf8)
            .write(to: rulesFile)
        let rules = try RuleSet.load([rulesFile.path])
        let processor = LogFileProcessor(
            objects: objects, rules: rules, output: FindingsOutput(sink: findings, ledger: findings, sinkIsLedger: true),
            chunkSize: chunkSize, batchSize: 7, logger: Logger(label: "test"))
        let runner = PipelineRunner(
            queue: queue, processor: processor,
            configuration: .init(concurrency: 2, waitSeconds: 0, retryDelay: 0, stopWhenEmpty: true), logger: Logger(label: "test"))
        return Fixture(dir: dir, queue: queue, objects: objects, findings: findings, runner: runner, rules: rules)
    }

    func records(_ count: Int, monitoredEvery: Int) -> [AuditRecord] {
        (0..<count).map { i in
            RecordFixtures.record(
                time: 1_700_000_000 + Int64(i),
                name: i % monitoredEvery == 0 ? Self.monitored[i % Self.monitored.count] : "DescribeInstances")
        }
    }

    func gzipFile(_ records: [AuditRecord]) -> Data {
        var body = Data(#"{"Records":["#.utf8)
        for (i, r) in records.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body.append(r.raw)
        }
        body.append(contentsOf: Array("]}".utf8))
        return Gzip.compress(body, level: 1)!
    }

    @Test func filesFlowCorruptFileIsDeadLetteredTestEventSkipped() async throws {
        let f = try await fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let good = records(300, monitoredEvery: 3)
        let expected = Set(good.filter { Self.monitored.contains($0.eventName ?? "") }.map(\.eventID))
        _ = try await f.objects.putObject(bucket: "logs", key: "a b/one.json.gz", body: gzipFile(Array(good[..<150])), contentType: nil, metadata: [:])
        _ = try await f.objects.putObject(bucket: "logs", key: "two.json.gz", body: gzipFile(Array(good[150...])), contentType: nil, metadata: [:])
        var corrupt = gzipFile(Array(good[..<10]))
        corrupt = corrupt.prefix(corrupt.count / 2) + Data("garbage".utf8)
        _ = try await f.objects.putObject(bucket: "logs", key: "corrupt.json.gz", body: corrupt, contentType: nil, metadata: [:])
        try await f.queue.send(S3EventNotification.objectCreated(bucket: "logs", objects: [("a b/one.json.gz", 1)], time: 0, region: "us-east-1"))
        try await f.queue.send(#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2014-10-13T15:57:02.089Z","Bucket":"logs"}"#)
        try await f.queue.send(S3EventNotification.objectCreated(bucket: "logs", objects: [("corrupt.json.gz", 1)], time: 0, region: "us-east-1"))
        try await f.queue.send("this is not a notification")
        try await f.queue.send(#"{"s3Bucket":"logs","s3ObjectKey":["two.json.gz"]}"#)

        // retryDelay 0: failed messages reappear at once; after 2 receives they go to the DLQ.
        for _ in 0..<4 { try await f.runner.run() }

        let stored = try await f.findings.findings(FindingQuery(limit: 10_000))
        #expect(Set(stored.map(\.eventID)) == expected)
        #expect(stored.allSatisfy { $0.rule == RuleSet.monitoredEventsRuleName })
        #expect(stored.allSatisfy { $0.who == "arn:aws:iam::111122223333:user/alice" && $0.account == "111122223333" })
        let dead = try await f.queue.deadLetters(limit: 10).map(\.body)
        #expect(dead.count == 2)
        #expect(dead.contains("this is not a notification"))
        #expect(dead.contains { $0.contains("corrupt.json.gz") })
        #expect(try await f.queue.state.queueDepth(queue: "q") == 0)
        let totals = await f.runner.totals()
        #expect(totals.files == 2)
        #expect(totals.records == 300)
    }

    @Test func redeliveryNeverDuplicatesFindingsOrPendingAlerts() async throws {
        let f = try await fixture(chunkSize: 64 << 10)
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let good = records(2000, monitoredEvery: 2)
        _ = try await f.objects.putObject(bucket: "logs", key: "big.json.gz", body: gzipFile(good), contentType: nil, metadata: [:])
        let body = S3EventNotification.objectCreated(bucket: "logs", objects: [("big.json.gz", 1)], time: 0, region: "us-east-1")
        try await f.queue.send(body)
        try await f.queue.send(body)  // S3 may notify twice; SQS may deliver twice
        try await f.runner.run()
        #expect(try await f.findings.count() == 1000)
        #expect(try await f.findings.pendingAlerts(limit: 10_000).count == 1000)
        let totals = await f.runner.totals()
        #expect(totals.files == 2)
        #expect(totals.newFindings == 1000)
    }

    @Test func journalConsumerRaisesFindingsAndMovesItsCursor() async throws {
        let f = try await fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let journal = try SQLiteEventStore(
            configuration: .init(path: f.dir.appendingPathComponent("journal.sqlite").path, synchronousFull: false),
            logger: Logger(label: "test"))
        defer { try? journal.close() }
        let batch = records(50, monitoredEvery: 5)
        _ = try await journal.append(batch)
        let consumer = JournalRuleConsumer(
            journal: journal, rules: f.rules, output: FindingsOutput(sink: f.findings, ledger: f.findings, sinkIsLedger: true),
            logger: Logger(label: "test"))
        #expect(try await consumer.step() == 50)
        #expect(try await consumer.step() == 0)
        #expect(try await f.findings.count() == 10)
        #expect(try await journal.cursor(named: JournalRuleConsumer.cursorName) > 0)
    }

    @Test func unreachableAlertTargetIsGivenUpAfterBoundedRetriesAndFindingsStay() async throws {
        let f = try await fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        _ = try await f.objects.putObject(
            bucket: "logs", key: "one.json.gz", body: gzipFile(records(20, monitoredEvery: 2)), contentType: nil, metadata: [:])
        try await f.queue.send(S3EventNotification.objectCreated(bucket: "logs", objects: [("one.json.gz", 1)], time: 0, region: "us-east-1"))
        try await f.runner.run()
        #expect(try await f.findings.pendingAlerts(limit: 100).count == 10)
        let target = try AlertTargets.make(
            "http://127.0.0.1:9/unreachable",
            configuration: AlertTargetConfiguration(
                httpClient: HTTPClient.shared,
                delivery: AlertDelivery(
                    maximumAttempts: 2, baseDelay: .milliseconds(10), attemptTimeout: .seconds(2), sendDeadline: .seconds(5)),
                logger: Logger(label: "test")))
        let dispatcher = AlertDispatcher(
            ledger: f.findings, alerter: Alerter(targets: [target], logger: Logger(label: "test")), logger: Logger(label: "test"))
        #expect(await dispatcher.dispatchOnce() == 10)
        #expect(try await f.findings.pendingAlerts(limit: 100).isEmpty)
        #expect(try await f.findings.count() == 10)
    }
}
