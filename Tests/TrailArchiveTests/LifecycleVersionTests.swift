import Foundation
import ObjectStorage
import Synchronization
import Testing

@testable import TrailArchive

/// Noncurrent-version expiration, expired object delete markers and incomplete-upload aborts, on a
/// versioned store whose clock the test moves.
@Suite struct LifecycleVersionTests {
    static let bucket = "vault-logs"
    static let day = 86_400.0

    final class Clock: Sendable {
        let now: Mutex<Date>
        init(_ start: Date) { now = Mutex(start) }
        func advance(days: Double) { now.withLock { $0 = $0.addingTimeInterval(days * LifecycleVersionTests.day) } }
        var date: Date { now.withLock { $0 } }
    }

    static let rule = LifecycleRule(
        id: "versions", filter: LifecycleRule.Filter(prefix: "logs/"),
        expiration: LifecycleRule.Expiration(nil, expiredObjectDeleteMarker: true),
        noncurrentVersionExpiration: LifecycleRule.NoncurrentVersionExpiration(noncurrentDays: 30),
        abortIncompleteMultipartUploadDays: 7)

    static func job(_ store: any ObjectStore, dryRun: Bool = false) -> LifecycleJob {
        LifecycleJob(
            store: store,
            targets: [LifecycleJob.Target(bucket: bucket, configurations: [LifecycleConfiguration(rules: [rule])])],
            options: LifecycleJob.Options(dryRun: dryRun, concurrency: 2, retryBaseDelay: .milliseconds(1)),
            logger: BackupFixtures.logger)
    }

    static func versions(_ store: any ObjectStore, _ key: String) async throws -> [ObjectVersion] {
        try await store.listObjectVersions(ObjectVersionListRequest(bucket: bucket, prefix: key)).versions.filter {
            $0.info.key == key
        }
    }

    @Test func noncurrentVersionsMarkersAndUploadsExpireAsS3Does() async throws {
        let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / Self.day).rounded(.down) * Self.day)
        let clock = Clock(start)
        let store = MemoryObjectStore(clock: { clock.date })
        try await store.createBucket(Self.bucket, region: "us-east-1")
        try await store.setVersioning(.enabled, ofBucket: Self.bucket)
        // logs/k: three versions written a day apart; logs/gone: written, then deleted a day later;
        // logs/orphan: a delete marker with nothing under it; other/k: outside the rule's prefix.
        for (index, key) in ["logs/k", "logs/gone", "other/k"].enumerated() {
            try await store.putObject(bucket: Self.bucket, key: key, body: Data([UInt8(index)]), contentType: nil, metadata: [:])
        }
        try await store.deleteObject(bucket: Self.bucket, key: "logs/orphan")
        clock.advance(days: 1)
        try await store.putObject(bucket: Self.bucket, key: "logs/k", body: Data([1, 1]), contentType: nil, metadata: [:])
        try await store.putObject(bucket: Self.bucket, key: "other/k", body: Data([1, 1]), contentType: nil, metadata: [:])
        try await store.deleteObject(bucket: Self.bucket, key: "logs/gone")
        clock.advance(days: 1)
        try await store.putObject(bucket: Self.bucket, key: "logs/k", body: Data([2, 2, 2]), contentType: nil, metadata: [:])
        let upload = try await store.createMultipartUpload(
            bucket: Self.bucket, key: "logs/big", properties: ObjectProperties(), storageClass: .standard)

        // Day 20: no noncurrent version is 30 days old; the lone marker goes at once, the upload after 7 days.
        let early = try await Self.job(store, dryRun: true).run(now: start.addingTimeInterval(20 * Self.day))
        #expect(early.noncurrentExpired == 0)
        #expect(early.deleteMarkersRemoved == 1 && early.uploadsAborted == 1)
        #expect(early.actions.map(\.key).sorted() == ["logs/big", "logs/orphan"])

        // Day 40: logs/k's two noncurrent versions (since days 1 and 2) go, and so does logs/gone's
        // data version (noncurrent since its delete on day 1); its marker stays this run.
        let now = start.addingTimeInterval(40 * Self.day)
        let plan = try await Self.job(store, dryRun: true).run(now: now)
        #expect(plan.noncurrentExpired == 3 && plan.deleteMarkersRemoved == 1 && plan.uploadsAborted == 1)
        #expect(plan.actions.allSatisfy { $0.outcome == .planned })
        #expect(try await Self.versions(store, "logs/k").count == 3)
        let oldest = try await Self.versions(store, "logs/k").last!.versionId
        #expect(plan.actions.contains { $0.key == "logs/k" && $0.action == .expireNoncurrent && $0.versionId == oldest })

        let run = try await Self.job(store).run(now: now)
        #expect(run.noncurrentExpired == 3 && run.deleteMarkersRemoved == 1 && run.uploadsAborted == 1 && !run.hasFailures)
        let kept = try await Self.versions(store, "logs/k")
        #expect(kept.count == 1 && !kept.contains { $0.versionId == oldest })
        #expect(try await store.getObject(bucket: Self.bucket, key: "logs/k").body == Data([2, 2, 2]))
        #expect(try await Self.versions(store, "logs/gone").map(\.isDeleteMarker) == [true])
        #expect(try await Self.versions(store, "logs/orphan").isEmpty)
        #expect(try await Self.versions(store, "other/k").count == 2)
        await #expect(throws: ObjectStoreError.self) {
            try await store.listParts(bucket: Self.bucket, key: "logs/big", uploadID: upload.uploadID, after: 0, maxParts: 10)
        }

        // The next run finds logs/gone's marker alone, and removes it; nothing else is due.
        let next = try await Self.job(store).run(now: now)
        #expect(next.deleteMarkersRemoved == 1 && next.noncurrentExpired == 0 && next.uploadsAborted == 0)
        #expect(try await Self.versions(store, "logs/gone").isEmpty)
    }

    @Test func aLockedNoncurrentVersionIsSkippedAndReported() async throws {
        let start = Date()
        let clock = Clock(start)
        let store = MemoryObjectStore(clock: { clock.date })
        try await store.createBucket(Self.bucket, region: "us-east-1", objectLockEnabled: true)
        let lock = ObjectLockOptions(retention: ObjectRetention(mode: .compliance, retainUntil: start.addingTimeInterval(3650 * Self.day)))
        let locked = try await store.putObject(
            bucket: Self.bucket, key: "logs/a", body: Data([1]), contentType: nil, metadata: [:], lock: lock)
        try await store.putObject(bucket: Self.bucket, key: "logs/b", body: Data([1]), contentType: nil, metadata: [:])
        clock.advance(days: 1)
        for key in ["logs/a", "logs/b", "logs/c"] {
            try await store.putObject(bucket: Self.bucket, key: key, body: Data([2]), contentType: nil, metadata: [:])
        }
        clock.advance(days: 1)
        try await store.putObject(bucket: Self.bucket, key: "logs/a", body: Data([3]), contentType: nil, metadata: [:])
        try await store.putObject(bucket: Self.bucket, key: "logs/b", body: Data([3]), contentType: nil, metadata: [:])

        let report = try await Self.job(store).run(now: start.addingTimeInterval(60 * Self.day))
        // logs/a's locked first version stays (reported), its second goes; both of logs/b's go; the
        // run does not fail.
        #expect(report.noncurrentExpired == 3 && report.skipped == 1 && !report.hasFailures)
        #expect(report.skippedLocked == ["\(Self.bucket)/logs/a"])
        #expect(try await Self.versions(store, "logs/a").contains { $0.versionId == locked.versionId })
        #expect(try await Self.versions(store, "logs/a").count == 2)
        #expect(try await Self.versions(store, "logs/b").count == 1)
    }

    @Test func newerNoncurrentVersionsKeepsTheNewestNoncurrentOnes() {
        let rule = LifecycleRule(
            id: "keep-two", noncurrentVersionExpiration: LifecycleRule.NoncurrentVersionExpiration(noncurrentDays: 1, newerNoncurrentVersions: 2))
        let planner = LifecyclePlanner(configurations: [LifecycleConfiguration(rules: [rule])])
        let start = Date(timeIntervalSince1970: 1_700_006_400)
        // Newest first: the current version written on day 4, then versions of days 3, 2, 1 and 0.
        let history = (0...4).reversed().map {
            LifecyclePlanner.VersionFacts(size: 1, lastModified: start.addingTimeInterval(Double($0) * Self.day), isDeleteMarker: false)
        }
        let due = planner.noncurrentExpirations(key: "k", history: history, now: start.addingTimeInterval(30 * Self.day))
        #expect(due.map(\.index) == [3, 4] && due.allSatisfy { $0.rule == "keep-two" })
        // Not yet a full day noncurrent: the version replaced on day 4 (index 1) is not due at day 4.5,
        // and neither are the others while NewerNoncurrentVersions keeps them.
        #expect(planner.noncurrentExpirations(key: "k", history: Array(history.prefix(2)), now: start.addingTimeInterval(4.5 * Self.day)).isEmpty)
        #expect(planner.expiredDeleteMarkerRule(key: "k", history: [history[0]]) == nil)
    }
}
