import AWSWire
import Crypto
import Foundation
import Testing

/// What ``S3Client`` gained beyond get/put/list, against moto: options, multipart, copy, batch
/// delete, chunked reads.
@Suite(
    .enabled(
        if: Moto.endpoint != nil || Moto.isRequired,
        "MOTO_ENDPOINT is not set (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    )
)
struct S3ClientMotoTests {
    static func bytes(_ count: Int, seed: UInt8 = 7) -> Data {
        var data = Data(count: count)
        data.withUnsafeMutableBytes { buffer in
            for i in buffer.indices { buffer[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 13) &+ seed }
        }
        return data
    }

    static func md5(_ data: Data) -> String {
        Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    func withBucket(_ body: (S3Client, String) async throws -> Void) async throws {
        try await Moto.withClient { client, endpoint in
            let s3 = S3Client(client: client, endpoint: endpoint, region: "us-east-1")
            let bucket = Moto.uniqueName("tk-s3")
            try await s3.createBucket(bucket)
            try await body(s3, bucket)
        }
    }

    @Test func putOptionsComeBackInHead() async throws {
        try await withBucket { s3, bucket in
            try await s3.putObject(
                bucket: bucket, key: "a/kms.json", body: Data("{}".utf8),
                options: .init(
                    contentType: "application/json", metadata: ["signature": "abc", "trail": "t"],
                    serverSideEncryption: .kms(keyID: "alias/trail"), storageClass: "STANDARD_IA"))
            let head = try await s3.headObject(bucket: bucket, key: "a/kms.json")
            #expect(head.contentType == "application/json")
            #expect(head.metadata == ["signature": "abc", "trail": "t"])
            #expect(head.serverSideEncryption == "aws:kms")
            #expect(head.sseKMSKeyID?.contains("trail") == true)
            #expect(head.storageClass == "STANDARD_IA")
            #expect(head.lastModified != nil)

            try await s3.putObject(
                bucket: bucket, key: "a/aes.txt", body: Data("x".utf8), options: .init(serverSideEncryption: .aes256))
            let plain = try await s3.headObject(bucket: bucket, key: "a/aes.txt")
            #expect(plain.serverSideEncryption == "AES256")
            #expect(plain.storageClass == nil || plain.storageClass == "STANDARD")
        }
    }

    @Test func multipartUploadOfTwentyMegabytesStreamsBackInChunks() async throws {
        try await withBucket { s3, bucket in
            let body = Self.bytes(20 * 1024 * 1024 + 123)
            let eTag = try await s3.putObjectMultipart(
                bucket: bucket, key: "big/object.bin", body: body,
                options: .init(contentType: "application/octet-stream", metadata: ["k": "v"]), concurrency: 2)
            #expect(eTag?.hasSuffix("-3\"") == true, "three 8 MiB parts: \(eTag ?? "nil")")
            let head = try await s3.headObject(bucket: bucket, key: "big/object.bin")
            #expect(head.contentLength == Int64(body.count))
            #expect(head.metadata == ["k": "v"])

            var chunks: [Int] = []
            var hash = Insecure.MD5()
            for try await chunk in s3.objectChunks(bucket: bucket, key: "big/object.bin", chunkSize: 6 * 1024 * 1024) {
                chunks.append(chunk.count)
                hash.update(data: chunk)
            }
            #expect(chunks == [6, 6, 6].map { $0 * 1024 * 1024 } + [2 * 1024 * 1024 + 123])
            #expect(hash.finalize().map { String(format: "%02x", $0) }.joined() == Self.md5(body))

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("tk-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            #expect(try await s3.downloadObject(bucket: bucket, key: "big/object.bin", toFile: file) == Int64(body.count))
            #expect(FileManager.default.contents(atPath: file) == body)

            // Upload from the file, in parts read one at a time.
            try await s3.putObjectMultipart(bucket: bucket, key: "big/from-file.bin", contentsOfFile: file)
            #expect(try await s3.getObject(bucket: bucket, key: "big/from-file.bin") == body)

            // An empty object streams as no chunks.
            try await s3.putObject(bucket: bucket, key: "empty", body: Data())
            var count = 0
            for try await _ in s3.objectChunks(bucket: bucket, key: "empty") { count += 1 }
            #expect(count == 0)
        }
    }

    @Test func aFailedPartAbortsTheUpload() async throws {
        try await withBucket { s3, bucket in
            struct ReadFailure: Error {}
            await #expect(throws: ReadFailure.self) {
                try await s3.putObjectMultipart(bucket: bucket, key: "broken", size: 12 * 1024 * 1024) { range in
                    if range.lowerBound > 0 { throw ReadFailure() }
                    return Data(count: range.count)
                }
            }
            await #expect(throws: AWSError.self) { try await s3.headObject(bucket: bucket, key: "broken") }
            // Explicit calls: create, part, abort.
            let id = try await s3.createMultipartUpload(bucket: bucket, key: "manual")
            let part = try await s3.uploadPart(bucket: bucket, key: "manual", uploadID: id, number: 1, body: Data("p".utf8))
            #expect(part.hasPrefix("\""))
            try await s3.abortMultipartUpload(bucket: bucket, key: "manual", uploadID: id)
            await #expect(throws: AWSError.self) {
                try await s3.completeMultipartUpload(
                    bucket: bucket, key: "manual", uploadID: id, parts: [.init(number: 1, eTag: part)])
            }
        }
    }

    @Test func copyKeepsOrReplacesMetadata() async throws {
        try await withBucket { s3, bucket in
            let source = "src/é x+y.json"
            try await s3.putObject(
                bucket: bucket, key: source, body: Data("payload".utf8),
                options: .init(contentType: "application/json", metadata: ["a": "1"]))
            try await s3.copyObject(sourceBucket: bucket, sourceKey: source, bucket: bucket, key: "copy/kept")
            let kept = try await s3.headObject(bucket: bucket, key: "copy/kept")
            #expect(kept.metadata == ["a": "1"])
            #expect(kept.contentType == "application/json")

            let eTag = try await s3.copyObject(
                sourceBucket: bucket, sourceKey: source, bucket: bucket, key: "copy/replaced",
                metadataDirective: .replace(contentType: "text/plain", metadata: ["b": "2"]), storageClass: "STANDARD_IA")
            #expect(eTag == "\"\(Self.md5(Data("payload".utf8)))\"")
            let replaced = try await s3.headObject(bucket: bucket, key: "copy/replaced")
            #expect(replaced.metadata == ["b": "2"])
            #expect(replaced.contentType == "text/plain")
            #expect(replaced.storageClass == "STANDARD_IA")
            #expect(try await s3.getObject(bucket: bucket, key: "copy/replaced") == Data("payload".utf8))

            let missing = await #expect(throws: AWSError.self) {
                try await s3.copyObject(sourceBucket: bucket, sourceKey: "nope", bucket: bucket, key: "x")
            }
            #expect(missing?.code == "NoSuchKey")

            // UploadPartCopy, as for objects over 5 GB: 11 MiB in 5 MiB parts, metadata kept.
            let large = Self.bytes(11 * 1024 * 1024, seed: 3)
            try await s3.putObject(
                bucket: bucket, key: "large", body: large, options: .init(contentType: "application/x-gzip", metadata: ["c": "3"]))
            let partsETag = try await s3.copyObjectMultipart(
                sourceBucket: bucket, sourceKey: "large", bucket: bucket, key: "copy/large", partSize: 5 * 1024 * 1024)
            #expect(partsETag?.hasSuffix("-3\"") == true, "three parts: \(partsETag ?? "nil")")
            let largeHead = try await s3.headObject(bucket: bucket, key: "copy/large")
            #expect(largeHead.metadata == ["c": "3"] && largeHead.contentType == "application/x-gzip")
            #expect(try await s3.getObject(bucket: bucket, key: "copy/large") == large)

            let failures = try await s3.deleteObjects(bucket: bucket, keys: [source, "copy/kept", "copy/replaced", "large", "copy/large", "never"])
            #expect(failures.isEmpty)
            #expect(try await s3.listObjectsV2(bucket: bucket).objects.isEmpty)
        }
    }
}
