import Foundation
import Testing

@testable import ObjectStorage

/// The embedded store's versions on disk: where they live, and what an interrupted put or delete leaves.
@Suite struct FileObjectStoreVersionTests {
    func versioned(_ dir: StoreDirectory) async throws -> FileObjectStore {
        let store = try await dir.withBucket()
        try await store.setVersioning(.enabled, ofBucket: "trail-bucket")
        return store
    }

    func put(_ store: FileObjectStore, _ key: String, _ text: String) async throws -> String {
        try #require(
            try await store.putObject(bucket: "trail-bucket", key: key, body: Data(text.utf8), contentType: nil, metadata: [:])
                .versionId)
    }

    func text(_ store: FileObjectStore, _ key: String, version: String? = nil) async throws -> String {
        String(decoding: try await store.getObject(bucket: "trail-bucket", key: key, versionId: version, range: nil).body, as: UTF8.self)
    }

    func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func currentVersionsStayAtTheKeyOlderOnesGoUnderVersions() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await versioned(dir)
        let v1 = try await put(store, "AWSLogs/a.json", "one")
        let v2 = try await put(store, "AWSLogs/a.json", "two")
        #expect(contents(dir.root + "/objects/trail-bucket/AWSLogs/a.json") == "two")
        #expect(contents(dir.root + "/versions/trail-bucket/\(v1.suffix(2))/\(v1)") == "one")
        #expect(try dir.files(under: "objects") == ["trail-bucket/AWSLogs/a.json"])
        let sidecar = try #require(contents(dir.root + "/object-metadata/trail-bucket/AWSLogs/a.json"))
        #expect(sidecar.contains("id=\(v2)\t") && sidecar.contains("id=\(v1)\t"))
        #expect(sidecar.range(of: v2)!.lowerBound < sidecar.range(of: v1)!.lowerBound)

        // A delete marker: the key's file goes, both versions stay under versions/.
        try await store.deleteObject(bucket: "trail-bucket", key: "AWSLogs/a.json")
        #expect(try dir.files(under: "objects").isEmpty)
        #expect(contents(dir.root + "/versions/trail-bucket/\(v2.suffix(2))/\(v2)") == "two")
        // A restarted store reads the same history.
        let reopened = try FileObjectStore(root: dir.root)
        let versions = try await reopened.listObjectVersions(ObjectVersionListRequest(bucket: "trail-bucket")).versions
        #expect(versions.map(\.isDeleteMarker) == [true, false, false])
        #expect(versions.dropFirst().map(\.versionId) == [v2, v1])
        #expect(try await text(reopened, "AWSLogs/a.json", version: v1) == "one")

        // Permanently deleting the marker puts the latest version's file back at its key.
        try await reopened.deleteObject(
            bucket: "trail-bucket", key: "AWSLogs/a.json", versionId: versions[0].versionId, bypassGovernanceRetention: false)
        #expect(contents(dir.root + "/objects/trail-bucket/AWSLogs/a.json") == "two")
        // Deleting every version leaves no trace of the key.
        for version in [v2, v1] {
            try await reopened.deleteObject(bucket: "trail-bucket", key: "AWSLogs/a.json", versionId: version, bypassGovernanceRetention: false)
        }
        #expect(try dir.files(under: "objects").isEmpty)
        #expect(try dir.files(under: "object-metadata").isEmpty)
        #expect(try dir.files(under: "versions").isEmpty)
        try await reopened.deleteBucket("trail-bucket")
    }

    @Test func aPutInterruptedBeforeItsRenameKeepsThePreviousVersion() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await versioned(dir)
        let v1 = try await put(store, "k", "one")
        // What a put does up to its rename: the new bytes in tmp/, the sidecar naming the new
        // version first. Then "crash".
        let (temporary, stamp) = try store.writeTemporary(Data("lost".utf8))
        let current = try store.versions(of: "trail-bucket", "k")
        let kept = try store.keep(current, replacing: [], versioning: .enabled, bucket: "trail-bucket", key: "k")
        let phantom = ObjectSidecar.Entry(
            stamp: stamp, etag: md5(Data("lost".utf8)), contentType: nil, metadata: [:], id: VersionID.make(at: Date()),
            isNullVersion: false)
        try store.writeSidecar(ObjectSidecar(entries: [phantom] + kept), bucket: "trail-bucket", key: "k")
        try FileManager.default.removeItem(atPath: temporary)

        #expect(try await text(store, "k") == "one")
        #expect(try await store.headObject(bucket: "trail-bucket", key: "k").versionId == v1)
        let listed = try await store.listObjectVersions(ObjectVersionListRequest(bucket: "trail-bucket")).versions
        #expect(listed.map(\.versionId) == [v1])
        // The next put goes on from there.
        let v2 = try await put(store, "k", "two")
        #expect(try await store.listObjectVersions(ObjectVersionListRequest(bucket: "trail-bucket")).versions.map(\.versionId) == [v2, v1])
        #expect(try await text(store, "k", version: v1) == "one")
    }

    @Test func aDeleteInterruptedBeforeTheUnlinkHidesTheObject() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await versioned(dir)
        let v1 = try await put(store, "dir/k", "one")
        // A delete up to its unlink: the old version linked under versions/, the sidecar with a marker.
        let current = try store.versions(of: "trail-bucket", "dir/k")
        let kept = try store.keep(current, replacing: [], versioning: .enabled, bucket: "trail-bucket", key: "dir/k")
        let marker = ObjectSidecar.Entry(
            stamp: nil, etag: "", contentType: nil, metadata: [:], id: VersionID.make(at: Date()), isNullVersion: false,
            markerTime: Date())
        try store.writeSidecar(ObjectSidecar(entries: [marker] + kept), bucket: "trail-bucket", key: "dir/k")
        #expect(contents(dir.root + "/objects/trail-bucket/dir/k") == "one")

        await #expect(throws: ObjectStoreError.noSuchKey(bucket: "trail-bucket", key: "dir/k")) {
            try await store.getObject(bucket: "trail-bucket", key: "dir/k")
        }
        #expect(try await store.listObjects(ObjectListRequest(bucket: "trail-bucket")).objects.isEmpty)
        let versions = try await store.listObjectVersions(ObjectVersionListRequest(bucket: "trail-bucket")).versions
        #expect(versions.map(\.isDeleteMarker) == [true, false])
        #expect(versions[1].versionId == v1)
        // A put over the left-behind file keeps the old version.
        let v2 = try await put(store, "dir/k", "two")
        #expect(try await text(store, "dir/k") == "two")
        #expect(try await text(store, "dir/k", version: v1) == "one")
        #expect(try await store.listObjectVersions(ObjectVersionListRequest(bucket: "trail-bucket")).versions.count == 3)
        _ = v2
    }

    @Test func objectsFromBeforeVersioningBecomeTheNullVersion() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        try await store.putObject(bucket: "trail-bucket", key: "old", body: Data("legacy".utf8), contentType: "text/plain", metadata: ["a": "b"])
        try FileManager.default.createDirectory(atPath: dir.root + "/objects/trail-bucket/hand", withIntermediateDirectories: true)
        try Data("by hand".utf8).write(to: URL(fileURLWithPath: dir.root + "/objects/trail-bucket/hand/made"))
        try await store.setVersioning(.enabled, ofBucket: "trail-bucket")
        #expect(try await store.headObject(bucket: "trail-bucket", key: "old").versionId == "null")
        let v2 = try await put(store, "old", "new")
        let v3 = try await put(store, "hand/made", "replaced")
        let versions = try await store.listObjectVersions(ObjectVersionListRequest(bucket: "trail-bucket")).versions
        #expect(versions.map(\.info.key) == ["hand/made", "hand/made", "old", "old"])
        #expect(versions.map(\.versionId) == [v3, "null", v2, "null"])
        #expect(try await text(store, "old", version: "null") == "legacy")
        #expect(try await store.headObject(bucket: "trail-bucket", key: "old", versionId: "null").metadata == ["a": "b"])
        let hand = try await store.getObject(bucket: "trail-bucket", key: "hand/made", versionId: "null", range: nil)
        #expect(hand.body == Data("by hand".utf8))
        #expect(hand.info.etag == md5(Data("by hand".utf8)))
    }

    @Test func aKeyBelowADeletedKeyWaitsForItsVersionsToGo() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await versioned(dir)
        let v1 = try await put(store, "k", "one")
        let marker = try await store.deleteObject(bucket: "trail-bucket", key: "k")
        // The sidecar of `k` (its versions) is where `k/x`'s would need a directory.
        await #expect(throws: ObjectStoreError.invalidKey("k/x")) {
            try await store.putObject(bucket: "trail-bucket", key: "k/x", body: Data(), contentType: nil, metadata: [:])
        }
        for version in [marker.versionId!, v1] {
            try await store.deleteObject(bucket: "trail-bucket", key: "k", versionId: version, bypassGovernanceRetention: false)
        }
        try await store.putObject(bucket: "trail-bucket", key: "k/x", body: Data("x".utf8), contentType: nil, metadata: [:])
        #expect(try await text(store, "k/x") == "x")
    }

    @Test func versionIDsAreSortableAndRefusedWhenMalformed() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await versioned(dir)
        var ids: [String] = []
        for i in 0..<20 { ids.append(try await put(store, "k", "\(i)")) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == 20)
        #expect(ids.allSatisfy(VersionID.isWellFormed))
        await #expect(throws: ObjectStoreError.invalidVersionId("nope")) {
            try await store.getObject(bucket: "trail-bucket", key: "k", versionId: "nope", range: nil)
        }
        let unknown = String(repeating: "0", count: 32)
        await #expect(throws: ObjectStoreError.noSuchVersion(bucket: "trail-bucket", key: "k", versionId: unknown)) {
            try await store.headObject(bucket: "trail-bucket", key: "k", versionId: unknown)
        }
        // Deleting a version that is not there succeeds, as in S3.
        let deletion = try await store.deleteObject(bucket: "trail-bucket", key: "k", versionId: unknown, bypassGovernanceRetention: false)
        #expect(deletion == ObjectDeletion(versionId: unknown, isDeleteMarker: false))
    }

    @Test func sidecarLinesRoundTripVersionsAndLocks() throws {
        let until = Date(timeIntervalSince1970: 1_900_000_000.25)
        let sidecar = ObjectSidecar(entries: [
            ObjectSidecar.Entry(
                stamp: nil, etag: "", contentType: nil, metadata: [:], id: "00063a1b2c3d4e5f0123456789abcdef", isNullVersion: true,
                markerTime: Date(timeIntervalSince1970: 1_800_000_000.5)),
            ObjectSidecar.Entry(
                stamp: FileStamp(inode: 7, size: 3, seconds: 1_700_000_000, nanoseconds: 9), etag: "abc", contentType: "t/p",
                metadata: ["k": "v"], id: "00063a1b2c3d4e5f0123456789abcdee", isNullVersion: false,
                retention: ObjectRetention(mode: .governance, retainUntil: until), legalHold: true),
            ObjectSidecar.Entry(stamp: FileStamp(inode: 8, size: 1, seconds: 1, nanoseconds: 0), etag: "d", contentType: nil, metadata: [:]),
        ])
        let parsed = try #require(ObjectSidecar(parsing: sidecar.serialized()))
        #expect(parsed.entries.count == 3)
        #expect(parsed.entries[0].isDeleteMarker && parsed.entries[0].isNullVersion)
        #expect(abs(parsed.entries[0].lastModified.timeIntervalSince1970 - 1_800_000_000.5) < 1e-6)
        #expect(parsed.entries[1].retention?.mode == .governance)
        #expect(abs(parsed.entries[1].retention!.retainUntil.timeIntervalSince1970 - until.timeIntervalSince1970) < 1e-6)
        #expect(parsed.entries[1].legalHold == true)
        #expect(parsed.entries[1].externalID == "00063a1b2c3d4e5f0123456789abcdee")
        #expect(parsed.entries[2] == sidecar.entries[2])
        #expect(parsed.entries[2].externalID == "null")
    }
}
