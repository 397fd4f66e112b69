import Crypto
import Foundation
import Testing

@testable import ObjectStorage

/// A fresh store in its own temporary directory.
struct StoreDirectory {
    let root: String
    let store: FileObjectStore

    init() throws {
        root = NSTemporaryDirectory() + "trailkeeper-objects-" + UUID().uuidString
        store = try FileObjectStore(root: root)
    }

    func withBucket(_ name: String = "trail-bucket") async throws -> FileObjectStore {
        try await store.createBucket(name, region: "us-east-1")
        return store
    }

    /// Every regular file under `ROOT/<tree>`, as paths relative to it, sorted.
    func files(under tree: String) throws -> [String] {
        let base = URL(fileURLWithPath: root + "/" + tree)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        var out: [String] = []
        for case let url as URL in walker where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            out.append(String(url.standardizedFileURL.path.dropFirst(base.standardizedFileURL.path.count + 1)))
        }
        return out.sorted()
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

func md5(_ data: Data) -> String { Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined() }

@Suite struct FileObjectStoreTests {
    // MARK: buckets

    @Test func bucketsAreDirectoriesWithTheirInfoOutside() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        try await dir.store.createBucket("logs-eu", region: "eu-west-1")
        try await dir.store.createBucket("logs-us", region: "us-east-1")
        #expect(FileManager.default.fileExists(atPath: dir.root + "/objects/logs-eu"))
        #expect(FileManager.default.fileExists(atPath: dir.root + "/buckets/logs-eu.json"))
        #expect(try await dir.store.bucket("logs-eu")?.region == "eu-west-1")
        #expect(try await dir.store.bucket("missing-bucket") == nil)
        #expect(try await dir.store.listBuckets().map(\.name) == ["logs-eu", "logs-us"])
        await #expect(throws: ObjectStoreError.bucketAlreadyOwnedByYou("logs-eu")) {
            try await dir.store.createBucket("logs-eu", region: "us-east-1")
        }
        // A store opened again on the same directory sees the same buckets.
        let reopened = try FileObjectStore(root: dir.root)
        #expect(try await reopened.bucket("logs-eu")?.region == "eu-west-1")
    }

    @Test(arguments: ["health", "metrics", "console", "v1", "Upper", "a", "has_underscore", "..", "192.168.1.1"])
    func refusesReservedAndInvalidBucketNames(_ name: String) async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        await #expect(throws: ObjectStoreError.invalidBucketName(name)) {
            try await dir.store.createBucket(name, region: "us-east-1")
        }
        #expect(try dir.files(under: "objects").isEmpty)
    }

    @Test func deletesOnlyEmptyBuckets() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket("to-delete")
        try await store.putObject(bucket: "to-delete", key: "a/b", body: Data("x".utf8), contentType: nil, metadata: [:])
        await #expect(throws: ObjectStoreError.bucketNotEmpty("to-delete")) { try await store.deleteBucket("to-delete") }
        try await store.deleteObject(bucket: "to-delete", key: "a/b")
        try await store.deleteBucket("to-delete")
        #expect(try await store.bucket("to-delete") == nil)
        #expect(!FileManager.default.fileExists(atPath: dir.root + "/objects/to-delete"))
        #expect(!FileManager.default.fileExists(atPath: dir.root + "/buckets/to-delete.json"))
        await #expect(throws: ObjectStoreError.noSuchBucket("to-delete")) { try await store.deleteBucket("to-delete") }
    }

    @Test func aDirectoryMadeByHandIsABucket() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.root + "/objects/copied-trail/x", withIntermediateDirectories: true)
        try Data("hello".utf8).write(to: URL(fileURLWithPath: dir.root + "/objects/copied-trail/x/y.json"))
        let info = try #require(try await dir.store.bucket("copied-trail"))
        #expect(info.region == "us-east-1")
        let object = try await dir.store.getObject(bucket: "copied-trail", key: "x/y.json")
        #expect(object.body == Data("hello".utf8))
        #expect(object.info.etag == md5(Data("hello".utf8)))
        #expect(object.info.metadata.isEmpty)
    }

    // MARK: objects

    @Test func objectsArePlainFilesAndMetadataLivesElsewhere() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        let body = Data("{\"Records\":[]}".utf8)
        let keys = ["AWSLogs/123456789012/CloudTrail/us-east-1/2024/01/02/file.json.gz", "top", "with space/é+%.txt"]
        for key in keys {
            let info = try await store.putObject(
                bucket: "trail-bucket", key: key, body: body, contentType: "application/json",
                metadata: ["signature": "abc", "signing-algorithm": "SHA256withRSA"])
            #expect(info.etag == md5(body))
            #expect(info.size == Int64(body.count))
        }
        // Nothing but the objects themselves under ROOT/objects.
        #expect(try dir.files(under: "objects") == keys.map { "trail-bucket/" + $0 }.sorted())
        for key in keys {
            #expect(FileManager.default.contents(atPath: dir.root + "/objects/trail-bucket/" + key) == body)
            let head = try await store.headObject(bucket: "trail-bucket", key: key)
            #expect(head.etag == md5(body))
            #expect(head.contentType == "application/json")
            #expect(head.metadata == ["signature": "abc", "signing-algorithm": "SHA256withRSA"])
            #expect(head.size == Int64(body.count))
        }
        #expect(try dir.files(under: "tmp").isEmpty)
    }

    @Test func missingObjectsAndBuckets() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        try await store.putObject(bucket: "trail-bucket", key: "a/b", body: Data("x".utf8), contentType: nil, metadata: [:])
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: "trail-bucket", key: "nope")) {
            try await store.getObject(bucket: "trail-bucket", key: "nope")
        }
        // `a` is a directory on disk, not an object.
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: "trail-bucket", key: "a")) {
            try await store.headObject(bucket: "trail-bucket", key: "a")
        }
        await #expect(throws: ObjectStoreError.noSuchBucket("other-bucket")) {
            try await store.putObject(bucket: "other-bucket", key: "k", body: Data(), contentType: nil, metadata: [:])
        }
        await #expect(throws: ObjectStoreError.noSuchBucket("..")) {
            try await store.getObject(bucket: "..", key: "etc/passwd")
        }
        // Deleting a missing key succeeds, as in S3.
        try await store.deleteObject(bucket: "trail-bucket", key: "nope")
    }

    @Test(arguments: [
        "", "a//b", "/a", "a/", "./a", "a/./b", "a/..", "../x", "a/../b", String(repeating: "k", count: 1025),
        String(repeating: "s", count: 256) + "/x", "nul\u{0}byte",
    ])
    func refusesKeysThatCannotBeFiles(_ key: String) async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        await #expect(throws: ObjectStoreError.invalidKey(key)) {
            try await store.putObject(bucket: "trail-bucket", key: key, body: Data("x".utf8), contentType: nil, metadata: [:])
        }
        await #expect(throws: ObjectStoreError.invalidKey(key)) { try await store.headObject(bucket: "trail-bucket", key: key) }
        #expect(try dir.files(under: "objects").isEmpty)
        #expect(try dir.files(under: "tmp").isEmpty)
    }

    @Test func aKeyCannotBeBothAnObjectAndADirectory() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        try await store.putObject(bucket: "trail-bucket", key: "a", body: Data("1".utf8), contentType: nil, metadata: [:])
        try await store.putObject(bucket: "trail-bucket", key: "b/c", body: Data("2".utf8), contentType: "x/y", metadata: ["k": "v"])
        await #expect(throws: ObjectStoreError.invalidKey("a/x")) {
            try await store.putObject(bucket: "trail-bucket", key: "a/x", body: Data(), contentType: nil, metadata: [:])
        }
        await #expect(throws: ObjectStoreError.invalidKey("b")) {
            try await store.putObject(bucket: "trail-bucket", key: "b", body: Data(), contentType: nil, metadata: [:])
        }
        #expect(try await store.getObject(bucket: "trail-bucket", key: "a").body == Data("1".utf8))
        // The refused put left the objects below `b` and their metadata alone.
        let below = try await store.headObject(bucket: "trail-bucket", key: "b/c")
        #expect(below.metadata == ["k": "v"])
        #expect(below.contentType == "x/y")
        #expect(try dir.files(under: "tmp").isEmpty)
    }

    @Test func overwriteReplacesBytesAndMetadata() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        try await store.putObject(
            bucket: "trail-bucket", key: "k", body: Data("first".utf8), contentType: "text/plain", metadata: ["v": "1"])
        try await store.putObject(
            bucket: "trail-bucket", key: "k", body: Data("second!".utf8), contentType: nil, metadata: ["v": "2"])
        let object = try await store.getObject(bucket: "trail-bucket", key: "k")
        #expect(object.body == Data("second!".utf8))
        #expect(object.info.etag == md5(Data("second!".utf8)))
        #expect(object.info.contentType == nil)
        #expect(object.info.metadata == ["v": "2"])
        #expect(try dir.files(under: "objects") == ["trail-bucket/k"])
    }

    @Test func readersNeverSeeAPartialObject() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        // Each version is one byte repeated, with a length of its own: any mix or truncation shows.
        let versions = (1...12).map { Data(repeating: UInt8($0), count: 100_000 + $0 * 7919) }
        try await store.putObject(bucket: "trail-bucket", key: "hot/key", body: versions[0], contentType: nil, metadata: ["v": "1"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for (i, version) in versions.enumerated() {
                    try await store.putObject(
                        bucket: "trail-bucket", key: "hot/key", body: version, contentType: nil, metadata: ["v": "\(i + 1)"])
                }
            }
            for _ in 0..<3 {
                group.addTask {
                    for _ in 0..<40 {
                        let object = try await store.getObject(bucket: "trail-bucket", key: "hot/key")
                        let first = try #require(object.body.first)
                        #expect(object.body == versions[Int(first) - 1])
                        #expect(object.info.etag == md5(object.body))
                        #expect(object.info.size == Int64(object.body.count))
                    }
                }
            }
            try await group.waitForAll()
        }
        let last = try await store.getObject(bucket: "trail-bucket", key: "hot/key")
        #expect(last.body == versions.last)
        #expect(last.info.metadata == ["v": "12"])
        #expect(try dir.files(under: "tmp").isEmpty)
    }

    @Test func concurrentPutsOfManyKeys() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let key = "AWSLogs/\(i % 3)/\(i % 7)/file-\(i).json.gz"
                    try await store.putObject(
                        bucket: "trail-bucket", key: key, body: Data("body \(i)".utf8), contentType: nil, metadata: ["n": "\(i)"])
                }
            }
            try await group.waitForAll()
        }
        let listing = try await store.listObjects(ObjectListRequest(bucket: "trail-bucket", prefix: "AWSLogs/"))
        #expect(listing.objects.count == 200)
        #expect(!listing.isTruncated)
        for object in listing.objects {
            let n = try #require(Int(object.key.split(separator: "-").last!.split(separator: ".").first!))
            #expect(object.metadata == ["n": "\(n)"])
            #expect(object.etag == md5(Data("body \(n)".utf8)))
        }
    }

    @Test func deleteRemovesEmptyParentsButNotTheBucket() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        try await store.putObject(bucket: "trail-bucket", key: "x/y/z.json", body: Data("1".utf8), contentType: nil, metadata: [:])
        try await store.putObject(bucket: "trail-bucket", key: "x/keep.json", body: Data("2".utf8), contentType: nil, metadata: [:])
        try await store.deleteObject(bucket: "trail-bucket", key: "x/y/z.json")
        #expect(!FileManager.default.fileExists(atPath: dir.root + "/objects/trail-bucket/x/y"))
        #expect(!FileManager.default.fileExists(atPath: dir.root + "/object-metadata/trail-bucket/x/y"))
        #expect(FileManager.default.fileExists(atPath: dir.root + "/objects/trail-bucket/x/keep.json"))
        try await store.deleteObject(bucket: "trail-bucket", key: "x/keep.json")
        #expect(!FileManager.default.fileExists(atPath: dir.root + "/objects/trail-bucket/x"))
        #expect(FileManager.default.fileExists(atPath: dir.root + "/objects/trail-bucket"))
        #expect(try dir.files(under: "object-metadata").isEmpty)
    }

    // MARK: ranges

    @Test func rangesReadOnlyTheirBytes() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        let body = Data((0..<100).map { UInt8($0) })
        try await store.putObject(bucket: "trail-bucket", key: "r", body: body, contentType: nil, metadata: [:])
        let cases: [(ObjectByteRange, ClosedRange<Int64>)] = [
            (.closed(first: 10, last: 19), 10...19), (.closed(first: 90, last: 500), 90...99), (.from(first: 95), 95...99),
            (.suffix(length: 5), 95...99), (.suffix(length: 500), 0...99), (.closed(first: 0, last: 0), 0...0),
        ]
        for (range, expected) in cases {
            let object = try await store.getObject(bucket: "trail-bucket", key: "r", range: range)
            #expect(object.range == expected)
            #expect(object.body == body.subdata(in: Int(expected.lowerBound)..<Int(expected.upperBound) + 1))
            #expect(object.info.size == 100)
            #expect(object.info.etag == md5(body))
        }
        for range in [ObjectByteRange.closed(first: 100, last: 200), .from(first: 100), .suffix(length: 0)] {
            await #expect(throws: ObjectStoreError.invalidRange) {
                try await store.getObject(bucket: "trail-bucket", key: "r", range: range)
            }
        }
    }

    // MARK: changes made on disk

    @Test func changesOnDiskAreWhatTheStoreReports() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        let original = Data("{\"Records\":[{\"eventName\":\"A\"}]}".utf8)
        try await store.putObject(
            bucket: "trail-bucket", key: "logs/file.json", body: original, contentType: "application/json",
            metadata: ["signature": "s"])
        let path = dir.root + "/objects/trail-bucket/logs/file.json"
        // Edited in place (same inode, new size and time).
        let edited = Data("{\"Records\":[{\"eventName\":\"TAMPERED\"}]}".utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: edited)
        try handle.close()

        let head = try await store.headObject(bucket: "trail-bucket", key: "logs/file.json")
        #expect(head.size == Int64(edited.count))
        #expect(head.etag == md5(edited))
        #expect(head.metadata == ["signature": "s"])
        #expect(head.contentType == "application/json")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let mtime = try #require(attributes[.modificationDate] as? Date)
        #expect(abs(head.lastModified.timeIntervalSince(mtime)) < 0.001)

        let listed = try await store.listObjects(ObjectListRequest(bucket: "trail-bucket", prefix: "logs/"))
        #expect(listed.objects.map(\.etag) == [md5(edited)])
        #expect(listed.objects.map(\.size) == [Int64(edited.count)])
        let object = try await store.getObject(bucket: "trail-bucket", key: "logs/file.json")
        #expect(object.body == edited)
        #expect(object.info.etag == md5(edited))
        let ranged = try await store.getObject(bucket: "trail-bucket", key: "logs/file.json", range: .suffix(length: 4))
        #expect(ranged.info.etag == md5(edited))

        // Replaced by another file of the same size: the inode changes.
        let same = Data(repeating: UInt8(ascii: "z"), count: edited.count)
        try same.write(to: URL(fileURLWithPath: path), options: .atomic)
        #expect(try await store.headObject(bucket: "trail-bucket", key: "logs/file.json").etag == md5(same))

        // A file dropped in by hand, with no sidecar.
        try Data("new".utf8).write(to: URL(fileURLWithPath: dir.root + "/objects/trail-bucket/logs/extra.json"))
        let all = try await store.listObjects(ObjectListRequest(bucket: "trail-bucket", prefix: "logs/"))
        #expect(all.objects.map(\.key) == ["logs/extra.json", "logs/file.json"])
        #expect(all.objects.first?.etag == md5(Data("new".utf8)))

        // A file removed by hand is gone.
        try FileManager.default.removeItem(atPath: path)
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: "trail-bucket", key: "logs/file.json")) {
            try await store.headObject(bucket: "trail-bucket", key: "logs/file.json")
        }
    }

    @Test func aCrashBetweenSidecarAndDataLeavesTheOldObjectWhole() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        try await store.putObject(
            bucket: "trail-bucket", key: "k", body: Data("old".utf8), contentType: "text/plain", metadata: ["v": "old"])
        // What a put does before it renames the new data: install the new sidecar (the new data
        // file would have another inode). Then "crash": the rename never happens.
        let phantom = ObjectSidecar.Entry(
            stamp: FileStamp(inode: 1, size: 3, seconds: 1, nanoseconds: 0), etag: "0123", contentType: "x/y",
            metadata: ["v": "new"])
        try store.installSidecar(bucket: "trail-bucket", key: "k", newest: phantom)
        let head = try await store.headObject(bucket: "trail-bucket", key: "k")
        #expect(head.metadata == ["v": "old"])
        #expect(head.contentType == "text/plain")
        #expect(head.etag == md5(Data("old".utf8)))
    }

    @Test func staleTemporaryFilesAreRemovedOnOpen() throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let stale = dir.root + "/tmp/stale"
        let fresh = dir.root + "/tmp/fresh"
        try Data("x".utf8).write(to: URL(fileURLWithPath: stale))
        try Data("x".utf8).write(to: URL(fileURLWithPath: fresh))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: stale)
        _ = try FileObjectStore(root: dir.root)
        #expect(!FileManager.default.fileExists(atPath: stale))
        // Another process's write in flight is left alone.
        #expect(FileManager.default.fileExists(atPath: fresh))
    }

    @Test func sidecarsRoundTripAnyText() throws {
        let entry = ObjectSidecar.Entry(
            stamp: FileStamp(inode: 42, size: 7, seconds: 1_700_000_000, nanoseconds: 5), etag: "abc",
            contentType: "text/plain; charset=utf-8",
            metadata: ["tab\tname": "line\nbreak", "eq=ual": "50% = half", "é": "ünïcode", "empty": ""])
        let sidecar = ObjectSidecar(entries: [entry, ObjectSidecar.Entry(stamp: entry.stamp, etag: "d", contentType: nil, metadata: [:])])
        let bytes = sidecar.serialized()
        #expect(ObjectSidecar(parsing: bytes) == sidecar)
        #expect(String(decoding: bytes, as: UTF8.self).split(separator: "\n").count == 3)
        #expect(ObjectSidecar(parsing: Array("garbage".utf8)) == nil)
    }
}
