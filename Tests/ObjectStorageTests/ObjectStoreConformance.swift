import Crypto
import Foundation
import Testing

@testable import ObjectStorage

/// What every ``ObjectStore`` does alike, run against each backend (memory, files, S3 through moto).
enum ObjectStoreConformance {
    /// Runs every check in fresh buckets whose names start with `prefix`.
    ///
    /// - Parameter strict: false for moto server, which departs from S3 where these checks are
    ///   skipped: it lets a retention be shortened, gives real version IDs (not `null`) while
    ///   versioning is suspended, omits `x-amz-delete-marker` when a delete marker is removed,
    ///   lets a bucket with Object Lock be suspended, and lists every version before every delete
    ///   marker, so that pages cut a key's history elsewhere.
    static func check(_ store: some ObjectStore, bucketPrefix prefix: String, strict: Bool = true) async throws {
        try await buckets(store, name: prefix + "-buckets")
        try await objects(store, bucket: prefix + "-objects")
        try await listing(store, bucket: prefix + "-listing")
        try await tagging(store, bucket: prefix + "-tagging")
        try await storageClasses(store, bucket: prefix + "-classes")
        try await multipart(store, bucket: prefix + "-multipart")
        try await multipartErrors(store, bucket: prefix + "-mp-errors")
        try await copies(store, bucket: prefix + "-copies")
        try await versioning(store, bucket: prefix + "-versions", strict: strict)
        if strict { try await suspendedVersioning(store, bucket: prefix + "-suspended") }
        try await versionListing(store, bucket: prefix + "-version-list", strict: strict)
        try await objectLock(store, bucket: prefix + "-lock", strict: strict)
        try await legalHold(store, bucket: prefix + "-hold")
    }

    /// Transitions keep an object's bytes, ETag, metadata and (as the store reports it) age; a
    /// put is STANDARD; listings, HEAD and GET name the class.
    static func storageClasses(_ store: some ObjectStore, bucket: String) async throws {
        try await store.createBucket(bucket, region: "us-east-1")
        let body = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let key = "AWSLogs/2024/01/02/log file.json.gz"
        let put = try await store.putObject(bucket: bucket, key: key, body: body, contentType: "application/x-gzip", metadata: ["a": "b"])
        #expect(try await store.headObject(bucket: bucket, key: key).storageClass == "STANDARD")
        let moved = try await store.transitionObject(bucket: bucket, key: key, to: .standardIA, ifMatch: put.etag)
        #expect(moved.storageClass == "STANDARD_IA")
        for info in [
            try await store.headObject(bucket: bucket, key: key), try await store.getObject(bucket: bucket, key: key).info,
            try await store.getObject(bucket: bucket, key: key, range: .closed(first: 10, last: 19)).info,
        ] {
            #expect(info.storageClass == "STANDARD_IA")
            #expect(info.etag == put.etag)
            #expect(info.metadata["a"] == "b")
            #expect(info.contentType == "application/x-gzip")
        }
        #expect(try await store.getObject(bucket: bucket, key: key).body == body)
        #expect(try await store.getObject(bucket: bucket, key: key, range: .closed(first: 10, last: 19)).body == body[10...19])
        let listed = try await store.listObjects(ObjectListRequest(bucket: bucket, prefix: "AWSLogs/"))
        #expect(listed.objects.map(\.storageClass) == ["STANDARD_IA"])
        #expect(listed.objects.map(\.etag) == [put.etag])
        let grouped = try await store.listObjects(ObjectListRequest(bucket: bucket, prefix: "AWSLogs/", delimiter: "/"))
        #expect(grouped.commonPrefixes == ["AWSLogs/2024/"])
        await #expect(throws: ObjectStoreError.preconditionFailed) {
            try await store.transitionObject(bucket: bucket, key: key, to: .glacierInstantRetrieval, ifMatch: "0123456789abcdef0123456789abcdef")
        }
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: bucket, key: "missing")) {
            try await store.transitionObject(bucket: bucket, key: "missing", to: .glacierInstantRetrieval, ifMatch: nil)
        }
        try await store.transitionObject(bucket: bucket, key: key, to: .glacierInstantRetrieval, ifMatch: nil)
        #expect(try await store.headObject(bucket: bucket, key: key).storageClass == "GLACIER_IR")
        // A put replaces the object with a STANDARD one.
        try await store.putObject(bucket: bucket, key: key, body: Data("new".utf8), contentType: nil, metadata: [:])
        let replaced = try await store.getObject(bucket: bucket, key: key)
        #expect(replaced.info.storageClass == "STANDARD" && replaced.body == Data("new".utf8))
        try await store.transitionObject(bucket: bucket, key: key, to: .oneZoneIA, ifMatch: nil)
        try await store.deleteObject(bucket: bucket, key: key)
        #expect(try await store.listObjects(ObjectListRequest(bucket: bucket)).objects.isEmpty)
        try await store.deleteBucket(bucket)
    }

    static func buckets(_ store: some ObjectStore, name: String) async throws {
        #expect(try await store.bucket(name) == nil)
        try await store.createBucket(name, region: "eu-west-1")
        let info = try #require(try await store.bucket(name))
        #expect(info.name == name)
        #expect(info.region == "eu-west-1")
        #expect(try await store.listBuckets().contains { $0.name == name && $0.region == "eu-west-1" })
        await #expect(throws: ObjectStoreError.bucketAlreadyOwnedByYou(name)) {
            try await store.createBucket(name, region: "eu-west-1")
        }
        try await store.putObject(bucket: name, key: "k", body: Data("x".utf8), contentType: nil, metadata: [:])
        await #expect(throws: ObjectStoreError.bucketNotEmpty(name)) { try await store.deleteBucket(name) }
        try await store.deleteObject(bucket: name, key: "k")
        try await store.deleteBucket(name)
        #expect(try await store.bucket(name) == nil)
        await #expect(throws: ObjectStoreError.noSuchBucket(name)) {
            try await store.putObject(bucket: name, key: "k", body: Data(), contentType: nil, metadata: [:])
        }
    }

    static func objects(_ store: some ObjectStore, bucket: String) async throws {
        try await store.createBucket(bucket, region: "us-east-1")
        let body = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let etag = Insecure.MD5.hash(data: body).map { String(format: "%02x", $0) }.joined()
        let key = "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2024/01/02/x y+é%.json.gz"
        let put = try await store.putObject(
            bucket: bucket, key: key, body: body, contentType: "application/json",
            metadata: ["signature": "0a1b", "signing-algorithm": "SHA256withRSA"])
        #expect(put.etag == etag)
        #expect(put.size == 1000)

        let head = try await store.headObject(bucket: bucket, key: key)
        #expect(head.etag == etag)
        #expect(head.size == 1000)
        #expect(head.contentType == "application/json")
        #expect(head.metadata == ["signature": "0a1b", "signing-algorithm": "SHA256withRSA"])

        let whole = try await store.getObject(bucket: bucket, key: key)
        #expect(whole.body == body)
        #expect(whole.info.etag == etag)
        #expect(whole.range == nil)

        let part = try await store.getObject(bucket: bucket, key: key, range: .closed(first: 10, last: 19))
        #expect(part.body == body.subdata(in: 10..<20))
        #expect(part.range == 10...19)
        #expect(part.info.size == 1000)
        let tail = try await store.getObject(bucket: bucket, key: key, range: .suffix(length: 10))
        #expect(tail.body == body.suffix(10))
        #expect(tail.range == 990...999)
        let from = try await store.getObject(bucket: bucket, key: key, range: .from(first: 995))
        #expect(from.body == body.suffix(5))
        await #expect(throws: ObjectStoreError.invalidRange) {
            try await store.getObject(bucket: bucket, key: key, range: .from(first: 1000))
        }

        // Overwrite.
        try await store.putObject(bucket: bucket, key: key, body: Data("v2".utf8), contentType: nil, metadata: ["v": "2"])
        let second = try await store.getObject(bucket: bucket, key: key)
        #expect(second.body == Data("v2".utf8))
        #expect(second.info.metadata == ["v": "2"])

        await #expect(throws: ObjectStoreError.noSuchKey(bucket: bucket, key: "missing")) {
            try await store.getObject(bucket: bucket, key: "missing")
        }
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: bucket, key: "missing")) {
            try await store.headObject(bucket: bucket, key: "missing")
        }
        await #expect(throws: ObjectStoreError.noSuchBucket(bucket + "-none")) {
            try await store.getObject(bucket: bucket + "-none", key: "k")
        }
        try await store.deleteObject(bucket: bucket, key: key)
        try await store.deleteObject(bucket: bucket, key: key)
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: bucket, key: key)) {
            try await store.headObject(bucket: bucket, key: key)
        }
        try await store.deleteBucket(bucket)
    }

    static func listing(_ store: some ObjectStore, bucket: String) async throws {
        try await store.createBucket(bucket, region: "us-east-1")
        let keys = ["a-c", "a/b", "a/c/d", "a0", "b", "c d/e", "é", "Z"]
        for key in keys.reversed() {
            try await store.putObject(bucket: bucket, key: key, body: Data(key.utf8), contentType: nil, metadata: [:])
        }
        let sorted = ["Z", "a-c", "a/b", "a/c/d", "a0", "b", "c d/e", "é"]
        let all = try await store.listObjects(ObjectListRequest(bucket: bucket))
        #expect(all.objects.map(\.key) == sorted)
        #expect(all.objects.map(\.size) == sorted.map { Int64($0.utf8.count) })
        #expect(!all.isTruncated)

        let top = try await store.listObjects(ObjectListRequest(bucket: bucket, delimiter: "/"))
        #expect(top.objects.map(\.key) == ["Z", "a-c", "a0", "b", "é"])
        #expect(top.commonPrefixes == ["a/", "c d/"])

        let inA = try await store.listObjects(ObjectListRequest(bucket: bucket, prefix: "a/", delimiter: "/"))
        #expect(inA.objects.map(\.key) == ["a/b"])
        #expect(inA.commonPrefixes == ["a/c/"])

        // Pages of one, continuing after the last key or common prefix.
        var seen: [String] = []
        var after: String?
        while true {
            let page = try await store.listObjects(ObjectListRequest(bucket: bucket, delimiter: "/", startAfter: after, maxKeys: 1))
            seen += page.objects.map(\.key) + page.commonPrefixes
            guard page.isTruncated, let last = page.lastReturned else { break }
            after = last
        }
        #expect(seen == ["Z", "a-c", "a/", "a0", "b", "c d/", "é"])

        for key in keys { try await store.deleteObject(bucket: bucket, key: key) }
        try await store.deleteBucket(bucket)
    }

    /// Object tags go with the object (set with a put, replaced, removed, gone with an overwrite);
    /// bucket tags with the bucket.
    static func tagging(_ store: some ObjectStore, bucket: String) async throws {
        try await store.createBucket(bucket, region: "us-east-1")
        #expect(try await store.bucketTags(bucket) == [:])
        try await store.setBucketTags(bucket, tags: ["team": "audit", "cost center": "42/b"])
        #expect(try await store.bucketTags(bucket) == ["team": "audit", "cost center": "42/b"])
        try await store.setBucketTags(bucket, tags: ["team": "security"])
        #expect(try await store.bucketTags(bucket) == ["team": "security"])
        try await store.setBucketTags(bucket, tags: [:])
        #expect(try await store.bucketTags(bucket) == [:])
        #expect(try await store.bucket(bucket)?.region == "us-east-1")

        let key = "tagged/é y.json"
        let tags = ["classification": "internal", "retain": "7y", "empty": ""]
        let put = try await store.putObject(
            bucket: bucket, key: key, body: Data("{}".utf8), contentType: "application/json", metadata: ["m": "1"],
            tags: tags)
        #expect(put.tagCount == 3)
        #expect(try await store.objectTags(bucket: bucket, key: key) == tags)
        #expect(try await store.headObject(bucket: bucket, key: key).tagCount == 3)
        #expect(try await store.getObject(bucket: bucket, key: key).info.tagCount == 3)

        try await store.setObjectTags(bucket: bucket, key: key, tags: ["retain": "10y"])
        #expect(try await store.objectTags(bucket: bucket, key: key) == ["retain": "10y"])
        let head = try await store.headObject(bucket: bucket, key: key)
        #expect(head.tagCount == 1)
        #expect(head.etag == put.etag)
        #expect(head.metadata == ["m": "1"])
        #expect(head.contentType == "application/json")

        try await store.setObjectTags(bucket: bucket, key: key, tags: [:])
        #expect(try await store.objectTags(bucket: bucket, key: key) == [:])
        #expect(try await store.headObject(bucket: bucket, key: key).tagCount == 0)

        // A put replaces the tags with its own (none here).
        try await store.setObjectTags(bucket: bucket, key: key, tags: ["a": "1"])
        try await store.putObject(bucket: bucket, key: key, body: Data("[]".utf8), contentType: nil, metadata: [:])
        #expect(try await store.objectTags(bucket: bucket, key: key) == [:])

        await #expect(throws: ObjectStoreError.noSuchKey(bucket: bucket, key: "missing")) {
            try await store.objectTags(bucket: bucket, key: "missing")
        }
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: bucket, key: "missing")) {
            try await store.setObjectTags(bucket: bucket, key: "missing", tags: ["a": "1"])
        }
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: bucket, key: "missing")) {
            try await store.setObjectTags(bucket: bucket, key: "missing", tags: [:])
        }
        await #expect(throws: ObjectStoreError.noSuchBucket(bucket + "-none")) {
            try await store.bucketTags(bucket + "-none")
        }
        try await store.deleteObject(bucket: bucket, key: key)
        try await store.deleteBucket(bucket)
    }
}
