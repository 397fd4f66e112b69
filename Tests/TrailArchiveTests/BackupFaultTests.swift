import AWSWire
import AsyncHTTPClient
import Foundation
import Logging
import ObjectStorage
import Synchronization
import Testing
import TrailArchive

/// Faults injected below the job: corrupt reads, failing and full destinations, cancellation,
/// an unreachable S3 endpoint. The run goes on, nothing partial is left, the next run completes.
@Suite struct BackupFaultTests {
    typealias F = BackupFixtures

    static func memory(_ count: Int) async throws -> (MemoryObjectStore, [String]) {
        let store = MemoryObjectStore()
        try await store.createBucket("src", region: "us-east-1")
        try await store.createBucket("dst", region: "us-east-1")
        let keys = (1...count).map { F.key(daysAgo: 100, $0) }
        for (n, key) in keys.enumerated() {
            try await store.putObject(bucket: "src", key: key, body: F.body(n), contentType: nil, metadata: [:])
        }
        return (store, keys)
    }

    @Test func corruptReadsAreRetriedOrReportedAndNeverStored() async throws {
        let (memory, keys) = try await Self.memory(4)
        let attempts = Attempts()
        let source = HookedStore(
            inner: memory,
            afterGet: { key, object in
                let n = attempts.counts.withLock { counts in
                    counts[key, default: 0] += 1
                    return counts[key]!
                }
                // keys[1]: the first read is damaged in transit; keys[2]: every read is.
                guard key == keys[2] || (key == keys[1] && n == 1) else { return object }
                var damaged = object
                damaged.body[damaged.body.count / 2] ^= 0x40
                return damaged
            })
        let destination = try TemporaryFolder()
        defer { destination.remove() }
        let job = BackupJob(
            source: ObjectStoreBackupStorage(store: source, bucket: "src", prefix: ""),
            destination: FolderBackupStorage(root: destination.path), options: F.quickOptions(), logger: F.logger)
        let first = try await job.run(now: F.now)
        #expect(first.copied == 3)
        #expect(first.failed.keys.sorted() == [keys[2]])
        #expect(first.failed[keys[2]]?.contains("do not match its ETag") == true)
        #expect(attempts.counts.withLock { $0[keys[1]] } == 2)
        #expect(attempts.counts.withLock { $0[keys[2]] } == 4)
        #expect(destination.read(keys[1]) == F.body(1))
        #expect(destination.read(keys[2]) == nil)
        #expect(!destination.allFiles().contains { $0.contains(".trailkeeper-tmp-") })

        // The next run, the fault gone, completes the job.
        let second = try await BackupJob(
            source: ObjectStoreBackupStorage(store: memory, bucket: "src", prefix: ""),
            destination: FolderBackupStorage(root: destination.path), options: F.quickOptions(), logger: F.logger
        ).run(now: F.now)
        #expect(second.copied == 1)
        #expect(second.skipped == 3)
        #expect(!second.hasFailures)
        #expect(destination.read(keys[2]) == F.body(2))
    }

    @Test func aFullDestinationFailsPerObjectAndTheNextRunCompletes() async throws {
        let (memory, keys) = try await Self.memory(6)
        let full = Mutex(true)
        let destination = HookedStore(
            inner: memory,
            beforePut: { key in
                if full.withLock({ $0 }), key.hasSuffix("_f4.json.gz") || key.hasSuffix("_f5.json.gz") {
                    throw ObjectStoreError.storage("cannot write: No space left on device (errno 28)")
                }
            })
        let job = BackupJob(
            source: ObjectStoreBackupStorage(store: memory, bucket: "src", prefix: ""),
            destination: ObjectStoreBackupStorage(store: destination, bucket: "dst", prefix: ""), options: F.quickOptions(),
            logger: F.logger)
        let first = try await job.run(now: F.now)
        #expect(first.copied == 4)
        #expect(first.failed.keys.sorted() == [keys[3], keys[4]])
        #expect(first.failed.values.allSatisfy { $0.contains("No space left on device") })
        let stored = try await memory.listObjects(ObjectListRequest(bucket: "dst")).objects.map(\.key)
        #expect(Set(stored) == Set(keys).subtracting([keys[3], keys[4]]))

        full.withLock { $0 = false }
        let second = try await job.run(now: F.now)
        #expect(second.copied == 2)
        #expect(second.skipped == 4)
        #expect(!second.hasFailures)
    }

    @Test func cancellationStopsStartingObjectsAndReportsAnInterruptedRun() async throws {
        let (memory, keys) = try await Self.memory(5)
        let running = Mutex<Task<BackupReport, any Error>?>(nil)
        let destination = HookedStore(
            inner: memory,
            beforePut: { key in
                // The first put waits until the test holds the task; the second cancels it.
                while key == keys[0], running.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(1)) }
                if key == keys[1] { running.withLock { $0?.cancel() } }
            })
        var options = F.quickOptions()
        options.concurrency = 1
        let job = BackupJob(
            source: ObjectStoreBackupStorage(store: memory, bucket: "src", prefix: ""),
            destination: ObjectStoreBackupStorage(store: destination, bucket: "dst", prefix: ""), options: options,
            logger: F.logger)
        let task = Task { try await job.run(now: F.now) }
        running.withLock { $0 = task }
        let report = try await task.value
        #expect(report.interrupted)
        #expect(report.selected == 5)
        #expect(report.copied == 2)
        #expect(report.summary.hasSuffix("(interrupted)"))
        #expect(!report.hasFailures)
    }

    @Test func anUnreachableSourceFailsTheRun() async throws {
        // A port nothing listens on.
        let socket = try TemporaryFolder()
        defer { socket.remove() }
        try await HTTPClient.withHTTPClient { http in
            let client = S3Client(
                client: AWSClient(
                    httpClient: http, credentials: SigV4.Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "s"),
                    configuration: .init(retry: .init(maximumAttempts: 2, baseDelay: .milliseconds(1))), logger: F.logger),
                endpoint: "http://127.0.0.1:9", region: "us-east-1")
            let job = BackupJob(
                source: ObjectStoreBackupStorage(store: S3ObjectStore(client: client), bucket: "src", prefix: "", client: client),
                destination: FolderBackupStorage(root: socket.path), options: F.quickOptions(), logger: F.logger)
            await #expect(throws: (any Error).self) { try await job.run(now: F.now) }
        }
        #expect(socket.allFiles().isEmpty)
    }
}
