import Foundation
import Testing

@testable import ObjectStorage

/// Where the file store keeps uploads, and what survives a restart.
@Suite struct FileObjectStoreMultipartTests {
    static let partSize = Int(MultipartRules.minimumPartSize)

    @Test func partsStayOutOfTheObjectTreeAndSurviveARestart() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        let upload = try await store.createMultipartUpload(
            bucket: "trail-bucket", key: "logs/big.gz", properties: ObjectProperties(metadata: ["a": "1"]),
            storageClass: .standardIA)
        let first = ObjectStoreConformance.bytes(Self.partSize, seed: 1)
        let second = ObjectStoreConformance.bytes(77, seed: 2)
        try await store.uploadPart(bucket: "trail-bucket", key: "logs/big.gz", uploadID: upload.uploadID, partNumber: 1, body: first)
        #expect(try dir.files(under: "objects").isEmpty)
        #expect(
            try dir.files(under: "tmp/uploads").sorted()
                == ["\(upload.uploadID)/part-00001-\(md5(first))", "\(upload.uploadID)/upload"])

        // A new process: the upload goes on.
        let reopened = try FileObjectStore(root: dir.root)
        try await reopened.uploadPart(
            bucket: "trail-bucket", key: "logs/big.gz", uploadID: upload.uploadID, partNumber: 2, body: second)
        let listed = try await reopened.listMultipartUploads(MultipartUploadListRequest(bucket: "trail-bucket"))
        #expect(listed.uploads == [upload])
        let info = try await reopened.completeMultipartUpload(
            bucket: "trail-bucket", key: "logs/big.gz", uploadID: upload.uploadID,
            parts: [CompletedPart(partNumber: 1, etag: md5(first)), CompletedPart(partNumber: 2, etag: md5(second))])
        #expect(info.storageClass == "STANDARD_IA")
        #expect(info.metadata == ["a": "1"])
        // STANDARD_IA: the bytes are in the tier folder, the key tree links there.
        #expect(try dir.files(under: "objects-tiers").filter { $0 != ".lock" } == ["STANDARD_IA/trail-bucket/logs/big.gz"])
        #expect(try dir.files(under: "tmp").isEmpty)
        #expect(FileManager.default.contents(atPath: dir.root + "/objects/trail-bucket/logs/big.gz") == first + second)

        // The sidecar keeps the parts for the next process too.
        let again = try FileObjectStore(root: dir.root)
        let attributes = try await again.objectAttributes(bucket: "trail-bucket", key: "logs/big.gz")
        #expect(attributes.partCount == 2)
        #expect(attributes.partSizes == [Int64(Self.partSize), 77])
        #expect(attributes.info.storageClass == "STANDARD_IA")
        #expect(attributes.info.etag == MultipartRules.etag(ofPartETags: [md5(first), md5(second)]))
        let listing = try await again.listObjects(ObjectListRequest(bucket: "trail-bucket"))
        #expect(listing.objects.map(\.storageClass) == ["STANDARD_IA"])

        // Rewritten on disk: the parts no longer describe it.
        try Data("changed".utf8).write(to: URL(fileURLWithPath: dir.root + "/objects/trail-bucket/logs/big.gz"))
        let changed = try await again.objectAttributes(bucket: "trail-bucket", key: "logs/big.gz")
        #expect(changed.partCount == nil)
        #expect(changed.info.etag == md5(Data("changed".utf8)))
    }

    @Test func uploadsUnchangedForTheirLifetimeAreRemovedOnOpen() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        let old = try await store.createMultipartUpload(
            bucket: "trail-bucket", key: "old", properties: ObjectProperties(), storageClass: .standard)
        let fresh = try await store.createMultipartUpload(
            bucket: "trail-bucket", key: "fresh", properties: ObjectProperties(), storageClass: .standard)
        let eightDaysAgo = Date().addingTimeInterval(-8 * 86_400)
        try FileManager.default.setAttributes(
            [.modificationDate: eightDaysAgo], ofItemAtPath: dir.root + "/tmp/uploads/" + old.uploadID)
        // What a crash mid-abort leaves, and a directory that never got its manifest.
        try FileManager.default.createDirectory(atPath: dir.root + "/tmp/uploads/.x.y", withIntermediateDirectories: true)
        let unfinished = dir.root + "/tmp/uploads/" + FileObjectStore.newUploadID()
        try FileManager.default.createDirectory(atPath: unfinished, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.modificationDate: eightDaysAgo], ofItemAtPath: unfinished)

        let reopened = try FileObjectStore(root: dir.root)
        #expect(reopened.uploadLifetime == 7 * 86_400)
        let ids = try await reopened.listMultipartUploads(MultipartUploadListRequest(bucket: "trail-bucket")).uploads.map(\.uploadID)
        #expect(ids == [fresh.uploadID])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.root + "/tmp/uploads") == [fresh.uploadID])
        await #expect(throws: ObjectStoreError.noSuchUpload(old.uploadID)) {
            try await reopened.uploadPart(
                bucket: "trail-bucket", key: "old", uploadID: old.uploadID, partNumber: 1, body: Data("x".utf8))
        }
        // A shorter lifetime removes the fresh one too.
        _ = try FileObjectStore(root: dir.root, uploadLifetime: -1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.root + "/tmp/uploads").isEmpty)
    }

    @Test func aPartUploadedAgainReplacesTheFile() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        let upload = try await store.createMultipartUpload(
            bucket: "trail-bucket", key: "k", properties: ObjectProperties(), storageClass: .standard)
        for body in ["one", "two", "three"] {
            try await store.uploadPart(bucket: "trail-bucket", key: "k", uploadID: upload.uploadID, partNumber: 9, body: Data(body.utf8))
        }
        #expect(
            try dir.files(under: "tmp/uploads/" + upload.uploadID)
                == ["part-00009-\(md5(Data("three".utf8)))", "upload"])
        // Parts of a key that cannot be stored here fail at creation, not at completion.
        await #expect(throws: ObjectStoreError.invalidKey("a//b")) {
            try await store.createMultipartUpload(
                bucket: "trail-bucket", key: "a//b", properties: ObjectProperties(), storageClass: .standard)
        }
    }

    @Test func completionOverADirectoryIsRefusedAndKeepsTheUpload() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        try await store.putObject(bucket: "trail-bucket", key: "a/b", body: Data("x".utf8), contentType: nil, metadata: [:])
        let upload = try await store.createMultipartUpload(
            bucket: "trail-bucket", key: "a", properties: ObjectProperties(), storageClass: .standard)
        let part = try await store.uploadPart(
            bucket: "trail-bucket", key: "a", uploadID: upload.uploadID, partNumber: 1, body: Data("y".utf8))
        await #expect(throws: ObjectStoreError.invalidKey("a")) {
            try await store.completeMultipartUpload(
                bucket: "trail-bucket", key: "a", uploadID: upload.uploadID,
                parts: [CompletedPart(partNumber: 1, etag: part.etag)])
        }
        #expect(try await store.listParts(bucket: "trail-bucket", key: "a", uploadID: upload.uploadID, after: 0, maxParts: 5).parts == [part])
        // The assembled file did not stay behind in tmp/.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.root + "/tmp") == ["uploads"])
    }

    @Test func copiesStreamIntoANewFileAndKeepTheSourceIntact() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        let store = try await dir.withBucket()
        let body = ObjectStoreConformance.bytes(3 << 20, seed: 9)
        try await store.putObject(bucket: "trail-bucket", key: "src", body: body, contentType: "a/b", metadata: ["m": "1"])
        let copy = try await store.copyObject(
            ObjectCopyRequest(source: ObjectCopySource(bucket: "trail-bucket", key: "src"), bucket: "trail-bucket", key: "dir/dst"))
        #expect(copy.etag == md5(body))
        let source = try FileManager.default.attributesOfItem(atPath: dir.root + "/objects/trail-bucket/src")
        let target = try FileManager.default.attributesOfItem(atPath: dir.root + "/objects/trail-bucket/dir/dst")
        #expect(source[.systemFileNumber] as? Int != target[.systemFileNumber] as? Int)
        #expect(FileManager.default.contents(atPath: dir.root + "/objects/trail-bucket/dir/dst") == body)
        #expect(try await store.headObject(bucket: "trail-bucket", key: "dir/dst").metadata == ["m": "1"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.root + "/tmp") == ["uploads"])
    }
}

/// S3's paging of ListMultipartUploads, on made-up uploads.
@Suite struct MultipartUploadListingTests {
    static func upload(_ key: String, _ id: String, _ second: Double) -> MultipartUpload {
        MultipartUpload(uploadID: id, key: key, initiated: Date(timeIntervalSince1970: second))
    }

    static let uploads = [
        upload("b", "u2", 2), upload("a/x", "u4", 4), upload("b", "u1", 1), upload("a/y", "u5", 5), upload("c", "u6", 6),
        upload("b", "u3", 3), upload("é", "u7", 7),
    ]

    @Test func sortedByKeyThenInitiation() {
        let page = MultipartUploadListing.page(of: Self.uploads, request: MultipartUploadListRequest(bucket: "b"))
        #expect(page.uploads.map(\.uploadID) == ["u4", "u5", "u1", "u2", "u3", "u6", "u7"])
        #expect(!page.isTruncated && page.nextKeyMarker == nil)
    }

    @Test func pagesContinueAfterKeyAndUploadMarkers() {
        var seen: [String] = []
        var request = MultipartUploadListRequest(bucket: "b", maxUploads: 2)
        while true {
            let page = MultipartUploadListing.page(of: Self.uploads, request: request)
            seen += page.uploads.map(\.uploadID)
            guard page.isTruncated else { break }
            request.keyMarker = page.nextKeyMarker
            request.uploadIDMarker = page.nextUploadIDMarker
        }
        #expect(seen == ["u4", "u5", "u1", "u2", "u3", "u6", "u7"])
        // A key marker alone skips every upload of that key.
        let afterB = MultipartUploadListing.page(of: Self.uploads, request: MultipartUploadListRequest(bucket: "b", keyMarker: "b"))
        #expect(afterB.uploads.map(\.uploadID) == ["u6", "u7"])
    }

    @Test func delimiterGroupsCommonPrefixes() {
        let page = MultipartUploadListing.page(
            of: Self.uploads, request: MultipartUploadListRequest(bucket: "b", delimiter: "/", maxUploads: 2))
        #expect(page.commonPrefixes == ["a/"])
        #expect(page.uploads.map(\.uploadID) == ["u1"])
        #expect(page.isTruncated && page.nextKeyMarker == "b" && page.nextUploadIDMarker == "u1")
        let prefixed = MultipartUploadListing.page(
            of: Self.uploads, request: MultipartUploadListRequest(bucket: "b", prefix: "a/", delimiter: "/"))
        #expect(prefixed.uploads.map(\.key) == ["a/x", "a/y"])
        let afterPrefix = MultipartUploadListing.page(
            of: Self.uploads, request: MultipartUploadListRequest(bucket: "b", delimiter: "/", keyMarker: "a/"))
        #expect(afterPrefix.commonPrefixes.isEmpty)
        #expect(afterPrefix.uploads.first?.uploadID == "u1")
    }

    @Test func multipartETagIsS3s() {
        // Python: md5(md5(b"a" * 5 MiB).digest() + md5(b"hello").digest()).hexdigest() + "-2"
        let etag = MultipartRules.etag(ofPartETags: ["79b281060d337b9b2b84ccf390adcf74", "5d41402abc4b2a76b9719d911017c592"])
        #expect(etag == "7cbb08aa3c3309d6882c18fcecc4bee7-2")
    }
}
