import Foundation
import Testing

@testable import ObjectStorage

#if canImport(Glibc)
import Glibc
#endif

/// Storage classes on the embedded store: tier folders, links from the key tree, crash states.
@Suite struct FileObjectStoreTierTests {
    static let bucket = "trail-bucket"
    static let key = "AWSLogs/123456789012/CloudTrail/us-east-1/2024/01/02/file.json.gz"
    static let body = Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 13) })

    func withStore(_ body: (StoreDirectory, FileObjectStore) async throws -> Void) async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket(Self.bucket)
        try await body(dir, store)
    }

    /// The data files of the tier folders (not the lock file).
    func tierFiles(_ dir: StoreDirectory) throws -> [String] {
        try dir.files(under: "objects-tiers").filter { $0 != ".lock" }
    }

    func link(_ dir: StoreDirectory) throws -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: dir.root + "/objects/\(Self.bucket)/\(Self.key)")
    }

    @Test func aTransitionMovesTheDataIntoItsTierFolderBehindALink() async throws {
        try await withStore { dir, store in
            let put = try await store.putObject(bucket: Self.bucket, key: Self.key, body: Self.body, contentType: nil, metadata: ["m": "1"])
            let moved = try await store.transitionObject(bucket: Self.bucket, key: Self.key, to: .glacier, ifMatch: put.etag)
            #expect(moved.lastModified == put.lastModified && moved.etag == put.etag)
            #expect(try tierFiles(dir) == ["GLACIER/\(Self.bucket)/\(Self.key)"])
            #expect(try link(dir) == "../../../../../../../../../objects-tiers/GLACIER/\(Self.bucket)/\(Self.key)")
            // Any tool reads the object at its usual path.
            #expect(FileManager.default.contents(atPath: dir.root + "/objects/\(Self.bucket)/\(Self.key)") == Self.body)
            let head = try await store.headObject(bucket: Self.bucket, key: Self.key)
            #expect(head.storageClass == "GLACIER" && head.lastModified == put.lastModified && head.metadata == ["m": "1"])
            // Down, then back to STANDARD: a plain file again, no tier file left.
            try await store.transitionObject(bucket: Self.bucket, key: Self.key, to: .deepArchive, ifMatch: nil)
            #expect(try tierFiles(dir) == ["DEEP_ARCHIVE/\(Self.bucket)/\(Self.key)"])
            try await store.transitionObject(bucket: Self.bucket, key: Self.key, to: .standard, ifMatch: nil)
            #expect(try tierFiles(dir).isEmpty)
            #expect(try link(dir) == nil)
            #expect(try dir.files(under: "objects") == ["\(Self.bucket)/\(Self.key)"])
            let back = try await store.getObject(bucket: Self.bucket, key: Self.key)
            #expect(back.body == Self.body && back.info.storageClass == "STANDARD" && back.info.lastModified == put.lastModified)
            #expect(try dir.files(under: "tmp").isEmpty)
        }
    }

    @Test func putsAndDeletesOfATieredObjectRemoveItsTierFile() async throws {
        try await withStore { dir, store in
            try await store.putObject(bucket: Self.bucket, key: Self.key, body: Self.body, contentType: nil, metadata: [:])
            try await store.transitionObject(bucket: Self.bucket, key: Self.key, to: .standardIA, ifMatch: nil)
            try await store.putObject(bucket: Self.bucket, key: Self.key, body: Data("v2".utf8), contentType: nil, metadata: [:])
            #expect(try tierFiles(dir).isEmpty)
            #expect(try await store.getObject(bucket: Self.bucket, key: Self.key).body == Data("v2".utf8))
            try await store.transitionObject(bucket: Self.bucket, key: Self.key, to: .oneZoneIA, ifMatch: nil)
            try await store.deleteObject(bucket: Self.bucket, key: Self.key)
            #expect(try tierFiles(dir).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: dir.root + "/objects-tiers/ONEZONE_IA/\(Self.bucket)/AWSLogs"))
            // An empty bucket can go, with its tier folders.
            try await store.putObject(bucket: Self.bucket, key: "k", body: Data("k".utf8), contentType: nil, metadata: [:])
            try await store.transitionObject(bucket: Self.bucket, key: "k", to: .glacier, ifMatch: nil)
            await #expect(throws: ObjectStoreError.bucketNotEmpty(Self.bucket)) { try await store.deleteBucket(Self.bucket) }
            try await store.deleteObject(bucket: Self.bucket, key: "k")
            try await store.deleteBucket(Self.bucket)
            #expect(!FileManager.default.fileExists(atPath: dir.root + "/objects-tiers/GLACIER/\(Self.bucket)"))
        }
    }

    @Test func aTierOnAnotherFileSystemGetsACopyWithTheSameAgeAndETag() async throws {
        // /dev/shm is a tmpfs: a hard link from the data directory fails with EXDEV, so the data is copied.
        let other = "/dev/shm/trailkeeper-tier-" + UUID().uuidString
        guard (try? FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)) != nil else { return }
        defer { try? FileManager.default.removeItem(atPath: other) }
        try await withStore { dir, store in
            try FileManager.default.createDirectory(atPath: dir.root + "/objects-tiers", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: dir.root + "/objects-tiers/DEEP_ARCHIVE", withDestinationPath: other)
            let put = try await store.putObject(bucket: Self.bucket, key: Self.key, body: Self.body, contentType: nil, metadata: ["m": "1"])
            let before = try #require(try FileSystem.status(dir.root + "/objects/\(Self.bucket)/\(Self.key)"))
            try await store.transitionObject(bucket: Self.bucket, key: Self.key, to: .deepArchive, ifMatch: put.etag)
            let after = try #require(try FileSystem.status(dir.root + "/objects/\(Self.bucket)/\(Self.key)"))
            #expect(before.st_ino != after.st_ino)  // a copy, not a link
            #expect(FileManager.default.contents(atPath: other + "/\(Self.bucket)/\(Self.key)") == Self.body)
            let head = try await store.headObject(bucket: Self.bucket, key: Self.key)
            #expect(head.storageClass == "DEEP_ARCHIVE" && head.lastModified == put.lastModified && head.etag == put.etag)
            #expect(head.metadata == ["m": "1"])
            #expect(try await store.getObject(bucket: Self.bucket, key: Self.key).body == Self.body)
            // And back: copied into the data directory again.
            try await store.transitionObject(bucket: Self.bucket, key: Self.key, to: .standard, ifMatch: nil)
            #expect(!FileManager.default.fileExists(atPath: other + "/\(Self.bucket)/\(Self.key)"))
            #expect(try await store.headObject(bucket: Self.bucket, key: Self.key).lastModified == put.lastModified)
        }
    }

    /// The states a crash can leave between the steps of a transition: never two objects or none.
    @Test func crashStatesLeaveOneObjectAndOrphansAreRemoved() async throws {
        try await withStore { dir, store in
            let put = try await store.putObject(bucket: Self.bucket, key: Self.key, body: Self.body, contentType: nil, metadata: [:])
            // Crash after the data got its tier name, before the key-tree swap: still STANDARD, one object.
            let tierFile = dir.root + "/objects-tiers/GLACIER/\(Self.bucket)/\(Self.key)"
            try store.makeTierParents(.glacier, bucket: Self.bucket, key: Self.key)
            try FileSystem.hardLink(dir.root + "/objects/\(Self.bucket)/\(Self.key)", tierFile)
            let listed = try await store.listObjects(ObjectListRequest(bucket: Self.bucket))
            #expect(listed.objects.map(\.key) == [Self.key] && listed.objects.map(\.storageClass) == ["STANDARD"])
            // A young orphan is left alone (a transition elsewhere may be using it); an old one goes.
            #expect(try await store.removeOrphanedTierFiles(bucket: Self.bucket) == 0)
            #expect(try await store.removeOrphanedTierFiles(bucket: Self.bucket, graceSeconds: -1) == 1)
            #expect(!FileManager.default.fileExists(atPath: tierFile))
            #expect(try await store.getObject(bucket: Self.bucket, key: Self.key).body == Self.body)
            // The same crash state, then the transition again: it completes over the orphan.
            try store.makeTierParents(.glacier, bucket: Self.bucket, key: Self.key)
            try FileSystem.hardLink(dir.root + "/objects/\(Self.bucket)/\(Self.key)", tierFile)
            try await store.transitionObject(bucket: Self.bucket, key: Self.key, to: .glacier, ifMatch: put.etag)
            #expect(try await store.headObject(bucket: Self.bucket, key: Self.key).storageClass == "GLACIER")
            // Crash after the swap, before the old tier file went (GLACIER → DEEP_ARCHIVE): the object is DEEP_ARCHIVE once.
            try await store.transitionObject(bucket: Self.bucket, key: Self.key, to: .deepArchive, ifMatch: nil)
            try store.makeTierParents(.glacier, bucket: Self.bucket, key: Self.key)
            try FileSystem.hardLink(dir.root + "/objects-tiers/DEEP_ARCHIVE/\(Self.bucket)/\(Self.key)", tierFile)
            #expect(try await store.listObjects(ObjectListRequest(bucket: Self.bucket)).objects.map(\.storageClass) == ["DEEP_ARCHIVE"])
            #expect(try await store.removeOrphanedTierFiles(bucket: Self.bucket, graceSeconds: -1) == 1)
            #expect(try tierFiles(dir) == ["DEEP_ARCHIVE/\(Self.bucket)/\(Self.key)"])
            #expect(try await store.getObject(bucket: Self.bucket, key: Self.key).body == Self.body)
        }
    }

    /// The key-tree swap checks what it replaces: when another process changed the object in
    /// between, the swap is undone and the transition refused.
    @Test func theSwapRefusesWhenTheEntryChangedMeanwhile() async throws {
        try await withStore { dir, store in
            try await store.putObject(bucket: Self.bucket, key: Self.key, body: Self.body, contentType: nil, metadata: [:])
            let path = dir.root + "/objects/\(Self.bucket)/\(Self.key)"
            let replacement = dir.root + "/tmp/replacement"
            try FileSystem.makeSymbolicLink(replacement, to: "nowhere")
            let current = try #require(try FileSystem.linkStatus(path))
            #expect(throws: ObjectStoreError.preconditionFailed) {
                try store.swap(replacement, into: path, expectedInode: UInt64(current.st_ino) + 1)
            }
            #expect(FileManager.default.contents(atPath: path) == Self.body)
            #expect(try FileSystem.linkTarget(replacement) == "nowhere")
            try store.swap(replacement, into: path, expectedInode: UInt64(current.st_ino))
            #expect(try FileSystem.linkTarget(path) == "nowhere")
            #expect(!FileManager.default.fileExists(atPath: replacement))
        }
    }

    @Test func staleTemporaryEntriesGoByTheirChangeTime() async throws {
        try await withStore { dir, store in
            try await store.putObject(bucket: Self.bucket, key: Self.key, body: Self.body, contentType: nil, metadata: [:])
            // A hard link made a moment ago keeps its data's old mtime, but its ctime is now: not stale.
            let old = Date(timeIntervalSince1970: 1_000_000_000)
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: dir.root + "/objects/\(Self.bucket)/\(Self.key)")
            let inFlight = dir.root + "/tmp/" + FileObjectStore.tierTemporaryPrefix + "in-flight"
            try FileSystem.hardLink(dir.root + "/objects/\(Self.bucket)/\(Self.key)", inFlight)
            _ = try FileObjectStore(root: dir.root)
            #expect(FileManager.default.fileExists(atPath: inFlight))
            try store.removeStaleTemporaryFiles(olderThan: -1)
            #expect(!FileManager.default.fileExists(atPath: inFlight))
        }
    }
}
