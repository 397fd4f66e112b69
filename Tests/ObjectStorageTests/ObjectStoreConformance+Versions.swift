import Foundation
import Testing

@testable import ObjectStorage

/// Versioning and Object Lock, alike in every store (S3 semantics).
extension ObjectStoreConformance {
    static func put(_ store: some ObjectStore, _ bucket: String, _ key: String, _ text: String) async throws -> ObjectInfo {
        try await store.putObject(bucket: bucket, key: key, body: Data(text.utf8), contentType: "text/plain", metadata: ["v": text])
    }

    static func body(_ store: some ObjectStore, _ bucket: String, _ key: String, version: String? = nil) async throws -> String {
        String(decoding: try await store.getObject(bucket: bucket, key: key, versionId: version, range: nil).body, as: UTF8.self)
    }

    /// Every version of a bucket, in listing order: (key, versionId, isLatest, isDeleteMarker).
    static func allVersions(_ store: some ObjectStore, _ bucket: String, prefix: String = "") async throws -> [ObjectVersion] {
        try await store.listObjectVersions(ObjectVersionListRequest(bucket: bucket, prefix: prefix)).versions
    }

    /// Removes every version and the bucket (versions still locked stay, and so does the bucket).
    static func empty(_ store: some ObjectStore, _ bucket: String) async throws {
        for version in try await allVersions(store, bucket) {
            try await store.deleteObject(
                bucket: bucket, key: version.info.key, versionId: version.versionId, bypassGovernanceRetention: true)
        }
        try await store.deleteBucket(bucket)
    }

    static func versioning(_ store: some ObjectStore, bucket: String, strict: Bool) async throws {
        try await store.createBucket(bucket, region: "us-east-1")
        #expect(try await store.versioning(ofBucket: bucket) == .unversioned)
        let unversioned = try await put(store, bucket, "plain", "p1")
        #expect(unversioned.versionId == nil)
        #expect(try await store.headObject(bucket: bucket, key: "plain").versionId == nil)

        try await store.setVersioning(.enabled, ofBucket: bucket)
        #expect(try await store.versioning(ofBucket: bucket) == .enabled)
        let key = "AWSLogs/1/CloudTrail/a b.json"
        let v1 = try #require(try await put(store, bucket, key, "one").versionId)
        let v2 = try #require(try await put(store, bucket, key, "two").versionId)
        #expect(v1 != v2 && v1 != "null")
        #expect(try await body(store, bucket, key) == "two")
        #expect(try await body(store, bucket, key, version: v1) == "one")
        let head1 = try await store.headObject(bucket: bucket, key: key, versionId: v1)
        #expect(head1.versionId == v1)
        #expect(head1.metadata == ["v": "one"])
        #expect(head1.size == 3)
        let part = try await store.getObject(bucket: bucket, key: key, versionId: v1, range: .closed(first: 1, last: 2))
        #expect(part.body == Data("ne".utf8))
        #expect(try await store.headObject(bucket: bucket, key: key).versionId == v2)

        // Each version has tags of its own; so do the attributes.
        try await store.setObjectTags(bucket: bucket, key: key, versionId: v1, tags: ["state": "evidence"])
        #expect(try await store.objectTags(bucket: bucket, key: key, versionId: v1) == ["state": "evidence"])
        #expect(try await store.objectTags(bucket: bucket, key: key).isEmpty)
        try await store.setObjectTags(bucket: bucket, key: key, tags: ["state": "current"])
        #expect(try await store.objectTags(bucket: bucket, key: key, versionId: v1) == ["state": "evidence"])
        #expect(try await store.objectTags(bucket: bucket, key: key, versionId: v2) == ["state": "current"])
        try await store.setObjectTags(bucket: bucket, key: key, versionId: v1, tags: [:])
        #expect(try await store.objectTags(bucket: bucket, key: key, versionId: v1).isEmpty)
        try await store.setObjectTags(bucket: bucket, key: key, tags: [:])
        #expect(try await store.objectAttributes(bucket: bucket, key: key, versionId: v1).info.size == 3)

        var versions = try await allVersions(store, bucket, prefix: "AWSLogs/")
        #expect(versions.map(\.versionId) == [v2, v1])
        #expect(versions.map(\.isLatest) == [true, false])
        // The object written while unversioned is the null version.
        #expect(try await allVersions(store, bucket, prefix: "plain").map(\.versionId) == ["null"])
        #expect(try await body(store, bucket, "plain", version: "null") == "p1")

        // A delete adds a marker; the versions stay.
        let marker = try await store.deleteObject(bucket: bucket, key: key)
        #expect(marker.isDeleteMarker)
        let markerID = try #require(marker.versionId)
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: bucket, key: key)) {
            try await store.getObject(bucket: bucket, key: key)
        }
        await #expect(throws: ObjectStoreError.noSuchKey(bucket: bucket, key: key)) {
            try await store.headObject(bucket: bucket, key: key)
        }
        #expect(try await body(store, bucket, key, version: v2) == "two")
        versions = try await allVersions(store, bucket, prefix: "AWSLogs/")
        #expect(versions.map(\.versionId) == [markerID, v2, v1])
        #expect(versions.map(\.isDeleteMarker) == [true, false, false])
        #expect(versions[0].isLatest)
        let listed = try await store.listObjects(ObjectListRequest(bucket: bucket))
        #expect(listed.objects.map(\.key) == ["plain"])
        await #expect(throws: ObjectStoreError.deleteMarker(bucket: bucket, key: key, versionId: markerID)) {
            try await store.headObject(bucket: bucket, key: key, versionId: markerID)
        }

        // Removing the marker brings the last version back; removing that, the one before.
        let undelete = try await store.deleteObject(bucket: bucket, key: key, versionId: markerID, bypassGovernanceRetention: false)
        #expect(undelete.isDeleteMarker || !strict)
        #expect(try await body(store, bucket, key) == "two")
        #expect(try await store.listObjects(ObjectListRequest(bucket: bucket)).objects.map(\.key) == [key, "plain"])
        try await store.deleteObject(bucket: bucket, key: key, versionId: v2, bypassGovernanceRetention: false)
        #expect(try await body(store, bucket, key) == "one")
        #expect(try await allVersions(store, bucket, prefix: "AWSLogs/").map(\.versionId) == [v1])

        // Versions keep a bucket from being deleted.
        try await store.deleteObject(bucket: bucket, key: "plain")
        await #expect(throws: ObjectStoreError.bucketNotEmpty(bucket)) { try await store.deleteBucket(bucket) }
        try await empty(store, bucket)
        #expect(try await store.bucket(bucket) == nil)
    }

    static func suspendedVersioning(_ store: some ObjectStore, bucket: String) async throws {
        try await store.createBucket(bucket, region: "us-east-1")
        try await store.setVersioning(.enabled, ofBucket: bucket)
        let kept = try #require(try await put(store, bucket, "k", "enabled").versionId)
        try await store.setVersioning(.suspended, ofBucket: bucket)
        #expect(try await store.versioning(ofBucket: bucket) == .suspended)
        #expect(try await put(store, bucket, "k", "null-1").versionId == "null")
        #expect(try await put(store, bucket, "k", "null-2").versionId == "null")
        // The null version is replaced; the version written while enabled stays.
        #expect(try await allVersions(store, bucket).map(\.versionId) == ["null", kept])
        #expect(try await body(store, bucket, "k") == "null-2")
        #expect(try await body(store, bucket, "k", version: kept) == "enabled")
        // A delete while suspended replaces the null version with a null delete marker.
        let marker = try await store.deleteObject(bucket: bucket, key: "k")
        #expect(marker.isDeleteMarker)
        #expect(marker.versionId == "null")
        let versions = try await allVersions(store, bucket)
        #expect(versions.map(\.versionId) == ["null", kept])
        #expect(versions.map(\.isDeleteMarker) == [true, false])
        await #expect(throws: ObjectStoreError.self) { try await store.setVersioning(.unversioned, ofBucket: bucket) }
        try await empty(store, bucket)
    }

    static func versionListing(_ store: some ObjectStore, bucket: String, strict: Bool) async throws {
        try await store.createBucket(bucket, region: "us-east-1")
        try await store.setVersioning(.enabled, ofBucket: bucket)
        for key in ["a/1", "a/2", "a-b", "b"] {
            for round in 1...2 { _ = try await put(store, bucket, key, "\(key) \(round)") }
        }
        try await store.deleteObject(bucket: bucket, key: "a/2")
        let all = try await allVersions(store, bucket)
        #expect(all.map(\.info.key) == ["a-b", "a-b", "a/1", "a/1", "a/2", "a/2", "a/2", "b", "b"])
        #expect(all.filter(\.isLatest).map(\.info.key) == ["a-b", "a/1", "a/2", "b"])
        #expect(all.filter(\.isDeleteMarker).map(\.info.key) == ["a/2"])

        let top = try await store.listObjectVersions(ObjectVersionListRequest(bucket: bucket, delimiter: "/"))
        #expect(top.commonPrefixes == ["a/"])
        #expect(top.versions.map(\.info.key) == ["a-b", "a-b", "b", "b"])

        // Pages of two, continuing from the markers, visit every version once.
        var seen: [ObjectVersion] = []
        var keyMarker: String?
        var versionMarker: String?
        while true {
            let page = try await store.listObjectVersions(
                ObjectVersionListRequest(bucket: bucket, keyMarker: keyMarker, versionIdMarker: versionMarker, maxKeys: 2))
            seen += page.versions
            guard page.isTruncated else { break }
            keyMarker = page.nextKeyMarker
            versionMarker = page.nextVersionIdMarker
        }
        #expect(strict ? seen.map(\.versionId) == all.map(\.versionId) : Set(seen.map(\.versionId)) == Set(all.map(\.versionId)))
        #expect(seen.count == all.count)
        try await empty(store, bucket)
    }

    static func objectLock(_ store: some ObjectStore, bucket: String, strict: Bool) async throws {
        try await store.createBucket(bucket, region: "us-east-1", objectLockEnabled: true)
        #expect(try await store.versioning(ofBucket: bucket) == .enabled)
        #expect(try await store.objectLockConfiguration(ofBucket: bucket) != nil)
        if strict {
            await #expect(throws: ObjectStoreError.self) { try await store.setVersioning(.suspended, ofBucket: bucket) }
        }
        let retention = DefaultRetention(mode: .compliance, period: .days(1))
        try await store.setObjectLockConfiguration(ObjectLockConfiguration(defaultRetention: retention), ofBucket: bucket)
        #expect(try await store.objectLockConfiguration(ofBucket: bucket)?.defaultRetention == retention)

        let key = "AWSLogs/digest.json.gz"
        let locked = try #require(try await put(store, bucket, key, "evidence").versionId)
        let head = try await store.headObject(bucket: bucket, key: key, versionId: locked)
        #expect(head.retention?.mode == .compliance)
        let until = try #require(head.retention?.retainUntil)
        #expect(abs(until.timeIntervalSinceNow - 86_400) < 120)

        // Nobody deletes a compliance-locked version, bypass or not.
        for bypass in [false, true] {
            await #expect(throws: ObjectStoreError.self) {
                try await store.deleteObject(bucket: bucket, key: key, versionId: locked, bypassGovernanceRetention: bypass)
            }
        }
        // An overwrite and a delete marker leave it byte-identical.
        _ = try await put(store, bucket, key, "overwrite")
        let marker = try await store.deleteObject(bucket: bucket, key: key)
        #expect(marker.isDeleteMarker)
        #expect(try await body(store, bucket, key, version: locked) == "evidence")

        if strict {
            await #expect(throws: ObjectStoreError.self) {
                try await store.setRetention(
                    ObjectRetention(mode: .compliance, retainUntil: until.addingTimeInterval(-3600)), bucket: bucket, key: key,
                    versionId: locked, bypassGovernanceRetention: true)
            }
            await #expect(throws: ObjectStoreError.self) {
                try await store.setRetention(nil, bucket: bucket, key: key, versionId: locked, bypassGovernanceRetention: true)
            }
        }
        let extended = ObjectRetention(mode: .compliance, retainUntil: until.addingTimeInterval(86_400))
        try await store.setRetention(extended, bucket: bucket, key: key, versionId: locked, bypassGovernanceRetention: false)
        let after = try await store.headObject(bucket: bucket, key: key, versionId: locked).retention
        #expect(abs((after?.retainUntil.timeIntervalSince1970 ?? 0) - extended.retainUntil.timeIntervalSince1970) < 0.01)

        // Governance mode yields to the bypass only.
        let governed = try #require(
            try await store.putObject(
                bucket: bucket, key: "governed", body: Data("g".utf8), contentType: nil, metadata: [:],
                lock: ObjectLockOptions(retention: ObjectRetention(mode: .governance, retainUntil: Date().addingTimeInterval(3600))))
                .versionId)
        #expect(try await store.headObject(bucket: bucket, key: "governed").retention?.mode == .governance)
        await #expect(throws: ObjectStoreError.self) {
            try await store.deleteObject(bucket: bucket, key: "governed", versionId: governed, bypassGovernanceRetention: false)
        }
        try await store.deleteObject(bucket: bucket, key: "governed", versionId: governed, bypassGovernanceRetention: true)

        // A bucket holding locked versions stays.
        await #expect(throws: ObjectStoreError.bucketNotEmpty(bucket)) { try await store.deleteBucket(bucket) }
        // Lock settings need a bucket with Object Lock.
        let plain = bucket + "-plain"
        try await store.createBucket(plain, region: "us-east-1")
        _ = try await put(store, plain, "k", "x")
        await #expect(throws: ObjectStoreError.self) {
            try await store.setRetention(
                ObjectRetention(mode: .governance, retainUntil: Date().addingTimeInterval(60)), bucket: plain, key: "k",
                versionId: nil, bypassGovernanceRetention: false)
        }
        await #expect(throws: ObjectStoreError.self) {
            try await store.putObject(
                bucket: plain, key: "k2", body: Data(), contentType: nil, metadata: [:], lock: ObjectLockOptions(legalHold: true))
        }
        try await empty(store, plain)
    }

    static func legalHold(_ store: some ObjectStore, bucket: String) async throws {
        try await store.createBucket(bucket, region: "us-east-1", objectLockEnabled: true)
        let version = try #require(try await put(store, bucket, "held", "h").versionId)
        #expect(try await store.headObject(bucket: bucket, key: "held").legalHold != true)
        try await store.setLegalHold(true, bucket: bucket, key: "held", versionId: version)
        #expect(try await store.headObject(bucket: bucket, key: "held", versionId: version).legalHold == true)
        for bypass in [false, true] {
            await #expect(throws: ObjectStoreError.self) {
                try await store.deleteObject(bucket: bucket, key: "held", versionId: version, bypassGovernanceRetention: bypass)
            }
        }
        try await store.setLegalHold(false, bucket: bucket, key: "held", versionId: version)
        #expect(try await store.headObject(bucket: bucket, key: "held", versionId: version).legalHold == false)
        try await store.deleteObject(bucket: bucket, key: "held", versionId: version, bypassGovernanceRetention: false)
        try await empty(store, bucket)
    }
}
