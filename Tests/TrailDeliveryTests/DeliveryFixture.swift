import Crypto
import Foundation
import Logging
import ObjectStorage
import Synchronization
import Testing
import TrailDelivery
import TrailModel
import TrailStore
import TrailStoreSQLite
import TrailTesting
import _CryptoExtras

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64) { value = Mutex(start) }
    var now: Int64 { value.withLock { $0 } }
    func advance(_ seconds: Int64) { value.withLock { $0 += seconds } }
}

/// An object store that fails puts on demand: before writing, or after writing (a crash between
/// the write and the completion of a plan).
final class FaultyObjectStore: ForwardingObjectStore {
    enum Mode: Sendable { case none, failBefore, failAfter }
    let inner: any ObjectStore = MemoryObjectStore()
    private let mode = Mutex<Mode>(.none)
    private let puts = Mutex(0)

    func set(_ m: Mode) { mode.withLock { $0 = m } }
    var putCount: Int { puts.withLock { $0 } }

    struct Injected: Error {}

    func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String], tags: [String: String],
        lock: ObjectLockOptions
    ) async throws -> ObjectInfo {
        let m = mode.withLock { $0 }
        if m == .failBefore { throw Injected() }
        let info = try await inner.putObject(
            bucket: bucket, key: key, body: body, contentType: contentType, metadata: metadata, tags: tags, lock: lock)
        puts.withLock { $0 += 1 }
        if m == .failAfter { throw Injected() }
        return info
    }
}

/// A journal, object store, delivery state and deliverer in a temporary directory.
struct DeliveryFixture {
    static let account = "111122223333"
    static let identity = ServiceIdentity(
        accountID: account, region: "us-east-1",
        defaultChannel: Channel(arn: "arn:aws:cloudtrail:us-east-1:111122223333:channel/default", name: "default"))
    let directory: String
    let journal = MemoryEventStore()
    let objects = FaultyObjectStore()
    let clock = TestClock(1_714_560_000)  // 2024-05-01T10:40:00Z
    var configuration = TrailDeliverer.Configuration(deliveryInterval: 300, digestInterval: 3600)
    var rotation: Int64 = 30 * 86400

    init() async throws {
        directory = NSTemporaryDirectory() + "trailkeeper-delivery-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try await objects.createBucket("audit-logs", region: "us-east-1")
    }

    /// A deliverer over the fixture's state (a new one models a restarted process).
    func deliverer() throws -> TrailDeliverer {
        let clock = self.clock
        return TrailDeliverer(
            journal: journal, state: try SQLiteDeliveryStateStore(path: directory + "/delivery.sqlite"),
            catalog: try TrailCatalog(directory: directory + "/trails"), objects: objects,
            keys: try SigningKeyRing(directory: directory + "/signing-keys", rotation: rotation), identity: Self.identity,
            configuration: configuration, logger: Logger(label: "test"), now: { clock.now })
    }

    static func trail(_ name: String = "audit", validation: Bool = true, multiRegion: Bool = false, selection: EventSelection = .default, topic: String? = nil)
        -> Trail
    {
        Trail(
            name: name, s3BucketName: "audit-logs", snsTopicName: topic, snsTopicARN: topic.map { "arn:aws:sns:us-east-1:\(account):\($0)" },
            isMultiRegionTrail: multiRegion, homeRegion: "us-east-1",
            trailARN: "arn:aws:cloudtrail:us-east-1:\(account):trail/\(name)", logFileValidationEnabled: validation, selection: selection,
            creationTime: 0)
    }

    func append(_ records: [AuditRecord]) async throws {
        _ = try await journal.append(records)
    }

    /// Every object of the bucket whose key contains `folder`, with its content inflated.
    func files(_ folder: String) async throws -> [(key: String, body: Data, metadata: [String: String])] {
        let listing = try await objects.listObjects(ObjectListRequest(bucket: "audit-logs", maxKeys: 100_000))
        var out: [(String, Data, [String: String])] = []
        for info in listing.objects where info.key.contains("/\(folder)/") {
            let stored = try await objects.getObject(bucket: "audit-logs", key: info.key)
            out.append((info.key, try #require(Gzip.decompress(stored.body)), info.metadata))
        }
        return out
    }

    /// eventIDs of every record delivered in log files, in file order.
    func deliveredEventIDs() async throws -> [String] {
        var ids: [String] = []
        for f in try await files("CloudTrail") {
            let object = try #require(try JSONSerialization.jsonObject(with: f.body) as? [String: Any])
            for r in try #require(object["Records"] as? [[String: Any]]) { ids.append(r["eventID"] as! String) }
        }
        return ids
    }
}
