import AWSWire
import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import Testing

@testable import ObjectStorage

/// The conformance checks for the memory and file stores, and for ``S3ObjectStore`` against moto
/// server (`MOTO_ENDPOINT`).
@Suite struct ObjectStoreConformanceTests {
    @Test func memoryStore() async throws {
        let store = MemoryObjectStore()
        try await ObjectStoreConformance.check(store, bucketPrefix: "memory")
        try await ObjectStoreConformance.uploadIdentity(store, bucket: "memory-identity")
    }

    @Test func fileStore() async throws {
        let dir = try StoreDirectory()
        defer { dir.remove() }
        try await ObjectStoreConformance.check(dir.store, bucketPrefix: "file")
        try await ObjectStoreConformance.uploadIdentity(dir.store, bucket: "file-identity")
    }
}

/// moto server, when the environment names it.
enum Moto {
    static let endpoint = ProcessInfo.processInfo.environment["MOTO_ENDPOINT"]
    static let isRequired = ProcessInfo.processInfo.environment["TRAILKEEPER_REQUIRE_INTEGRATION"] == "1"
}

@Suite(
    .enabled(
        if: Moto.endpoint != nil || Moto.isRequired,
        "MOTO_ENDPOINT is not set (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    )
)
struct S3ObjectStoreTests {
    static let logger = Logger(label: "trail.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a store on moto; fails when moto is required but not configured.
    func withStore(_ body: (S3ObjectStore) async throws -> Void) async throws {
        let endpoint = try #require(Moto.endpoint, "TRAILKEEPER_REQUIRE_INTEGRATION=1 but MOTO_ENDPOINT is not set")
        try await HTTPClient.withHTTPClient { http in
            let client = AWSClient(
                httpClient: http,
                credentials: SigV4.Credentials(accessKeyID: "AKIAMOTOTEST00000001", secretAccessKey: "moto-secret"),
                logger: Self.logger)
            try await body(S3ObjectStore(client: S3Client(client: client, endpoint: endpoint, region: "us-east-1")))
        }
    }

    static func uniquePrefix() -> String {
        "tk-" + UUID().uuidString.lowercased().prefix(8)
    }

    @Test func conformsAgainstMoto() async throws {
        try await withStore { store in
            try await ObjectStoreConformance.check(store, bucketPrefix: Self.uniquePrefix(), strict: false)
        }
    }

    @Test func listsKeysThatNeedURLEncodingAndPagesOfMany() async throws {
        try await withStore { store in
            let bucket = Self.uniquePrefix() + "-many"
            try await store.createBucket(bucket, region: "us-east-1")
            var keys: [String] = []
            for i in 0..<25 { keys.append("logs/\(i % 2 == 0 ? "even" : "odd")/file \(i)+&<>é.json") }
            keys.append("ctl\u{1}char")
            for key in keys {
                try await store.putObject(bucket: bucket, key: key, body: Data(key.utf8), contentType: nil, metadata: [:])
            }
            var seen: [String] = []
            var after: String?
            repeat {
                let page = try await store.listObjects(ObjectListRequest(bucket: bucket, startAfter: after, maxKeys: 7))
                seen += page.objects.map(\.key)
                after = page.isTruncated ? page.lastReturned : nil
            } while after != nil
            #expect(seen == keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            let grouped = try await store.listObjects(ObjectListRequest(bucket: bucket, prefix: "logs/", delimiter: "/"))
            #expect(grouped.commonPrefixes == ["logs/even/", "logs/odd/"])
            for key in keys { try await store.deleteObject(bucket: bucket, key: key) }
            try await store.deleteBucket(bucket)
        }
    }

    @Test func largePutsGoInPartsAndKeepTheirMetadata() async throws {
        try await withStore { store in
            let bucket = Self.uniquePrefix() + "-large"
            try await store.createBucket(bucket, region: "us-east-1")
            let body = Data((0..<(17 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 12) })
            let put = try await store.putObject(
                bucket: bucket, key: "big.json.gz", body: body, contentType: "application/x-gzip",
                metadata: ["signature": "00ff", "signature-algorithm": "SHA256withRSA"])
            #expect(put.etag.hasSuffix("-3"), "a multipart ETag: \(put.etag)")
            let head = try await store.headObject(bucket: bucket, key: "big.json.gz")
            #expect(head.size == Int64(body.count))
            #expect(head.contentType == "application/x-gzip")
            #expect(head.metadata == ["signature": "00ff", "signature-algorithm": "SHA256withRSA"])
            #expect(head.storageClass == "STANDARD")
            #expect(try await store.getObject(bucket: bucket, key: "big.json.gz").body == body)
            let tail = try await store.getObject(bucket: bucket, key: "big.json.gz", range: .suffix(length: 5))
            #expect(tail.body == body.suffix(5) && tail.info.size == Int64(body.count))
            try await store.deleteObject(bucket: bucket, key: "big.json.gz")
            try await store.deleteBucket(bucket)
        }
    }

    @Test func tagsAndEncryptionPassThroughToS3() async throws {
        try await withStore { store in
            let bucket = Self.uniquePrefix() + "-enc"
            try await store.createBucket(bucket, region: "us-east-1")
            #expect(try await store.bucketEncryption(bucket) == nil)
            let rule =
                "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule>"
                + "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>alias/trail</KMSMasterKeyID>"
                + "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>"
            let put = try await store.client.client.send(
                method: .PUT, endpoint: store.client.endpoint, path: "/" + bucket, query: "encryption=",
                body: Data(rule.utf8), service: "s3", region: "us-east-1")
            #expect(put.isSuccess)
            #expect(
                try await store.bucketEncryption(bucket)
                    == BucketEncryption(algorithm: "aws:kms", kmsKeyID: "alias/trail", bucketKeyEnabled: true))

            // The tags S3 itself keeps: x-amz-tagging on the put, the tagging API, x-amz-tagging-count.
            try await store.putObject(
                bucket: bucket, key: "k", body: Data("x".utf8), contentType: nil, metadata: [:], tags: ["a b": "c+d=e/f"])
            #expect(try await store.client.objectTagging(bucket: bucket, key: "k") == ["a b": "c+d=e/f"])
            #expect(try await store.client.headObject(bucket: bucket, key: "k").tagCount == 1)
            try await store.setBucketTags(bucket, tags: ["team": "audit"])
            #expect(try await store.client.bucketTagging(bucket) == ["team": "audit"])
            try await store.deleteObject(bucket: bucket, key: "k")
            try await store.deleteBucket(bucket)
        }
    }

    @Test func translatesS3Errors() async throws {
        try await withStore { store in
            let missing = Self.uniquePrefix() + "-missing"
            await #expect(throws: ObjectStoreError.noSuchBucket(missing)) {
                try await store.listObjects(ObjectListRequest(bucket: missing))
            }
            await #expect(throws: ObjectStoreError.noSuchBucket(missing)) { try await store.deleteBucket(missing) }
            let found = try await store.bucket(missing)
            #expect(found == nil)
        }
    }

    /// A transition is a copy onto itself with `x-amz-storage-class`: moto keeps the content and
    /// user metadata, and the original Last-Modified rides along in metadata; an archived object
    /// cannot be copied without a restore.
    @Test func transitionsAreCopiesOntoThemselves() async throws {
        try await withStore { store in
            let bucket = Self.uniquePrefix() + "-tiers"
            try await store.createBucket(bucket, region: "us-east-1")
            let body = Data("{\"Records\":[]}".utf8)
            let put = try await store.putObject(
                bucket: bucket, key: "a.json", body: body, contentType: "application/json", metadata: ["k": "v"])
            let original = try await store.headObject(bucket: bucket, key: "a.json")
            try await Task.sleep(for: .milliseconds(1100))
            let moved = try await store.transitionObject(bucket: bucket, key: "a.json", to: .standardIA, ifMatch: put.etag)
            #expect(moved.lastModified == original.lastModified)
            let head = try await store.headObject(bucket: bucket, key: "a.json")
            #expect(head.storageClass == "STANDARD_IA" && head.etag == put.etag && head.contentType == "application/json")
            #expect(head.metadata["k"] == "v")
            let kept = try #require(head.metadata[S3ObjectStore.originalLastModifiedKey])
            #expect(UTCTime.parseISO8601(kept).map { abs($0.timeIntervalSince(original.lastModified)) < 0.001 } == true)
            #expect(head.lastModified > original.lastModified)  // S3's own date moved with the copy
            try await store.transitionObject(bucket: bucket, key: "a.json", to: .glacier, ifMatch: nil)
            // The first transition's date stays.
            #expect(try await store.headObject(bucket: bucket, key: "a.json").metadata[S3ObjectStore.originalLastModifiedKey] == kept)
            #expect(try await store.listObjects(ObjectListRequest(bucket: bucket)).objects.map(\.storageClass) == ["GLACIER"])
            await #expect(throws: ObjectStoreError.self) {
                try await store.transitionObject(bucket: bucket, key: "a.json", to: .deepArchive, ifMatch: nil)
            }
            do {
                try await store.transitionObject(bucket: bucket, key: "a.json", to: .deepArchive, ifMatch: nil)
            } catch let error as ObjectStoreError {
                guard case .invalidObjectState = error else { Issue.record("expected invalidObjectState, got \(error)"); return }
            }
            try await store.deleteObject(bucket: bucket, key: "a.json")
            try await store.deleteBucket(bucket)
        }
    }
}
