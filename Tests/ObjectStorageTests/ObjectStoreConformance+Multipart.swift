import Crypto
import Foundation
import Testing

@testable import ObjectStorage

/// Multipart uploads, copies, batch deletes and attributes, alike on every store (moto included).
extension ObjectStoreConformance {
    static let partSize = Int(MultipartRules.minimumPartSize)

    /// `count` bytes that differ with `seed`.
    static func bytes(_ count: Int, seed: UInt8) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) ^ seed })
    }

    /// Whether `body` throws the `ObjectStoreError` that `matches` accepts.
    static func expectError(
        _ matches: (ObjectStoreError) -> Bool, _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("no error: \(comment)", sourceLocation: sourceLocation)
        } catch let error as ObjectStoreError {
            #expect(matches(error), "\(comment): \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(comment): \(error)", sourceLocation: sourceLocation)
        }
    }

    static func multipart(_ store: some ObjectStore, bucket: String) async throws {
        try await store.createBucket(bucket, region: "us-east-1")
        let key = "uploads/big object é+.bin"
        let upload = try await store.createMultipartUpload(
            bucket: bucket, key: key,
            properties: ObjectProperties(contentType: "application/x-gzip", metadata: ["signature": "ab01"], tags: ["team": "audit"]),
            storageClass: .standard)
        #expect(upload.key == key)
        #expect(!upload.uploadID.isEmpty)
        let first = bytes(partSize, seed: 1)
        let stale = bytes(1000, seed: 2)
        let second = bytes(2000, seed: 3)
        let third = bytes(10, seed: 4)
        let put1 = try await store.uploadPart(bucket: bucket, key: key, uploadID: upload.uploadID, partNumber: 1, body: first)
        #expect(put1.etag == md5(first) && put1.size == Int64(partSize))
        try await store.uploadPart(bucket: bucket, key: key, uploadID: upload.uploadID, partNumber: 2, body: stale)
        // A part uploaded again replaces the earlier one.
        try await store.uploadPart(bucket: bucket, key: key, uploadID: upload.uploadID, partNumber: 2, body: second)
        try await store.uploadPart(bucket: bucket, key: key, uploadID: upload.uploadID, partNumber: 3, body: third)

        let parts = try await store.listParts(bucket: bucket, key: key, uploadID: upload.uploadID, after: 0, maxParts: 1000)
        #expect(parts.parts.map(\.partNumber) == [1, 2, 3])
        #expect(parts.parts.map(\.etag) == [md5(first), md5(second), md5(third)])
        #expect(parts.parts.map(\.size) == [Int64(partSize), 2000, 10])
        #expect(!parts.isTruncated)
        let page = try await store.listParts(bucket: bucket, key: key, uploadID: upload.uploadID, after: 1, maxParts: 1)
        #expect(page.parts.map(\.partNumber) == [2])
        #expect(page.isTruncated)
        let listed = try await store.listMultipartUploads(MultipartUploadListRequest(bucket: bucket, prefix: "uploads/"))
        #expect(listed.uploads.map(\.uploadID) == [upload.uploadID])
        #expect(listed.uploads.map(\.key) == [key])
        // The object does not exist before the upload completes.
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: bucket, key: key)) {
            try await store.headObject(bucket: bucket, key: key)
        }

        // Part 3 is left out: it goes with the upload.
        let info = try await store.completeMultipartUpload(
            bucket: bucket, key: key, uploadID: upload.uploadID,
            parts: [CompletedPart(partNumber: 1, etag: "\"\(md5(first))\""), CompletedPart(partNumber: 2, etag: md5(second))])
        let etag = MultipartRules.etag(ofPartETags: [md5(first), md5(second)])
        #expect(info.etag == etag && etag.hasSuffix("-2"))
        let stored = try await store.getObject(bucket: bucket, key: key)
        #expect(stored.body == first + second)
        #expect(stored.info.etag == etag)
        #expect(stored.info.contentType == "application/x-gzip")
        #expect(stored.info.metadata == ["signature": "ab01"])
        #expect(try await store.objectTags(bucket: bucket, key: key) == ["team": "audit"])
        let attributes = try await store.objectAttributes(bucket: bucket, key: key)
        #expect(attributes.partCount == 2)
        #expect(attributes.partSizes.isEmpty || attributes.partSizes == [Int64(partSize), 2000])
        #expect(attributes.info.size == Int64(partSize + 2000))
        await expectError({ $0 == .noSuchUpload(upload.uploadID) }, "a completed upload is gone") {
            _ = try await store.listParts(bucket: bucket, key: key, uploadID: upload.uploadID, after: 0, maxParts: 10)
        }
        #expect(try await store.listMultipartUploads(MultipartUploadListRequest(bucket: bucket)).uploads.isEmpty)

        // UploadPartCopy: a range of the object just made, and a whole small object.
        try await store.putObject(bucket: bucket, key: "small", body: third, contentType: nil, metadata: [:])
        let copy = try await store.createMultipartUpload(
            bucket: bucket, key: "copied", properties: ObjectProperties(), storageClass: .standard)
        let copied1 = try await store.uploadPartCopy(
            bucket: bucket, key: "copied", uploadID: copy.uploadID, partNumber: 1,
            source: ObjectCopySource(bucket: bucket, key: key), range: 1...Int64(partSize))
        #expect(copied1.size == Int64(partSize))
        #expect(copied1.etag == md5((first + second).subdata(in: 1..<(partSize + 1))))
        let copied2 = try await store.uploadPartCopy(
            bucket: bucket, key: "copied", uploadID: copy.uploadID, partNumber: 2,
            source: ObjectCopySource(bucket: bucket, key: "small", ifMatch: md5(third)), range: nil)
        #expect(copied2.size == 10)
        #expect(try await store.objectAttributes(bucket: bucket, key: "small").partCount == nil)
        await expectError({ $0 == .preconditionFailed }, "the source's ETag differs") {
            try await store.uploadPartCopy(
                bucket: bucket, key: "copied", uploadID: copy.uploadID, partNumber: 3,
                source: ObjectCopySource(bucket: bucket, key: "small", ifMatch: md5(first)), range: nil)
        }
        await expectError({ $0 == .invalidRange }, "a range past the source's end") {
            try await store.uploadPartCopy(
                bucket: bucket, key: "copied", uploadID: copy.uploadID, partNumber: 3,
                source: ObjectCopySource(bucket: bucket, key: "small"), range: 5...10)
        }
        try await store.completeMultipartUpload(
            bucket: bucket, key: "copied", uploadID: copy.uploadID,
            parts: [CompletedPart(partNumber: 1, etag: copied1.etag), CompletedPart(partNumber: 2, etag: copied2.etag)])
        #expect(try await store.getObject(bucket: bucket, key: "copied").body == (first + second).subdata(in: 1..<(partSize + 1)) + third)

        for key in [key, "small", "copied"] { try await store.deleteObject(bucket: bucket, key: key) }
        try await store.deleteBucket(bucket)
    }

    static func multipartErrors(_ store: some ObjectStore, bucket: String) async throws {
        try await store.createBucket(bucket, region: "us-east-1")
        let small = bytes(100, seed: 5)
        let upload = try await store.createMultipartUpload(
            bucket: bucket, key: "k", properties: ObjectProperties(), storageClass: .standard)
        try await store.uploadPart(bucket: bucket, key: "k", uploadID: upload.uploadID, partNumber: 1, body: small)
        try await store.uploadPart(bucket: bucket, key: "k", uploadID: upload.uploadID, partNumber: 2, body: small)

        await expectError({ if case .invalidPart = $0 { true } else { false } }, "a wrong ETag") {
            try await store.completeMultipartUpload(
                bucket: bucket, key: "k", uploadID: upload.uploadID, parts: [CompletedPart(partNumber: 1, etag: md5(Data()))])
        }
        await expectError({ if case .invalidPart = $0 { true } else { false } }, "a part never uploaded") {
            try await store.completeMultipartUpload(
                bucket: bucket, key: "k", uploadID: upload.uploadID, parts: [CompletedPart(partNumber: 7, etag: md5(small))])
        }
        await expectError({ $0 == .invalidPartOrder }, "parts out of order") {
            try await store.completeMultipartUpload(
                bucket: bucket, key: "k", uploadID: upload.uploadID,
                parts: [CompletedPart(partNumber: 2, etag: md5(small)), CompletedPart(partNumber: 1, etag: md5(small))])
        }
        await expectError({ if case .entityTooSmall = $0 { true } else { false } }, "a first part under 5 MiB") {
            try await store.completeMultipartUpload(
                bucket: bucket, key: "k", uploadID: upload.uploadID,
                parts: [CompletedPart(partNumber: 1, etag: md5(small)), CompletedPart(partNumber: 2, etag: md5(small))])
        }
        // A failed completion leaves the upload as it was: one small part is a complete object.
        let one = try await store.completeMultipartUpload(
            bucket: bucket, key: "k", uploadID: upload.uploadID, parts: [CompletedPart(partNumber: 1, etag: md5(small))])
        #expect(one.etag == MultipartRules.etag(ofPartETags: [md5(small)]))
        #expect(try await store.getObject(bucket: bucket, key: "k").body == small)

        let aborted = try await store.createMultipartUpload(
            bucket: bucket, key: "gone", properties: ObjectProperties(), storageClass: .standard)
        try await store.uploadPart(bucket: bucket, key: "gone", uploadID: aborted.uploadID, partNumber: 1, body: small)
        try await store.abortMultipartUpload(bucket: bucket, key: "gone", uploadID: aborted.uploadID)
        await expectError({ $0 == .noSuchUpload(aborted.uploadID) }, "the parts of an aborted upload") {
            _ = try await store.listParts(bucket: bucket, key: "gone", uploadID: aborted.uploadID, after: 0, maxParts: 10)
        }
        await expectError({ $0 == .noSuchUpload(aborted.uploadID) }, "aborting twice") {
            try await store.abortMultipartUpload(bucket: bucket, key: "gone", uploadID: aborted.uploadID)
        }
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: bucket, key: "gone")) {
            try await store.headObject(bucket: bucket, key: "gone")
        }
        await expectError({ $0 == .noSuchBucket(bucket + "-none") }, "an upload in a missing bucket") {
            _ = try await store.createMultipartUpload(
                bucket: bucket + "-none", key: "k", properties: ObjectProperties(), storageClass: .standard)
        }
        try await store.deleteObject(bucket: bucket, key: "k")
        try await store.deleteBucket(bucket)
    }

    static func copies(_ store: some ObjectStore, bucket: String) async throws {
        try await store.createBucket(bucket, region: "us-east-1")
        let body = bytes(3000, seed: 6)
        try await store.putObject(
            bucket: bucket, key: "src/a b", body: body, contentType: "application/json", metadata: ["signature": "ff"],
            tags: ["k": "v"])
        let same = try await store.copyObject(
            ObjectCopyRequest(source: ObjectCopySource(bucket: bucket, key: "src/a b"), bucket: bucket, key: "dst/copy"))
        #expect(same.etag == md5(body))
        let copied = try await store.getObject(bucket: bucket, key: "dst/copy")
        #expect(copied.body == body)
        #expect(copied.info.contentType == "application/json")
        #expect(copied.info.metadata == ["signature": "ff"])
        #expect(copied.info.storageClass == "STANDARD")
        #expect(try await store.objectTags(bucket: bucket, key: "dst/copy") == ["k": "v"])

        try await store.copyObject(
            ObjectCopyRequest(
                source: ObjectCopySource(bucket: bucket, key: "src/a b", ifMatch: "\"\(md5(body))\""), bucket: bucket,
                key: "dst/replaced", replacement: ObjectProperties(contentType: "text/plain", metadata: ["v": "2"]),
                tags: ["new": "1"], storageClass: .standardIA))
        let replaced = try await store.headObject(bucket: bucket, key: "dst/replaced")
        #expect(replaced.contentType == "text/plain")
        #expect(replaced.metadata == ["v": "2"])
        #expect(replaced.storageClass == "STANDARD_IA")
        #expect(try await store.objectTags(bucket: bucket, key: "dst/replaced") == ["new": "1"])
        #expect(replaced.size == 3000)

        // Onto itself, with new metadata.
        try await store.copyObject(
            ObjectCopyRequest(
                source: ObjectCopySource(bucket: bucket, key: "src/a b"), bucket: bucket, key: "src/a b",
                replacement: ObjectProperties(metadata: ["v": "3"])))
        #expect(try await store.headObject(bucket: bucket, key: "src/a b").metadata == ["v": "3"])
        #expect(try await store.getObject(bucket: bucket, key: "src/a b").body == body)

        await expectError({ $0 == .preconditionFailed }, "the source's ETag differs") {
            try await store.copyObject(
                ObjectCopyRequest(source: ObjectCopySource(bucket: bucket, key: "src/a b", ifMatch: md5(Data())), bucket: bucket, key: "x"))
        }
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: bucket, key: "missing")) {
            try await store.copyObject(
                ObjectCopyRequest(source: ObjectCopySource(bucket: bucket, key: "missing"), bucket: bucket, key: "x"))
        }

        // DeleteObjects: missing keys count as deleted.
        let failures = try await store.deleteObjects(bucket: bucket, keys: ["src/a b", "dst/copy", "dst/replaced", "never"])
        #expect(failures.isEmpty)
        #expect(try await store.listObjects(ObjectListRequest(bucket: bucket)).objects.isEmpty)
        await #expect(throws: ObjectStoreError.noSuchBucket(bucket + "-none")) {
            try await store.deleteObjects(bucket: bucket + "-none", keys: ["k"])
        }
        try await store.deleteBucket(bucket)
    }

    /// What the stores that keep uploads themselves check beyond moto: parts and completions of an
    /// upload that is gone, or of another key, or of an ID that was never one.
    static func uploadIdentity(_ store: some ObjectStore, bucket: String) async throws {
        try await store.createBucket(bucket, region: "us-east-1")
        let small = bytes(100, seed: 7)
        let upload = try await store.createMultipartUpload(
            bucket: bucket, key: "k", properties: ObjectProperties(), storageClass: .standard)
        try await store.uploadPart(bucket: bucket, key: "k", uploadID: upload.uploadID, partNumber: 1, body: small)
        for (key, id) in [("other", upload.uploadID), ("k", "../../objects"), ("k", ""), ("k", "0123456789abcdef0123456789abcdef")] {
            await expectError({ $0 == .noSuchUpload(id) }, "a part for \(key) of \(id)") {
                try await store.uploadPart(bucket: bucket, key: key, uploadID: id, partNumber: 2, body: small)
            }
            await expectError({ $0 == .noSuchUpload(id) }, "completing \(key) of \(id)") {
                try await store.completeMultipartUpload(
                    bucket: bucket, key: key, uploadID: id, parts: [CompletedPart(partNumber: 1, etag: md5(small))])
            }
        }
        for number in [0, 10_001] {
            await expectError({ $0 == .invalidPart(partNumber: number) }, "part number \(number)") {
                try await store.uploadPart(bucket: bucket, key: "k", uploadID: upload.uploadID, partNumber: number, body: small)
            }
        }
        try await store.abortMultipartUpload(bucket: bucket, key: "k", uploadID: upload.uploadID)
        await expectError({ $0 == .noSuchUpload(upload.uploadID) }, "a part of an aborted upload") {
            try await store.uploadPart(bucket: bucket, key: "k", uploadID: upload.uploadID, partNumber: 2, body: small)
        }
        // Deleting a bucket ends its uploads.
        let orphan = try await store.createMultipartUpload(
            bucket: bucket, key: "k", properties: ObjectProperties(), storageClass: .glacierInstantRetrieval)
        #expect(orphan.storageClass == "GLACIER_IR")
        try await store.deleteBucket(bucket)
        try await store.createBucket(bucket, region: "us-east-1")
        await expectError({ $0 == .noSuchUpload(orphan.uploadID) }, "an upload of a deleted bucket") {
            _ = try await store.listParts(bucket: bucket, key: "k", uploadID: orphan.uploadID, after: 0, maxParts: 10)
        }
        try await store.deleteBucket(bucket)
    }
}
