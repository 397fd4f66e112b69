import Foundation
import ObjectStorage
import Synchronization
import Testing

@testable import TrailArchive

@Suite struct LifecycleJobTests {
    static let bucket = "audit-logs"
    static let big = 200 * 1024

    static func production(prefix: String = "AWSLogs/") -> [LifecycleJob.Target] {
        [LifecycleJob.Target(bucket: bucket, configurations: [LifecycleConfiguration(rules: [LifecyclePreset.production.rule(prefix: prefix)])])]
    }

    /// Keys dated 10, 100, 400 and 3000 days back, a small one 400 days back, and one outside the prefix.
    static func fill(_ store: any ObjectStore) async throws -> [String: String] {
        try await store.createBucket(bucket, region: "us-east-1")
        let keys = [
            "10": BackupFixtures.key(daysAgo: 10, 1), "100": BackupFixtures.key(daysAgo: 100, 2),
            "400": BackupFixtures.key(daysAgo: 400, 3), "3000": BackupFixtures.key(daysAgo: 3000, 4),
            "small": BackupFixtures.key(daysAgo: 400, 5), "other": "other/" + BackupFixtures.key(daysAgo: 3000, 6),
        ]
        for (name, key) in keys {
            try await store.putObject(
                bucket: bucket, key: key, body: BackupFixtures.body(key.count, size: name == "small" ? 1000 : big),
                contentType: "application/json", metadata: ["name": name])
        }
        return keys
    }

    static func job(_ store: any ObjectStore, targets: [LifecycleJob.Target] = production(), dryRun: Bool = false, ageFrom: LifecycleJob.AgeSource = .keyDate)
        -> LifecycleJob
    {
        LifecycleJob(
            store: store, targets: targets,
            options: LifecycleJob.Options(ageFrom: ageFrom, dryRun: dryRun, concurrency: 3, retryBaseDelay: .milliseconds(1)),
            logger: BackupFixtures.logger)
    }

    static func storageClass(_ store: any ObjectStore, _ key: String) async throws -> String {
        try await store.headObject(bucket: bucket, key: key).storageClass
    }

    func planThenRunByKeyDate(_ store: any ObjectStore) async throws {
        let keys = try await Self.fill(store)
        let now = BackupFixtures.now
        let plan = try await Self.job(store, dryRun: true).run(now: now)
        #expect(plan.dryRun)
        #expect(plan.seen == 5)
        #expect(plan.transitioned == 2 && plan.expired == 1 && plan.heldBackBySize == 1 && plan.skipped == 0)
        #expect(plan.transitionedTo == ["GLACIER": 1, "DEEP_ARCHIVE": 1])
        #expect(plan.bytes == Int64(3 * Self.big))
        let planned = Dictionary(uniqueKeysWithValues: plan.actions.map { ($0.key, $0) })
        #expect(planned[keys["100"]!]?.toStorageClass == "GLACIER")
        #expect(planned[keys["100"]!]?.ageDays == 100)
        #expect(planned[keys["400"]!]?.toStorageClass == "DEEP_ARCHIVE")
        #expect(planned[keys["3000"]!]?.action == .expire)
        #expect(plan.actions.allSatisfy { $0.outcome == .planned && $0.fromStorageClass == "STANDARD" })
        // A plan changes nothing.
        #expect(try await Self.storageClass(store, keys["400"]!) == "STANDARD")
        #expect(try await store.headObject(bucket: Self.bucket, key: keys["3000"]!).size == Int64(Self.big))

        let run = try await Self.job(store).run(now: now)
        #expect(!run.dryRun && !run.hasFailures)
        #expect(run.transitioned == 2 && run.expired == 1 && run.seen == 5)
        #expect(run.actions.allSatisfy { $0.outcome == .done })
        #expect(try await Self.storageClass(store, keys["100"]!) == "GLACIER")
        #expect(try await Self.storageClass(store, keys["400"]!) == "DEEP_ARCHIVE")
        #expect(try await Self.storageClass(store, keys["10"]!) == "STANDARD")
        #expect(try await Self.storageClass(store, keys["small"]!) == "STANDARD")
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: Self.bucket, key: keys["3000"]!)) {
            try await store.headObject(bucket: Self.bucket, key: keys["3000"]!)
        }
        #expect(try await Self.storageClass(store, keys["other"]!) == "STANDARD")
        // Transitioned objects keep their bytes and metadata; listings name their class.
        let stored = try await store.getObject(bucket: Self.bucket, key: keys["400"]!)
        #expect(stored.body == BackupFixtures.body(keys["400"]!.count, size: Self.big))
        #expect(stored.info.metadata["name"] == "400" && stored.info.contentType == "application/json")
        #expect(stored.info.storageClass == "DEEP_ARCHIVE")
        let listed = try await store.listObjects(ObjectListRequest(bucket: Self.bucket, prefix: "AWSLogs/"))
        #expect(Dictionary(uniqueKeysWithValues: listed.objects.map { ($0.key, $0.storageClass) })[keys["100"]!] == "GLACIER")

        // Nothing left to do now; 300 days on, the 100-day object reaches Deep Archive.
        let again = try await Self.job(store).run(now: now)
        #expect(again.transitioned == 0 && again.expired == 0 && again.seen == 4)
        let later = try await Self.job(store).run(now: now.addingTimeInterval(300 * 86_400))
        let moved = Dictionary(uniqueKeysWithValues: later.actions.map { ($0.key, $0) })
        #expect(later.transitioned == 2)
        #expect(moved[keys["100"]!]?.fromStorageClass == "GLACIER" && moved[keys["100"]!]?.toStorageClass == "DEEP_ARCHIVE")
        #expect(moved[keys["10"]!]?.toStorageClass == "GLACIER")
        #expect(try await Self.storageClass(store, keys["100"]!) == "DEEP_ARCHIVE")
    }

    @Test func memoryStorePlanAndRun() async throws {
        try await planThenRunByKeyDate(MemoryObjectStore())
    }

    @Test func fileStorePlanAndRun() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await planThenRunByKeyDate(try FileObjectStore(root: folder.path))
    }

    @Test func lastModifiedAgesWithAnInjectedClockKeepTheObjectsAge() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try FileObjectStore(root: folder.path)
        try await store.createBucket(Self.bucket, region: "us-east-1")
        let key = "AWSLogs/file.json.gz"
        let original = try await store.putObject(
            bucket: Self.bucket, key: key, body: Data(count: Self.big), contentType: nil, metadata: [:])
        let job = Self.job(store, ageFrom: .lastModified)
        #expect(try await job.run(now: Date().addingTimeInterval(29 * 86_400)).transitioned == 0)
        let first = try await job.run(now: Date().addingTimeInterval(40 * 86_400))
        #expect(first.actions.map(\.toStorageClass) == ["STANDARD_IA"])
        let moved = try await store.headObject(bucket: Self.bucket, key: key)
        #expect(moved.storageClass == "STANDARD_IA" && moved.lastModified == original.lastModified && moved.etag == original.etag)
        #expect(FileManager.default.fileExists(atPath: folder.path + "/objects-tiers/STANDARD_IA/\(Self.bucket)/\(key)"))
        let second = try await job.run(now: Date().addingTimeInterval(100 * 86_400))
        #expect(second.actions.map(\.fromStorageClass) == ["STANDARD_IA"] && second.actions.map(\.toStorageClass) == ["GLACIER"])
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/objects-tiers/STANDARD_IA/\(Self.bucket)/\(key)"))
        let expired = try await job.run(now: Date().addingTimeInterval(2600 * 86_400))
        #expect(expired.expired == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/objects-tiers/GLACIER/\(Self.bucket)/\(key)"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/objects/\(Self.bucket)/\(key)"))
    }

    @Test func lockedChangedFailingAndMissingAreReportedAndTheRunGoesOn() async throws {
        let inner = MemoryObjectStore()
        let keys = try await Self.fill(inner)
        let attempts = Mutex([String: Int]())
        let overwritten = Mutex(false)
        var store = HookedStore(inner: inner)
        store.beforeDelete = { key in
            if key == keys["3000"]! { throw ObjectStoreError.accessDenied("Object is WORM protected and cannot be overwritten") }
        }
        store.beforeTransition = { key in
            let n = attempts.withLock { $0[key, default: 0] += 1; return $0[key]! }
            if key == keys["100"]! && n < 3 { throw ObjectStoreError.storage("disk busy") }  // retried
            if key == keys["400"]! { throw ObjectStoreError.storage("disk full") }  // every attempt
        }
        store.afterList = {
            // Someone rewrites the small object after the listing: its action must not apply.
            guard !overwritten.withLock({ let was = $0; $0 = true; return was }) else { return }
            try await inner.putObject(bucket: Self.bucket, key: keys["small"]!, body: Data(count: Self.big), contentType: nil, metadata: [:])
        }
        var targets = Self.production()
        targets[0].configurations[0].transitionMinimumObjectSize = .variesByStorageClass
        targets.append(LifecycleJob.Target(bucket: "no-such-bucket", configurations: targets[0].configurations))
        let report = try await Self.job(store, targets: targets).run(now: BackupFixtures.now)
        let outcomes = Dictionary(uniqueKeysWithValues: report.actions.map { ($0.key, $0.outcome) })
        #expect(outcomes[keys["3000"]!] == .skippedLocked)
        #expect(report.skippedLocked == ["\(Self.bucket)/\(keys["3000"]!)"])
        #expect(outcomes[keys["100"]!] == .done)
        #expect(attempts.withLock { $0[keys["100"]!] } == 3)
        #expect(outcomes[keys["400"]!] == .failed)
        #expect(report.failed["\(Self.bucket)/\(keys["400"]!)"]?.contains("disk full") == true)
        #expect(attempts.withLock { $0[keys["400"]!] } == 4)
        #expect(outcomes[keys["small"]!] == .skippedChanged)
        #expect(report.failed["no-such-bucket"]?.contains("NoSuchBucket") == true)
        #expect(report.hasFailures && report.skipped == 2 && report.transitioned == 1)
        // The locked object is still there; the changed one kept its new content and class.
        #expect(try await inner.headObject(bucket: Self.bucket, key: keys["3000"]!).size == Int64(Self.big))
        #expect(try await inner.headObject(bucket: Self.bucket, key: keys["small"]!).storageClass == "STANDARD")
    }

    @Test func tagFiltersReadTheObjectsTags() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try FileObjectStore(root: folder.path)
        let keys = try await Self.fill(store)
        try await store.setObjectTags(bucket: Self.bucket, key: keys["10"]!, tags: ["retention": "short", "team": "a"])
        try await store.setObjectTags(bucket: Self.bucket, key: keys["100"]!, tags: ["retention": "long"])
        let short = LifecycleRule(
            id: "short", filter: .init(prefix: "AWSLogs/", tags: [.init(key: "retention", value: "short")]),
            expiration: .init(.days(5)))
        let targets = [LifecycleJob.Target(bucket: Self.bucket, configurations: [LifecycleConfiguration(rules: [short])])]
        let report = try await Self.job(store, targets: targets).run(now: BackupFixtures.now)
        #expect(report.actions.map(\.key) == [keys["10"]!])
        #expect(report.expired == 1)
        #expect(try await store.objectTags(bucket: Self.bucket, key: keys["100"]!) == ["retention": "long"])
    }

    @Test func storedConfigurationsFollowTheirBucketAndMergeWithConfiguredOnes() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = MemoryObjectStore()
        try await store.createBucket("stored-only", region: "us-east-1")
        try await store.createBucket("both", region: "us-east-1")
        let lifecycle = BucketLifecycleStore(directory: folder.path + "/lifecycle")
        #expect(try await lifecycle.buckets().isEmpty)
        let development = LifecycleConfiguration(rules: [LifecyclePreset.development.rule()], transitionMinimumObjectSize: .variesByStorageClass)
        for bucket in ["stored-only", "both"] {
            let created = try await store.bucket(bucket)?.creationDate
            try await lifecycle.setConfiguration(development, for: bucket, createdAt: created)
        }
        try await lifecycle.setConfiguration(development, for: "gone", createdAt: Date())
        #expect(try await lifecycle.configuration(for: "both", createdAt: nil) == development)
        // A bucket created again under the same name does not inherit the old configuration.
        #expect(try await lifecycle.configuration(for: "both", createdAt: Date().addingTimeInterval(60)) == nil)
        let production = LifecycleConfiguration(rules: [LifecyclePreset.production.rule()])
        let targets = try await LifecycleJob.Target.collect(
            configured: ["both": production, "configured-only": production], stored: lifecycle, store: store)
        #expect(targets.map(\.bucket) == ["both", "configured-only", "stored-only"])
        #expect(targets[0].configurations == [production, development])
        #expect(targets[2].configurations == [development])
        try await lifecycle.removeConfiguration(for: "both")
        try await lifecycle.removeConfiguration(for: "never-had-one")
        #expect(try await lifecycle.buckets() == ["gone", "stored-only"])
    }

    @Test func theScheduledServiceRunsBothSourcesAtItsClock() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = MemoryObjectStore()
        let keys = try await Self.fill(store)
        try await store.createBucket("dev-logs", region: "us-east-1")
        let fresh = BackupFixtures.key(daysAgo: 0, 9)
        try await store.putObject(bucket: "dev-logs", key: fresh, body: Data("x".utf8), contentType: nil, metadata: [:])
        let lifecycle = BucketLifecycleStore(directory: folder.path)
        try await lifecycle.setConfiguration(
            LifecycleConfiguration(rules: [LifecyclePreset.development.rule()]), for: "dev-logs",
            createdAt: try await store.bucket("dev-logs")?.creationDate)
        let settings = try LifecycleSettings(section: [
            "schedule": "rate(1 minute)", "age-from": "key-date",
            "rules": [["bucket": Self.bucket, "preset": "production", "prefix": "AWSLogs/"]],
        ])
        let later = Date().addingTimeInterval(91 * 86_400)
        let service = LifecycleService(settings: settings, store: store, stored: lifecycle, logger: BackupFixtures.logger, now: { later })
        let report = try await service.runOnce()
        // 91 days on by key date: the configured production rule moves 10 → 101 days and 100 → 191 days to GLACIER,
        // 400 → 491 days to DEEP_ARCHIVE and expires 3000; the stored development rule expires dev-logs' 91-day-old file.
        #expect(report.transitionedTo == ["GLACIER": 2, "DEEP_ARCHIVE": 1])
        #expect(report.expired == 2)
        #expect(try await Self.storageClass(store, keys["10"]!) == "GLACIER")
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: "dev-logs", key: fresh)) {
            try await store.headObject(bucket: "dev-logs", key: fresh)
        }
    }
}
