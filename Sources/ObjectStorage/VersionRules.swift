import Foundation

/// What the versioning rules need to know of a version the store keeps.
protocol VersionEntry {
    /// The version S3 calls `null`: written while the bucket was unversioned or suspended.
    var isNullVersion: Bool { get }
    var isDeleteMarker: Bool { get }
    var retention: ObjectRetention? { get }
    var legalHold: Bool? { get }
}

/// S3's versioning rules, for the stores that keep versions themselves (embedded and memory):
/// which versions a new one replaces, what may be removed, and how changes of the bucket's
/// state are checked.
enum VersionRules {
    /// The positions in `history` (newest first) that a new version or delete marker replaces:
    /// every version when the bucket is unversioned, the null version when suspended, none when
    /// enabled.
    static func replaced(in history: [some VersionEntry], by versioning: BucketVersioning) -> [Int] {
        switch versioning {
        case .unversioned: Array(history.indices)
        case .enabled: []
        case .suspended: history.indices.filter { history[$0].isNullVersion }
        }
    }

    /// Throws ``ObjectStoreError/accessDenied(_:)`` when a version that would go is locked.
    static func checkRemoval(
        of entries: some Sequence<some VersionEntry>, bypassGovernance: Bool, now: Date
    ) throws(ObjectStoreError) {
        for entry in entries where !entry.isDeleteMarker {
            try ObjectLockRules.checkRemoval(
                retention: entry.retention, legalHold: entry.legalHold, bypassGovernance: bypassGovernance, now: now)
        }
    }

    /// The error for a version ID that names no version of the key: `NoSuchVersion` when it could
    /// be one, `InvalidArgument` when it cannot.
    static func missing(bucket: String, key: String, versionId: String) -> ObjectStoreError {
        versionId == "null" || VersionID.isWellFormed(versionId)
            ? .noSuchVersion(bucket: bucket, key: key, versionId: versionId) : .invalidVersionId(versionId)
    }

    /// Throws `InvalidArgument` for a version-ID marker that cannot name a version.
    static func checkMarker(_ marker: String?) throws(ObjectStoreError) {
        guard let marker, !marker.isEmpty, marker != "null", !VersionID.isWellFormed(marker) else { return }
        throw .invalidVersionId(marker)
    }

    /// Throws unless a bucket may move to `versioning`: never back to unversioned, and never to
    /// suspended while Object Lock is enabled.
    static func checkChange(to versioning: BucketVersioning, objectLockEnabled: Bool) throws(ObjectStoreError) {
        switch versioning {
        case .unversioned:
            throw .invalidArgument("Versioning can be enabled or suspended, not turned off.")
        case .suspended where objectLockEnabled:
            throw .invalidBucketState(
                "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.")
        default:
            return
        }
    }

    /// Throws unless Object Lock may be configured on a bucket in this state: a bucket without
    /// Object Lock gets it only when versioning is enabled.
    static func checkLockConfiguration(versioning: BucketVersioning, objectLockEnabled: Bool) throws(ObjectStoreError) {
        guard objectLockEnabled || versioning == .enabled else {
            throw .invalidBucketState("Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
        }
    }

    /// The retention and legal hold of a new version: the put's own, else the bucket's default.
    ///
    /// - Throws: ``ObjectStoreError/objectLockNotEnabled(_:)`` when the put names lock settings
    ///   and the bucket has no Object Lock; `InvalidArgument` for a date in the past.
    static func lock(
        for options: ObjectLockOptions, bucket: String, configuration: ObjectLockConfiguration?, now: Date
    ) throws(ObjectStoreError) -> (retention: ObjectRetention?, legalHold: Bool?) {
        guard let configuration else {
            guard options.isEmpty else { throw .objectLockNotEnabled(bucket) }
            return (nil, nil)
        }
        if let retention = options.retention {
            try ObjectLockRules.checkRetentionChange(from: nil, to: retention, bypassGovernance: false, now: now)
            return (retention, options.legalHold)
        }
        return (configuration.defaultRetention?.retention(from: now), options.legalHold)
    }
}
