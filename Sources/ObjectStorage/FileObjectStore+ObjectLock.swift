import Foundation

// Object Lock settings of single versions: retention and legal hold, kept on the version's sidecar line.
extension FileObjectStore {
    @discardableResult
    public func setRetention(
        _ retention: ObjectRetention?, bucket: String, key: String, versionId: String?, bypassGovernanceRetention: Bool
    ) async throws -> String? {
        let now = clock()
        return try await changeLock(bucket: bucket, key: key, versionId: versionId) { entry in
            try ObjectLockRules.checkRetentionChange(
                from: entry.retention, to: retention, bypassGovernance: bypassGovernanceRetention, now: now)
            entry.retention = retention
        }
    }

    @discardableResult
    public func setLegalHold(_ on: Bool, bucket: String, key: String, versionId: String?) async throws -> String? {
        try await changeLock(bucket: bucket, key: key, versionId: versionId) { $0.legalHold = on }
    }

    /// Rewrites the sidecar line of the latest version, or of version `versionId`, with `change`.
    func changeLock(
        bucket: String, key: String, versionId: String?, _ change: @escaping @Sendable (inout ObjectSidecar.Entry) throws -> Void
    ) async throws -> String? {
        try await perform { [self] in
            try requireBucket(bucket)
            try requireStorable(key)
            guard try settings(bucket).objectLock != nil else { throw ObjectStoreError.objectLockNotEnabled(bucket) }
            return try locks.withLock(bucket, key) {
                let current = try versions(of: bucket, key)
                let index: Int
                if let versionId {
                    guard let found = current.versions.firstIndex(where: { $0.entry.externalID == versionId }) else {
                        throw VersionRules.missing(bucket: bucket, key: key, versionId: versionId)
                    }
                    index = found
                } else {
                    guard !current.versions.isEmpty else { throw ObjectStoreError.noSuchKey(bucket: bucket, key: key) }
                    index = 0
                }
                var versions = current.versions
                guard !versions[index].entry.isDeleteMarker else {
                    guard let versionId else { throw ObjectStoreError.noSuchKey(bucket: bucket, key: key) }
                    throw ObjectStoreError.deleteMarker(bucket: bucket, key: key, versionId: versionId)
                }
                if versions[index].isUndescribed {
                    // A file put there by hand gets a line of its own, so that its lock can be recorded.
                    let stamp = versions[index].entry.stamp!
                    versions[index].entry.etag = try computeETag(path: versions[index].path!, fd: nil, stamp: stamp)
                    versions[index].isUndescribed = false
                }
                try change(&versions[index].entry)
                try writeSidecar(ObjectSidecar(entries: versions.filter { !$0.isUndescribed }.map(\.entry)), bucket: bucket, key: key)
                try discard(bucket: bucket, current.shadowed)
                return versions[index].entry.externalID
            }
        }
    }
}
