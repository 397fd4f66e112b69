import Foundation
import Testing

@testable import ObjectStorage

/// Where ``FileObjectStore`` keeps tags: in the object's sidecar and in the bucket's file.
@Suite struct FileObjectStoreTaggingTests {
    @Test func objectTagsLiveInTheSidecarAndSurviveAReopen() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        try await store.putObject(
            bucket: "trail-bucket", key: "a/b.json", body: Data("{}".utf8), contentType: nil, metadata: ["m": "1"],
            tags: ["team": "audit", "odd=key": "50% tab\there"])
        let sidecar = try String(contentsOfFile: dir.root + "/object-metadata/trail-bucket/a/b.json", encoding: .utf8)
        #expect(sidecar.contains("\ttag.odd%3Dkey=50%25 tab%09here\ttag.team=audit\n"))
        #expect(sidecar.contains("meta.m=1"))

        let reopened = try FileObjectStore(root: dir.root)
        #expect(try await reopened.objectTags(bucket: "trail-bucket", key: "a/b.json") == ["team": "audit", "odd=key": "50% tab\there"])
        try await reopened.setObjectTags(bucket: "trail-bucket", key: "a/b.json", tags: ["team": "security"])
        let rewritten = try String(contentsOfFile: dir.root + "/object-metadata/trail-bucket/a/b.json", encoding: .utf8)
        #expect(rewritten.contains("tag.team=security"))
        #expect(!rewritten.contains("odd"))
        #expect(rewritten.contains("meta.m=1"))
    }

    @Test func taggingAFileChangedOnDiskDescribesTheNewFile() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        try await store.putObject(
            bucket: "trail-bucket", key: "k", body: Data("old".utf8), contentType: "text/plain", metadata: ["v": "1"])
        let replaced = Data("replaced by hand".utf8)
        try replaced.write(to: URL(fileURLWithPath: dir.root + "/objects/trail-bucket/k"), options: .atomic)
        try await store.setObjectTags(bucket: "trail-bucket", key: "k", tags: ["checked": "no"])
        let head = try await store.headObject(bucket: "trail-bucket", key: "k")
        #expect(head.etag == md5(replaced))
        #expect(head.tagCount == 1)
        #expect(head.contentType == "text/plain")
        #expect(head.metadata == ["v": "1"])
        #expect(try await store.objectTags(bucket: "trail-bucket", key: "k") == ["checked": "no"])
        // A file dropped in by hand (no sidecar at all) can be tagged too.
        try Data("dropped".utf8).write(to: URL(fileURLWithPath: dir.root + "/objects/trail-bucket/dropped"))
        try await store.setObjectTags(bucket: "trail-bucket", key: "dropped", tags: ["a": "1"])
        #expect(try await store.headObject(bucket: "trail-bucket", key: "dropped").etag == md5(Data("dropped".utf8)))
        #expect(try await store.objectTags(bucket: "trail-bucket", key: "dropped") == ["a": "1"])
    }

    @Test func bucketTagsKeepTheBucketFilesOtherFields() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        let file = dir.root + "/buckets/trail-bucket.json"
        // A field another part of the store may keep there.
        var document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
        document["versioning"] = "Enabled"
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: file))
        let created = try #require(try await store.bucket("trail-bucket")).creationDate

        try await store.setBucketTags("trail-bucket", tags: ["cost": "42"])
        let tagged = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
        #expect(tagged["tags"] as? [String: String] == ["cost": "42"])
        #expect(tagged["versioning"] as? String == "Enabled")
        #expect(try await FileObjectStore(root: dir.root).bucketTags("trail-bucket") == ["cost": "42"])
        let info = try #require(try await store.bucket("trail-bucket"))
        #expect(abs(info.creationDate.timeIntervalSince(created)) < 0.001)
        #expect(info.region == "us-east-1")

        try await store.setBucketTags("trail-bucket", tags: [:])
        let untagged = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
        #expect(untagged["tags"] == nil)
        #expect(untagged["versioning"] as? String == "Enabled")
        #expect(try await store.bucketEncryption("trail-bucket") == nil)
        await #expect(throws: ObjectStoreError.noSuchBucket("nope")) { try await store.bucketEncryption("nope") }
    }

    @Test func sidecarsWithTagsRoundTrip() {
        let entry = ObjectSidecar.Entry(
            stamp: FileStamp(inode: 1, size: 2, seconds: 3, nanoseconds: 4), etag: "e", contentType: nil,
            metadata: ["m": "v"], tags: ["k=1": "v%\n", "é": ""])
        let sidecar = ObjectSidecar(entries: [entry])
        #expect(ObjectSidecar(parsing: sidecar.serialized()) == sidecar)
    }
}
