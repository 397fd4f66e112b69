import Foundation
import Logging
import ObjectStorage
import Synchronization
import Testing
import TrailArchive
import TrailModel

/// Recompressed and encrypted backups: incremental runs, verification, restore.
@Suite struct BackupRestoreTests {
    typealias F = BackupFixtures
    static let key = BackupTransformTests.key

    static func options(_ transform: BackupTransform) -> BackupJob.Options {
        var options = F.quickOptions()
        options.transform = transform
        return options
    }

    @Test func encryptedFolderBackupIsIncrementalAndRestoresExactly() async throws {
        let source = try TemporaryFolder()
        let backup = try TemporaryFolder()
        let restored = try TemporaryFolder()
        defer {
            for folder in [source, backup, restored] { folder.remove() }
        }
        let keys = (1...4).map { F.key(daysAgo: 100, $0) }
        for (n, key) in keys.enumerated() { try source.write(key, BackupTransformTests.logFile(n).gzip) }
        let job = BackupJob(
            source: FolderBackupStorage(root: source.path), destination: FolderBackupStorage(root: backup.path),
            options: Self.options(BackupTransform(recompressionLevel: 12, encryption: Self.key)), logger: F.logger)
        let first = try await job.run(now: F.now)
        #expect(first.copied == 4)
        #expect(!first.hasFailures)
        for key in keys {
            let copy = try #require(backup.read(key))
            #expect(BackupEnvelope.isEnvelope(copy))
            #expect(try BackupEnvelope.header(of: copy).content == "recompressed")
        }
        // Metadata lives under .trailkeeper/, which listings skip.
        #expect(backup.dataFiles() == keys.sorted())
        let head = try #require(try await FolderBackupStorage(root: backup.path).head(keys[0]))
        #expect(head.metadata[BackupMetadata.transform] == "recompressed,encrypted")
        #expect(head.metadata[BackupMetadata.keyID] == Self.key.id)

        let second = try await job.run(now: F.now)
        #expect(second.copied == 0)
        #expect(second.skipped == 4)
        #expect(second.conflicts.isEmpty)

        // A changed source is a conflict, not an overwrite.
        try source.write(keys[1], BackupTransformTests.logFile(99).gzip)
        let third = try await job.run(now: F.now)
        #expect(third.conflicts == [keys[1]])

        let restore = BackupRestore(
            backup: FolderBackupStorage(root: backup.path), destination: FolderBackupStorage(root: restored.path),
            options: .init(key: Self.key), logger: F.logger)
        let back = try await restore.run()
        #expect(back.copied == 4)
        #expect(!back.hasFailures)
        for (n, key) in keys.enumerated() where n != 1 {
            let original = BackupTransformTests.logFile(n)
            let bytes = try #require(restored.read(key))
            #expect(Gzip.decompress(bytes) == original.json)
            #expect(bytes.count < original.gzip.count)
        }
        // The restored files carry no trailkeeper metadata.
        let restoredHead = try #require(try await FolderBackupStorage(root: restored.path).head(keys[0]))
        #expect(restoredHead.metadata.keys.allSatisfy { !$0.hasPrefix("trailkeeper-") })
        let again = try await restore.run()
        #expect(again.skipped == 4)
        #expect(again.copied == 0)

        // Without the key, every object fails and nothing is written.
        let empty = try TemporaryFolder()
        defer { empty.remove() }
        let keyless = try await BackupRestore(
            backup: FolderBackupStorage(root: backup.path), destination: FolderBackupStorage(root: empty.path),
            options: .init(), logger: F.logger
        ).run()
        #expect(keyless.failed.count == 4)
        #expect(keyless.failed.values.allSatisfy { $0.contains("encrypted (key \(Self.key.id))") })
        #expect(empty.allFiles().isEmpty)
    }

    @Test func encryptedCopiesToAStoreRestoreByteForByteWithTheirMetadata() async throws {
        let store = MemoryObjectStore()
        for bucket in ["src", "dst", "back"] { try await store.createBucket(bucket, region: "us-east-1") }
        let keys = (1...3).map { F.key(daysAgo: 100, $0, kind: "CloudTrail-Digest") }
        for (n, key) in keys.enumerated() {
            try await store.putObject(
                bucket: "src", key: key, body: BackupTransformTests.logFile(n).gzip, contentType: "application/json",
                metadata: ["signature": "sig-\(n)", "signature-algorithm": "SHA256withRSA"])
        }
        let job = BackupJob(
            source: ObjectStoreBackupStorage(store: store, bucket: "src", prefix: ""),
            destination: ObjectStoreBackupStorage(store: store, bucket: "dst", prefix: "vault/"),
            options: Self.options(BackupTransform(encryption: Self.key)), logger: F.logger)
        #expect(try await job.run(now: F.now).copied == 3)
        let copy = try await store.headObject(bucket: "dst", key: "vault/" + keys[0])
        #expect(copy.metadata["signature"] == "sig-0")
        #expect(copy.metadata[BackupMetadata.sourceETag] == (try await store.headObject(bucket: "src", key: keys[0])).etag)
        #expect(copy.metadata[BackupMetadata.sourceSize] == String(BackupTransformTests.logFile(0).gzip.count))
        #expect(try await job.run(now: F.now).skipped == 3)

        // Tamper with one copy: its restore fails, the others come back byte for byte.
        var tampered = try await store.getObject(bucket: "dst", key: "vault/" + keys[2])
        tampered.body[tampered.body.count - 20] ^= 1
        try await store.putObject(
            bucket: "dst", key: "vault/" + keys[2], body: tampered.body, contentType: nil, metadata: tampered.info.metadata)
        let report = try await BackupRestore(
            backup: ObjectStoreBackupStorage(store: store, bucket: "dst", prefix: "vault/"),
            destination: ObjectStoreBackupStorage(store: store, bucket: "back", prefix: ""), options: .init(key: Self.key),
            logger: F.logger
        ).run()
        #expect(report.copied == 2)
        #expect(report.failed.keys.sorted() == [keys[2]])
        #expect(report.failed[keys[2]]?.contains("AES-GCM authentication failed") == true)
        for (n, key) in keys.enumerated().prefix(2) {
            let back = try await store.getObject(bucket: "back", key: key)
            #expect(back.body == BackupTransformTests.logFile(n).gzip)
            #expect(back.info.metadata == ["signature": "sig-\(n)", "signature-algorithm": "SHA256withRSA"])
            #expect(back.info.contentType == "application/json")
        }
    }

    @Test func unchangedRunsOfTransformedBackupsNeedNoRequestPerObject() async throws {
        let memory = MemoryObjectStore()
        for bucket in ["src", "dst", "back"] { try await memory.createBucket(bucket, region: "us-east-1") }
        let keys = (1...5).map { F.key(daysAgo: 100, $0) }
        for (n, key) in keys.enumerated() {
            try await memory.putObject(bucket: "src", key: key, body: BackupTransformTests.logFile(n).gzip, contentType: nil, metadata: [:])
        }
        let heads = Attempts()
        let destination = HookedStore(
            inner: memory, beforeHead: { key in heads.counts.withLock { $0[key, default: 0] += 1 } })
        let job = BackupJob(
            source: ObjectStoreBackupStorage(store: memory, bucket: "src", prefix: ""),
            destination: ObjectStoreBackupStorage(store: destination, bucket: "dst", prefix: "v/"),
            options: Self.options(BackupTransform(recompressionLevel: 12, encryption: Self.key)), logger: F.logger)
        #expect(try await job.run(now: F.now).copied == 5)
        let manifest = try await memory.getObject(bucket: "dst", key: "v/.trailkeeper/backup-manifest.json.gz")
        #expect(Gzip.decompress(manifest.body).map { String(decoding: $0, as: UTF8.self).contains(keys[0]) } == true)
        heads.counts.withLock { $0 = [:] }
        let second = try await job.run(now: F.now)
        #expect(second.skipped == 5)
        #expect(heads.counts.withLock { $0.isEmpty }, "the manifest answers for every copy")

        // A copy replaced behind our back no longer matches its entry: it is HEADed, and a conflict.
        let forged = try BackupTransform(encryption: Self.key).apply(to: Data("forged".utf8), sourceETag: "x")
        try await memory.putObject(bucket: "dst", key: "v/" + keys[2], body: forged.bytes, contentType: nil, metadata: forged.metadata)
        let third = try await job.run(now: F.now)
        #expect(third.conflicts == [keys[2]])
        #expect(third.skipped == 4)
        #expect(heads.counts.withLock { $0 } == ["v/" + keys[2]: 1])

        // The manifest is bookkeeping: a restore does not see it.
        let restored = try await BackupRestore(
            backup: ObjectStoreBackupStorage(store: memory, bucket: "dst", prefix: "v/"),
            destination: ObjectStoreBackupStorage(store: memory, bucket: "back", prefix: ""), options: .init(key: Self.key),
            logger: F.logger
        ).run()
        #expect(restored.seen == 5)
    }

    @Test func recompressedCopiesAreRecognisedAndVerifiedOnRestore() async throws {
        let store = MemoryObjectStore()
        for bucket in ["src", "dst", "back"] { try await store.createBucket(bucket, region: "us-east-1") }
        let keys = (1...3).map { F.key(daysAgo: 100, $0) }
        for (n, key) in keys.enumerated() {
            try await store.putObject(bucket: "src", key: key, body: BackupTransformTests.logFile(n).gzip, contentType: nil, metadata: [:])
        }
        try await store.putObject(bucket: "src", key: F.key(daysAgo: 100, 9), body: Data("x".utf8), contentType: nil, metadata: [:])
        let job = BackupJob(
            source: ObjectStoreBackupStorage(store: store, bucket: "src", prefix: ""),
            destination: ObjectStoreBackupStorage(store: store, bucket: "dst", prefix: ""),
            options: Self.options(BackupTransform(recompressionLevel: 12)), logger: F.logger)
        let first = try await job.run(now: F.now)
        #expect(first.copied == 4)
        #expect(first.bytesCopied < first.bytesSelected)
        #expect(try await job.run(now: F.now).skipped == 4)
        // The one that is not gzip was copied as it is.
        #expect(try await store.getObject(bucket: "dst", key: F.key(daysAgo: 100, 9)).body == Data("x".utf8))

        // A recompressed copy whose content was changed fails its restore.
        let victim = keys[0]
        try await store.putObject(
            bucket: "dst", key: victim, body: Gzip.compress(Data("{\"Records\":[]}".utf8))!, contentType: nil,
            metadata: try await store.headObject(bucket: "dst", key: victim).metadata)
        let report = try await BackupRestore(
            backup: ObjectStoreBackupStorage(store: store, bucket: "dst", prefix: ""),
            destination: ObjectStoreBackupStorage(store: store, bucket: "back", prefix: ""), options: .init(), logger: F.logger
        ).run()
        #expect(report.copied == 3)
        #expect(report.failed.keys.sorted() == [victim])
        let back = try await store.getObject(bucket: "back", key: keys[1]).body
        #expect(Gzip.decompress(back) == BackupTransformTests.logFile(1).json)
    }
}
