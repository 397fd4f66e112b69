import Foundation
import ObjectStorage

/// The versions of a bucket (under a prefix) with each version's Object Lock state, and what they
/// add up to: what `trailkeeper vault status` and `vault versions --locks` show.
///
/// Works over any ``ObjectStore``: the listing comes from ListObjectVersions, the lock state of
/// each data version from a HEAD of that version (a few at a time).
public struct VaultInventory: Sendable, Codable {
    /// One version or delete marker.
    public struct Row: Sendable, Codable, Hashable {
        public var key: String
        public var versionId: String
        public var isLatest: Bool
        public var isDeleteMarker: Bool
        public var size: Int64
        public var lastModified: Date
        /// `COMPLIANCE` or `GOVERNANCE` while the retention is active or after; nil without one.
        public var lockMode: String?
        public var retainUntil: Date?
        public var legalHold: Bool

        /// Whether Object Lock keeps this version from being deleted at `now`.
        public func isProtected(at now: Date) -> Bool {
            legalHold || (retainUntil.map { $0 > now } ?? false)
        }
    }

    /// Counts over the rows.
    public struct Summary: Sendable, Codable, Hashable {
        /// Keys with at least one version.
        public var keys = 0
        /// Keys whose latest version is a delete marker.
        public var deletedKeys = 0
        public var versions = 0
        public var noncurrentVersions = 0
        public var deleteMarkers = 0
        public var bytes: Int64 = 0
        /// Versions under an active retention, by mode.
        public var compliance = 0
        public var governance = 0
        public var legalHolds = 0
        /// The nearest and furthest date until which an active retention protects a version.
        public var earliestRetainUntil: Date?
        public var latestRetainUntil: Date?
    }

    public var rows: [Row]
    public var summary: Summary
    /// Whether the scan stopped at its limit before the end of the listing.
    public var isTruncated: Bool

    /// Lists the versions of `bucket` under `prefix` (at most `limit`), reading each data
    /// version's lock state when `readLocks`.
    public static func scan(
        store: any ObjectStore, bucket: String, prefix: String = "", readLocks: Bool = true, now: Date = Date(),
        limit: Int = .max, concurrency: Int = 8
    ) async throws -> VaultInventory {
        var listed: [ObjectVersion] = []
        var keyMarker: String?
        var versionMarker: String?
        var truncated = false
        repeat {
            let page = try await store.listObjectVersions(
                ObjectVersionListRequest(
                    bucket: bucket, prefix: prefix, keyMarker: keyMarker, versionIdMarker: versionMarker,
                    maxKeys: Swift.min(1000, limit - listed.count)))
            listed += page.versions
            guard page.isTruncated else { break }
            if listed.count >= limit {
                truncated = true
                break
            }
            keyMarker = page.nextKeyMarker
            versionMarker = page.nextVersionIdMarker
        } while keyMarker != nil
        var rows = listed.map { version in
            Row(
                key: version.info.key, versionId: version.versionId, isLatest: version.isLatest,
                isDeleteMarker: version.isDeleteMarker, size: version.info.size, lastModified: version.info.lastModified,
                lockMode: nil, retainUntil: nil, legalHold: false)
        }
        if readLocks { try await readLockStates(of: &rows, store: store, bucket: bucket, concurrency: concurrency) }
        return VaultInventory(rows: rows, summary: summarize(rows, now: now), isTruncated: truncated)
    }

    /// Fills in each data version's retention and legal hold, `concurrency` HEADs at a time.
    static func readLockStates(of rows: inout [Row], store: any ObjectStore, bucket: String, concurrency: Int) async throws {
        let targets = rows.indices.filter { !rows[$0].isDeleteMarker }
        let heads = rows
        try await withThrowingTaskGroup(of: (Int, ObjectInfo).self) { group in
            var next = 0
            func startNext() {
                guard next < targets.count else { return }
                let index = targets[next]
                next += 1
                group.addTask {
                    (index, try await store.headObject(bucket: bucket, key: heads[index].key, versionId: heads[index].versionId))
                }
            }
            for _ in 0..<Swift.max(1, concurrency) { startNext() }
            while let (index, info) = try await group.next() {
                rows[index].lockMode = info.retention?.mode.rawValue
                rows[index].retainUntil = info.retention?.retainUntil
                rows[index].legalHold = info.legalHold ?? false
                startNext()
            }
        }
    }

    static func summarize(_ rows: [Row], now: Date) -> Summary {
        var summary = Summary()
        for row in rows {
            if row.isLatest {
                summary.keys += 1
                if row.isDeleteMarker { summary.deletedKeys += 1 }
            }
            if row.isDeleteMarker {
                summary.deleteMarkers += 1
                continue
            }
            summary.versions += 1
            summary.bytes += row.size
            if !row.isLatest { summary.noncurrentVersions += 1 }
            if row.legalHold { summary.legalHolds += 1 }
            if let until = row.retainUntil, until > now {
                if row.lockMode == ObjectLockMode.compliance.rawValue { summary.compliance += 1 } else { summary.governance += 1 }
                summary.earliestRetainUntil = Swift.min(summary.earliestRetainUntil ?? until, until)
                summary.latestRetainUntil = Swift.max(summary.latestRetainUntil ?? until, until)
            }
        }
        return summary
    }
}
