import Foundation
import Synchronization
import Testing

@testable import ObjectStorage

/// A clock tests move by hand.
final class ManualClock: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { value = Mutex(start) }
    var now: Date { value.withLock { $0 } }
    func advance(days: Double) { value.withLock { $0 += days * 86_400 } }
    var read: @Sendable () -> Date { { self.now } }
}

/// Object Lock against a clock the tests control, in the stores that enforce it themselves.
@Suite struct ObjectLockTests {
    enum Kind: String, CaseIterable, Sendable { case memory, file }

    /// A store of `kind` reading `clock`, with a bucket `vault` that has Object Lock.
    static func withVault(_ kind: Kind, clock: ManualClock, _ body: (any ObjectStore) async throws -> Void) async throws {
        let root = NSTemporaryDirectory() + "trailkeeper-lock-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store: any ObjectStore =
            kind == .memory ? MemoryObjectStore(clock: clock.read) : try FileObjectStore(root: root, clock: clock.read)
        try await store.createBucket("vault", region: "us-east-1", objectLockEnabled: true)
        try await body(store)
    }

    static func put(_ store: any ObjectStore, _ key: String, _ lock: ObjectLockOptions = .none) async throws -> String {
        try #require(
            try await store.putObject(bucket: "vault", key: key, body: Data(key.utf8), contentType: nil, metadata: [:], lock: lock)
                .versionId)
    }

    static func isDenied(_ body: () async throws -> Void) async -> Bool {
        do {
            try await body()
            return false
        } catch ObjectStoreError.accessDenied {
            return true
        } catch {
            Issue.record("unexpected \(error)")
            return false
        }
    }

    @Test(arguments: Kind.allCases)
    func complianceHoldsUntilItsDateThenYields(_ kind: Kind) async throws {
        let clock = ManualClock()
        try await Self.withVault(kind, clock: clock) { store in
            try await store.setObjectLockConfiguration(
                ObjectLockConfiguration(defaultRetention: DefaultRetention(mode: .compliance, period: .days(10))), ofBucket: "vault")
            let version = try await Self.put(store, "log.json.gz")
            let retention = try #require(try await store.headObject(bucket: "vault", key: "log.json.gz").retention)
            #expect(retention == ObjectRetention(mode: .compliance, retainUntil: clock.now.addingTimeInterval(10 * 86_400)))
            let shorter = ObjectRetention(mode: .compliance, retainUntil: clock.now.addingTimeInterval(86_400))
            func delete() async throws {
                try await store.deleteObject(bucket: "vault", key: "log.json.gz", versionId: version, bypassGovernanceRetention: true)
            }
            func shorten() async throws {
                try await store.setRetention(shorter, bucket: "vault", key: "log.json.gz", versionId: version, bypassGovernanceRetention: true)
            }
            #expect(await Self.isDenied(delete))
            #expect(await Self.isDenied(shorten))
            #expect(await Self.isDenied {
                try await store.setRetention(
                    ObjectRetention(mode: .governance, retainUntil: retention.retainUntil), bucket: "vault", key: "log.json.gz",
                    versionId: version, bypassGovernanceRetention: true)
            })
            clock.advance(days: 9.9)
            #expect(await Self.isDenied(delete))
            clock.advance(days: 0.2)
            // Past the date: the version may be deleted like any other.
            try await delete()
            #expect(try await store.listObjectVersions(ObjectVersionListRequest(bucket: "vault")).versions.isEmpty)
        }
    }

    @Test(arguments: Kind.allCases)
    func governanceYieldsToTheBypassOnly(_ kind: Kind) async throws {
        let clock = ManualClock()
        try await Self.withVault(kind, clock: clock) { store in
            let until = clock.now.addingTimeInterval(30 * 86_400)
            let version = try await Self.put(
                store, "k", ObjectLockOptions(retention: ObjectRetention(mode: .governance, retainUntil: until)))
            func change(_ retention: ObjectRetention?, bypass: Bool) async throws {
                try await store.setRetention(retention, bucket: "vault", key: "k", versionId: version, bypassGovernanceRetention: bypass)
            }
            let shorter = ObjectRetention(mode: .governance, retainUntil: until.addingTimeInterval(-86_400))
            let longer = ObjectRetention(mode: .governance, retainUntil: until.addingTimeInterval(86_400))
            #expect(await Self.isDenied { try await change(shorter, bypass: false) })
            #expect(await Self.isDenied { try await change(nil, bypass: false) })
            #expect(await Self.isDenied { try await change(ObjectRetention(mode: .compliance, retainUntil: until), bypass: false) })
            try await change(longer, bypass: false)
            try await change(shorter, bypass: true)
            #expect(try await store.headObject(bucket: "vault", key: "k").retention == shorter)
            #expect(await Self.isDenied {
                try await store.deleteObject(bucket: "vault", key: "k", versionId: version, bypassGovernanceRetention: false)
            })
            try await store.deleteObject(bucket: "vault", key: "k", versionId: version, bypassGovernanceRetention: true)
        }
    }

    @Test(arguments: Kind.allCases)
    func aLegalHoldOutlivesTheRetention(_ kind: Kind) async throws {
        let clock = ManualClock()
        try await Self.withVault(kind, clock: clock) { store in
            let version = try await Self.put(
                store, "k",
                ObjectLockOptions(retention: ObjectRetention(mode: .compliance, retainUntil: clock.now.addingTimeInterval(86_400)), legalHold: true))
            clock.advance(days: 2)
            #expect(await Self.isDenied {
                try await store.deleteObject(bucket: "vault", key: "k", versionId: version, bypassGovernanceRetention: true)
            })
            try await store.setLegalHold(false, bucket: "vault", key: "k", versionId: nil)
            try await store.deleteObject(bucket: "vault", key: "k", versionId: version, bypassGovernanceRetention: false)
        }
    }

    @Test(arguments: Kind.allCases)
    func defaultRetentionInYearsAndDatesInThePast(_ kind: Kind) async throws {
        let clock = ManualClock()
        try await Self.withVault(kind, clock: clock) { store in
            try await store.setObjectLockConfiguration(
                ObjectLockConfiguration(defaultRetention: DefaultRetention(mode: .governance, period: .years(7))), ofBucket: "vault")
            _ = try await Self.put(store, "k")
            #expect(
                try await store.headObject(bucket: "vault", key: "k").retention?.retainUntil
                    == clock.now.addingTimeInterval(7 * 365 * 86_400))
            await #expect(throws: ObjectStoreError.invalidArgument("The retain until date must be in the future!")) {
                try await store.putObject(
                    bucket: "vault", key: "old", body: Data(), contentType: nil, metadata: [:],
                    lock: ObjectLockOptions(retention: ObjectRetention(mode: .compliance, retainUntil: clock.now.addingTimeInterval(-1))))
            }
        }
    }

    @Test func unversionedBucketsRefuseObjectLockUntilVersioned() async throws {
        let store = MemoryObjectStore()
        try await store.createBucket("plain", region: "us-east-1")
        await #expect(throws: ObjectStoreError.invalidBucketState("Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")) {
            try await store.setObjectLockConfiguration(ObjectLockConfiguration(), ofBucket: "plain")
        }
        try await store.setVersioning(.enabled, ofBucket: "plain")
        try await store.setObjectLockConfiguration(ObjectLockConfiguration(), ofBucket: "plain")
        #expect(try await store.objectLockConfiguration(ofBucket: "plain") == ObjectLockConfiguration())
    }
}
