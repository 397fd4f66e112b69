import AWSWire
import Foundation
import Logging
import ObjectStorage
import Synchronization
import Testing
import TrailArchive

@Suite struct BackupJobTests {
    typealias F = BackupFixtures

    @Test func folderToFolderByLastModifiedIsIncrementalAndReportsConflicts() async throws {
        let source = try TemporaryFolder()
        let destination = try TemporaryFolder()
        defer {
            source.remove()
            destination.remove()
        }
        let old = F.now.addingTimeInterval(-100 * 86_400)
        try source.write("a/old-1.json.gz", F.body(1), modified: old)
        try source.write("a/b/old-2.json.gz", F.body(2, size: 5000), modified: old)
        try source.write("new-3.json.gz", F.body(3))
        let job = BackupJob(
            source: FolderBackupStorage(root: source.path), destination: FolderBackupStorage(root: destination.path + "/backup"),
            options: F.quickOptions(ageFrom: .lastModified), logger: F.logger)
        let first = try await job.run(now: F.now)
        #expect(first.seen == 3)
        #expect(first.selected == 2)
        #expect(first.copied == 2)
        #expect(first.bytesCopied == 5300)
        #expect(!first.hasFailures)
        #expect(destination.dataFiles() == ["backup/a/b/old-2.json.gz", "backup/a/old-1.json.gz"])
        #expect(destination.read("backup/a/b/old-2.json.gz") == F.body(2, size: 5000))

        let second = try await job.run(now: F.now)
        #expect(second.copied == 0)
        #expect(second.skipped == 2)
        #expect(second.conflicts.isEmpty)

        // Same size, different bytes: a conflict, and the backup keeps the old content.
        try source.write("a/old-1.json.gz", F.body(9), modified: old)
        let third = try await job.run(now: F.now)
        #expect(third.conflicts == ["a/old-1.json.gz"])
        #expect(third.skipped == 1)
        #expect(destination.read("backup/a/old-1.json.gz") == F.body(1))
    }

    @Test func dryRunWritesNothing() async throws {
        let source = try TemporaryFolder()
        let destination = try TemporaryFolder()
        defer {
            source.remove()
            destination.remove()
        }
        try source.write(F.key(daysAgo: 100, 1), F.body(1))
        try source.write(F.key(daysAgo: 10, 2), F.body(2))
        var options = F.quickOptions()
        options.dryRun = true
        let report = try await BackupJob(
            source: FolderBackupStorage(root: source.path), destination: FolderBackupStorage(root: destination.path),
            options: options, logger: F.logger
        ).run(now: F.now)
        #expect(report.selected == 1)
        #expect(report.copied == 1)
        #expect(report.dryRun)
        #expect(destination.allFiles().isEmpty)
    }

    @Test func includeAndExcludePatterns() async throws {
        let store = MemoryObjectStore()
        try await store.createBucket("src", region: "us-east-1")
        try await store.createBucket("dst", region: "us-east-1")
        let keys = [F.key(daysAgo: 100, 1), F.key(daysAgo: 100, 2, kind: "CloudTrail-Digest"), F.key(daysAgo: 100, 3, kind: "CloudTrail-Insight")]
        for (n, key) in keys.enumerated() {
            try await store.putObject(bucket: "src", key: key, body: F.body(n), contentType: nil, metadata: [:])
        }
        var options = F.quickOptions()
        options.include = ["AWSLogs/*/CloudTrail*/**"]
        options.exclude = ["**/*_CloudTrail-Insight_*"]
        let report = try await BackupJob(
            source: ObjectStoreBackupStorage(store: store, bucket: "src", prefix: ""),
            destination: ObjectStoreBackupStorage(store: store, bucket: "dst", prefix: "vault/"), options: options, logger: F.logger
        ).run(now: F.now)
        #expect(report.selected == 2)
        #expect(report.copied == 2)
        let copied = try await store.listObjects(ObjectListRequest(bucket: "dst")).objects.map(\.key)
        #expect(copied == [keys[0], keys[1]].map { "vault/" + $0 }.sorted())
        let head = try await store.headObject(bucket: "dst", key: "vault/" + keys[0])
        #expect(head.metadata["trailkeeper-sha256"]?.count == 64)
        #expect(head.metadata["trailkeeper-source-etag"] == head.etag)
    }

    @Test func objectDeletedMidRunIsVanished() async throws {
        let memory = MemoryObjectStore()
        try await memory.createBucket("src", region: "us-east-1")
        try await memory.createBucket("dst", region: "us-east-1")
        let gone = F.key(daysAgo: 100, 1)
        let kept = F.key(daysAgo: 100, 2)
        try await memory.putObject(bucket: "src", key: gone, body: F.body(1), contentType: nil, metadata: [:])
        try await memory.putObject(bucket: "src", key: kept, body: F.body(2), contentType: nil, metadata: [:])
        let source = HookedStore(inner: memory, afterList: { try await memory.deleteObject(bucket: "src", key: gone) })
        let report = try await BackupJob(
            source: ObjectStoreBackupStorage(store: source, bucket: "src", prefix: ""),
            destination: ObjectStoreBackupStorage(store: memory, bucket: "dst", prefix: ""), options: F.quickOptions(),
            logger: F.logger
        ).run(now: F.now)
        #expect(report.vanished == [gone])
        #expect(report.copied == 1)
        #expect(!report.hasFailures)
    }

    @Test func failedPutsAreRetriedAndPersistentFailuresReported() async throws {
        let memory = MemoryObjectStore()
        try await memory.createBucket("src", region: "us-east-1")
        try await memory.createBucket("dst", region: "us-east-1")
        let keys = (1...6).map { F.key(daysAgo: 100, $0) }
        for (n, key) in keys.enumerated() {
            try await memory.putObject(bucket: "src", key: key, body: F.body(n), contentType: nil, metadata: [:])
        }
        let attempts = Attempts()
        let destination = HookedStore(
            inner: memory,
            beforePut: { key in
                let n = attempts.counts.withLock { counts in
                    counts[key, default: 0] += 1
                    return counts[key]!
                }
                if key.hasSuffix("_f6.json.gz") { throw ObjectStoreError.storage("disk on fire") }
                if n == 1, key.hasSuffix("_f1.json.gz") || key.hasSuffix("_f3.json.gz") {
                    throw AWSError(code: "SlowDown", message: "", status: 503)
                }
            })
        let report = try await BackupJob(
            source: ObjectStoreBackupStorage(store: memory, bucket: "src", prefix: ""),
            destination: ObjectStoreBackupStorage(store: destination, bucket: "dst", prefix: ""), options: F.quickOptions(),
            logger: F.logger
        ).run(now: F.now)
        #expect(report.copied == 5)
        #expect(report.failed.keys.sorted() == [keys[5]])
        #expect(report.hasFailures)
        #expect(attempts.counts.withLock { $0[keys[0]] } == 2)
        #expect(attempts.counts.withLock { $0[keys[5]] } == 4)
        let stored = try await memory.listObjects(ObjectListRequest(bucket: "dst")).objects.map(\.key)
        #expect(stored == Array(keys[0..<5]).sorted())
    }

    @Test func globsAndKeyDates() throws {
        #expect(try GlobPattern("*.json.gz").matches("a.json.gz"))
        #expect(try !GlobPattern("*.json.gz").matches("x/a.json.gz"))
        #expect(try GlobPattern("**/*.json.gz").matches("x/y/a.json.gz"))
        #expect(try GlobPattern("**/*.json.gz").matches("a.json.gz"))
        #expect(try GlobPattern("a?c").matches("abc"))
        #expect(try !GlobPattern("a?c").matches("a/c"))
        let key = "AWSLogs/1/CloudTrail/us-east-1/2026/01/02/1_CloudTrail_us-east-1_20260102T0305Z_x.json.gz"
        #expect(CloudTrailKeyDate.date(in: key) == Date(timeIntervalSince1970: 1_767_323_100))
        let digest = "AWSLogs/1/CloudTrail-Digest/us-east-1/2026/01/02/1_CloudTrail-Digest_us-east-1_t_us-east-1_20260102T030506Z.json.gz"
        #expect(CloudTrailKeyDate.date(in: digest) == Date(timeIntervalSince1970: 1_767_323_106))
        #expect(CloudTrailKeyDate.date(in: "x/2026/01/02/other.txt") == Date(timeIntervalSince1970: 1_767_312_000))
        #expect(CloudTrailKeyDate.date(in: "nodate.txt") == nil)
        #expect(try BackupLocation(parsing: "s3://bkt/some/prefix") == .s3(bucket: "bkt", prefix: "some/prefix/"))
        #expect(try BackupLocation(parsing: "s3://bkt") == .s3(bucket: "bkt", prefix: ""))
        #expect(try BackupLocation(parsing: "/tmp/x") == .folder("/tmp/x"))
    }
}

@Suite(
    .enabled(
        if: Moto.endpoint != nil || Moto.isRequired,
        "MOTO_ENDPOINT is not set (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    )
)
struct BackupJobMotoTests {
    typealias F = BackupFixtures

    static func bucketName() -> String { "tk-bk-" + UUID().uuidString.lowercased().prefix(8) }

    @Test func s3ToS3ServerSideCopyIsIncrementalAndReportsConflicts() async throws {
        try await Moto.withClient { client in
            let store = S3ObjectStore(client: client)
            let (src, dst) = (Self.bucketName(), Self.bucketName())
            try await store.createBucket(src, region: "us-east-1")
            try await store.createBucket(dst, region: "us-east-1")
            let old = (1...5).map { F.key(daysAgo: 100, $0) } + [F.key(daysAgo: 100, 6, kind: "CloudTrail-Digest")]
            let recent = F.key(daysAgo: 10, 7)
            for (n, key) in (old + [recent]).enumerated() {
                try await store.putObject(
                    bucket: src, key: "trail/" + key, body: F.body(n), contentType: "application/json",
                    metadata: ["signature": "sig-\(n)"])
            }
            let job = BackupJob(
                source: ObjectStoreBackupStorage(store: store, bucket: src, prefix: "trail/", client: client),
                destination: ObjectStoreBackupStorage(store: store, bucket: dst, prefix: "backup/", client: client),
                options: F.quickOptions(), logger: F.logger)
            let first = try await job.run(now: F.now)
            #expect(first.seen == 7)
            #expect(first.copied == 6)
            #expect(!first.hasFailures)
            let copied = try await store.listObjects(ObjectListRequest(bucket: dst)).objects.map(\.key)
            #expect(copied == old.map { "backup/" + $0 }.sorted())
            // CopyObject with the source's metadata (a digest's signature survives); the equal ETag identifies it.
            let head = try await store.headObject(bucket: dst, key: "backup/" + old[0])
            #expect(head.etag == (try await store.headObject(bucket: src, key: "trail/" + old[0])).etag)
            #expect(head.metadata == ["signature": "sig-0"])
            #expect(head.contentType == "application/json")

            let second = try await job.run(now: F.now)
            #expect(second.copied == 0)
            #expect(second.skipped == 6)

            try await store.putObject(bucket: src, key: "trail/" + old[1], body: F.body(99), contentType: nil, metadata: [:])
            let third = try await job.run(now: F.now)
            #expect(third.conflicts == [old[1]])
            #expect(try await store.getObject(bucket: dst, key: "backup/" + old[1]).body == F.body(1))
        }
    }

    @Test func s3ToFolderAndFolderToS3() async throws {
        try await Moto.withClient { client in
            let store = S3ObjectStore(client: client, configuration: .init(multipartThreshold: 6 << 20, partSize: 5 << 20))
            let (src, dst) = (Self.bucketName(), Self.bucketName())
            try await store.createBucket(src, region: "us-east-1")
            try await store.createBucket(dst, region: "us-east-1")
            let keys = (1...4).map { F.key(daysAgo: 100, $0) }
            for (n, key) in keys.enumerated() {
                try await store.putObject(bucket: src, key: key, body: F.body(n, size: n == 0 ? 7 << 20 : 500), contentType: nil, metadata: [:])
            }
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let toFolder = BackupJob(
                source: ObjectStoreBackupStorage(store: store, bucket: src, prefix: "", client: client),
                destination: FolderBackupStorage(root: folder.path), options: F.quickOptions(), logger: F.logger)
            let down = try await toFolder.run(now: F.now)
            #expect(down.copied == 4)
            #expect(!down.hasFailures)
            #expect(folder.dataFiles() == keys.sorted())
            #expect(folder.read(keys[0]) == F.body(0, size: 7 << 20))
            let downAgain = try await toFolder.run(now: F.now)
            #expect(downAgain.skipped == 4)
            #expect(downAgain.copied == 0)

            let toS3 = BackupJob(
                source: FolderBackupStorage(root: folder.path),
                destination: ObjectStoreBackupStorage(store: store, bucket: dst, prefix: "up/", client: client),
                options: F.quickOptions(), logger: F.logger)
            let up = try await toS3.run(now: F.now)
            #expect(up.copied == 4)
            #expect(!up.hasFailures)
            #expect(try await store.getObject(bucket: dst, key: "up/" + keys[0]).body == F.body(0, size: 7 << 20))
            // Uploaded in parts: the copy was verified against the multipart ETag of its bytes.
            let big = try await store.headObject(bucket: dst, key: "up/" + keys[0])
            #expect(big.etag == S3Client.multipartETag(of: F.body(0, size: 7 << 20), partSize: 5 << 20))
            #expect(big.etag.hasSuffix("-2"))
            let upAgain = try await toS3.run(now: F.now)
            #expect(upAgain.skipped == 4)
            #expect(upAgain.copied == 0)
        }
    }
}

final class Attempts: Sendable {
    let counts = Mutex<[String: Int]>([:])
}
