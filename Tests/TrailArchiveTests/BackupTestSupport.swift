import AWSWire
import AsyncHTTPClient
import Foundation
import Logging
import ObjectStorage
import Synchronization
import Testing
import TrailArchive
import TrailTesting

/// moto server, when the environment names it.
enum Moto {
    static let endpoint = ProcessInfo.processInfo.environment["MOTO_ENDPOINT"]
    static let isRequired = ProcessInfo.processInfo.environment["TRAILKEEPER_REQUIRE_INTEGRATION"] == "1"

    /// Runs `body` with an S3 client on moto; fails when moto is required but not configured.
    static func withClient(_ body: (S3Client) async throws -> Void) async throws {
        let endpoint = try #require(Moto.endpoint, "TRAILKEEPER_REQUIRE_INTEGRATION=1 but MOTO_ENDPOINT is not set")
        try await HTTPClient.withHTTPClient { http in
            let client = AWSClient(
                httpClient: http,
                credentials: SigV4.Credentials(accessKeyID: "AKIAMOTOTEST00000001", secretAccessKey: "moto-secret"),
                logger: BackupFixtures.logger)
            try await body(S3Client(client: client, endpoint: endpoint, region: "us-east-1"))
        }
    }
}

enum BackupFixtures {
    static let logger = Logger(label: "trail.tests", factory: { _ in SwiftLogNoOpLogHandler() })
    static let now = Date()

    /// A CloudTrail log key dated `daysAgo` days before now.
    static func key(daysAgo: Int, _ n: Int, kind: String = "CloudTrail") -> String {
        let date = now.addingTimeInterval(-Double(daysAgo) * 86_400)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ v: Int?) -> String { v! < 10 ? "0\(v!)" : "\(v!)" }
        let (y, m, d) = ("\(c.year!)", two(c.month), two(c.day))
        let stamp = "\(y)\(m)\(d)T\(two(c.hour))\(two(c.minute))Z"
        return "AWSLogs/123456789012/\(kind)/us-east-1/\(y)/\(m)/\(d)/123456789012_\(kind)_us-east-1_\(stamp)_f\(n).json.gz"
    }

    static func body(_ n: Int, size: Int = 300) -> Data {
        Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n &* 7) })
    }

    static func quickOptions(_ threshold: Int = 85, ageFrom: BackupJob.AgeSource = .keyDate) -> BackupJob.Options {
        BackupJob.Options(thresholdDays: threshold, ageFrom: ageFrom, retryBaseDelay: .milliseconds(1))
    }
}

/// A temporary folder.
struct TemporaryFolder {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("tk-archive-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func write(_ key: String, _ body: Data, modified: Date? = nil) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(key)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try body.write(to: url)
        if let modified { try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path) }
    }

    func read(_ key: String) -> Data? {
        try? Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(key))
    }

    /// The files a backup stores: every path but metadata under `.trailkeeper/` folders.
    func dataFiles() -> [String] {
        allFiles().filter { !$0.hasPrefix(".trailkeeper/") && !$0.contains("/.trailkeeper/") }
    }

    /// Every file's relative path, temporary ones included.
    func allFiles() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: path)
        var result: [String] = []
        while let item = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + item, isDirectory: &isDirectory), !isDirectory.boolValue {
                result.append(item)
            }
        }
        return result.sorted()
    }
}

/// An ``ObjectStore`` that forwards to another, with hooks to inject failures and deletions.
struct HookedStore: ForwardingObjectStore {
    let inner: any ObjectStore
    /// Called after every listing.
    var afterList: @Sendable () async throws -> Void = {}
    /// Called before every put; throwing fails the put.
    var beforePut: @Sendable (String) async throws -> Void = { _ in }
    /// Called before every transition; throwing fails it.
    var beforeTransition: @Sendable (String) async throws -> Void = { _ in }
    /// Called before every delete; throwing fails it.
    var beforeDelete: @Sendable (String) async throws -> Void = { _ in }
    /// Called before every HEAD.
    var beforeHead: @Sendable (String) async throws -> Void = { _ in }
    /// Sees (and may change or fail) every object read.
    var afterGet: @Sendable (String, StoredObject) async throws -> StoredObject = { $1 }

    func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String], tags: [String: String],
        lock: ObjectLockOptions
    ) async throws -> ObjectInfo {
        try await beforePut(key)
        return try await inner.putObject(
            bucket: bucket, key: key, body: body, contentType: contentType, metadata: metadata, tags: tags, lock: lock)
    }
    func getObject(bucket: String, key: String, versionId: String?, range: ObjectByteRange?) async throws -> StoredObject {
        try await afterGet(key, try await inner.getObject(bucket: bucket, key: key, versionId: versionId, range: range))
    }
    func headObject(bucket: String, key: String, versionId: String?) async throws -> ObjectInfo {
        try await beforeHead(key)
        return try await inner.headObject(bucket: bucket, key: key, versionId: versionId)
    }
    func deleteObject(bucket: String, key: String, versionId: String?, bypassGovernanceRetention: Bool) async throws -> ObjectDeletion {
        try await beforeDelete(key)
        return try await inner.deleteObject(
            bucket: bucket, key: key, versionId: versionId, bypassGovernanceRetention: bypassGovernanceRetention)
    }
    /// Listings without content types and metadata, as S3 gives them.
    func listObjects(_ request: ObjectListRequest) async throws -> ObjectListing {
        var listing = try await inner.listObjects(request)
        try await afterList()
        listing.objects = listing.objects.map { object in
            var bare = object
            bare.metadata = [:]
            bare.contentType = nil
            return bare
        }
        return listing
    }
    func transitionObject(bucket: String, key: String, to storageClass: StorageClass, ifMatch etag: String?) async throws
        -> ObjectInfo
    {
        try await beforeTransition(key)
        return try await inner.transitionObject(bucket: bucket, key: key, to: storageClass, ifMatch: etag)
    }
}
