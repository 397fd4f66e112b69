import AWSWire
import Foundation

// Versioning and Object Lock, passed through to S3 (which enforces them itself).
extension S3ObjectStore {
    public func versioning(ofBucket bucket: String) async throws -> BucketVersioning {
        let status = try await translating(bucket: bucket) { try await client.bucketVersioning(bucket) }
        return status.flatMap(BucketVersioning.init(status:)) ?? .unversioned
    }

    public func setVersioning(_ versioning: BucketVersioning, ofBucket bucket: String) async throws {
        guard let status = versioning.status else {
            throw ObjectStoreError.invalidArgument("Versioning can be enabled or suspended, not turned off.")
        }
        try await translating(bucket: bucket) { try await client.putBucketVersioning(bucket, status: status) }
    }

    public func objectLockConfiguration(ofBucket bucket: String) async throws -> ObjectLockConfiguration? {
        let configuration: S3Client.ObjectLockConfiguration
        do {
            configuration = try await client.objectLockConfiguration(bucket)
        } catch let error as AWSError where error.code == "ObjectLockConfigurationNotFoundError" {
            return nil
        } catch {
            throw Self.translate(error, bucket: bucket, key: nil)
        }
        guard configuration.enabled else { return nil }
        var result = ObjectLockConfiguration()
        if let mode = configuration.mode.flatMap(ObjectLockMode.init(rawValue:)) {
            if let days = configuration.days {
                result.defaultRetention = DefaultRetention(mode: mode, period: .days(days))
            } else if let years = configuration.years {
                result.defaultRetention = DefaultRetention(mode: mode, period: .years(years))
            }
        }
        return result
    }

    public func setObjectLockConfiguration(_ configuration: ObjectLockConfiguration, ofBucket bucket: String) async throws {
        var wire = S3Client.ObjectLockConfiguration(enabled: true)
        if let retention = configuration.defaultRetention {
            wire.mode = retention.mode.rawValue
            switch retention.period {
            case .days(let n): wire.days = n
            case .years(let n): wire.years = n
            }
        }
        let request = wire
        try await translating(bucket: bucket) { try await client.putObjectLockConfiguration(bucket, request) }
    }

    public func listObjectVersions(_ request: ObjectVersionListRequest) async throws -> ObjectVersionListing {
        let page = try await translating(bucket: request.bucket) {
            try await client.listObjectVersions(
                bucket: request.bucket, prefix: request.prefix, delimiter: request.delimiter.flatMap { $0.isEmpty ? nil : $0 },
                keyMarker: request.keyMarker, versionIdMarker: request.versionIdMarker, maxKeys: max(0, request.maxKeys))
        }
        // S3 lists each key's versions and delete markers newest first; some servers (moto) list
        // every version before every marker. Keys in byte order; within a key, the latest first,
        // then by time, else as listed.
        let ordered = page.versions.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.key != y.key { return x.key.utf8.lexicographicallyPrecedes(y.key.utf8) }
            if x.isLatest != y.isLatest { return x.isLatest }
            let (tx, ty) = (x.lastModified ?? .distantPast, y.lastModified ?? .distantPast)
            return tx != ty ? tx > ty : a.offset < b.offset
        }.map(\.element)
        let versions = ordered.map { version in
            ObjectVersion(
                info: ObjectInfo(
                    key: version.key, size: version.size, lastModified: version.lastModified ?? Date(timeIntervalSince1970: 0),
                    etag: Self.unquoted(version.eTag), storageClass: version.storageClass ?? "STANDARD",
                    versionId: version.versionId),
                isLatest: version.isLatest, isDeleteMarker: version.isDeleteMarker)
        }
        return ObjectVersionListing(
            versions: versions, commonPrefixes: page.commonPrefixes, isTruncated: page.isTruncated,
            nextKeyMarker: page.nextKeyMarker, nextVersionIdMarker: page.nextVersionIdMarker)
    }

    @discardableResult
    public func setRetention(
        _ retention: ObjectRetention?, bucket: String, key: String, versionId: String?, bypassGovernanceRetention: Bool
    ) async throws -> String? {
        let wire = retention.map { S3Client.Retention(mode: $0.mode.rawValue, retainUntil: $0.retainUntil) }
        try await translating(bucket: bucket, key: key, versionId: versionId) {
            try await client.putObjectRetention(
                bucket: bucket, key: key, versionId: versionId, wire, bypassGovernanceRetention: bypassGovernanceRetention)
        }
        return versionId
    }

    @discardableResult
    public func setLegalHold(_ on: Bool, bucket: String, key: String, versionId: String?) async throws -> String? {
        try await translating(bucket: bucket, key: key, versionId: versionId) {
            try await client.putObjectLegalHold(bucket: bucket, key: key, versionId: versionId, on: on)
        }
        return versionId
    }
}

