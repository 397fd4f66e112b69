import Foundation
import ObjectStorage

/// The lifecycle actions on what is not a current object: noncurrent versions, expired object
/// delete markers (versioned buckets) and incomplete multipart uploads.
///
/// As in S3: a version becomes noncurrent when the next newer version of its key is written (a
/// delete marker included), and `NoncurrentDays` count from then, rounded up to the next midnight
/// UTC; `NewerNoncurrentVersions` keeps that many of the newest noncurrent versions whatever their
/// age; noncurrent delete markers expire like noncurrent versions. An expired object delete marker
/// is a delete marker that is the only version of its key left. An upload is aborted
/// `DaysAfterInitiation` days (rounded up to midnight UTC) after it began. Rules with tag filters
/// never act on noncurrent versions or uploads here (their tags are not read), and size filters
/// do not apply to uploads.
extension LifecyclePlanner {
    /// One version of a key, as far as the rules look at it.
    public struct VersionFacts: Sendable, Hashable {
        public var size: Int64
        public var lastModified: Date
        public var isDeleteMarker: Bool

        public init(size: Int64, lastModified: Date, isDeleteMarker: Bool) {
            self.size = size
            self.lastModified = lastModified
            self.isDeleteMarker = isDeleteMarker
        }
    }

    /// Whether a rule acts on noncurrent versions or on expired object delete markers.
    public var actsOnVersions: Bool {
        enabledRules.contains { $0.1.noncurrentVersionExpiration != nil || $0.1.expiration?.expiredObjectDeleteMarker == true }
    }

    /// The prefixes to list versions under (none overlapping).
    public var versionListingPrefixes: [String] {
        Self.minimal(
            enabledRules.filter { $0.1.noncurrentVersionExpiration != nil || $0.1.expiration?.expiredObjectDeleteMarker == true }
                .map { $0.1.filter.prefix ?? "" })
    }

    /// Whether a rule aborts incomplete multipart uploads.
    public var abortsUploads: Bool { enabledRules.contains { $0.1.abortIncompleteMultipartUploadDays != nil } }

    /// The prefixes to list uploads under (none overlapping).
    public var uploadListingPrefixes: [String] {
        Self.minimal(enabledRules.filter { $0.1.abortIncompleteMultipartUploadDays != nil }.map { $0.1.filter.prefix ?? "" })
    }

    /// The versions of `key` due for removal as noncurrent versions, with the rule that removes
    /// each; `history` is all of the key's versions, newest first (index 0 is current).
    public func noncurrentExpirations(key: String, history: [VersionFacts], now: Date) -> [(index: Int, rule: String)] {
        guard history.count > 1 else { return [] }
        var due: [(index: Int, rule: String)] = []
        for index in 1..<history.count {
            let version = history[index]
            let noncurrentSince = history[index - 1].lastModified
            // How many noncurrent versions are newer than this one.
            let newer = index - 1
            for (_, rule) in enabledRules {
                guard let expiration = rule.noncurrentVersionExpiration, rule.filter.tags.isEmpty,
                    rule.filter.matches(key: key, size: version.size, tags: [:])
                else { continue }
                if let keep = expiration.newerNoncurrentVersions, newer < keep { continue }
                guard now >= LifecycleRule.Timing.days(expiration.noncurrentDays).due(createdAt: noncurrentSince) else { continue }
                due.append((index, rule.id))
                break
            }
        }
        return due
    }

    /// The rule that removes the key's delete marker when it is all that is left of the key.
    public func expiredDeleteMarkerRule(key: String, history: [VersionFacts]) -> String? {
        guard history.count == 1, history[0].isDeleteMarker else { return nil }
        return enabledRules.first { _, rule in
            rule.expiration?.expiredObjectDeleteMarker == true && rule.filter.tags.isEmpty
                && (rule.filter.prefix.map { key.hasPrefix($0) } ?? true)
        }?.1.id
    }

    /// The rule that aborts an upload of `key` begun at `initiated`, when one is due.
    public func abortRule(key: String, initiated: Date, now: Date) -> String? {
        enabledRules.first { _, rule in
            guard let days = rule.abortIncompleteMultipartUploadDays, rule.filter.tags.isEmpty,
                rule.filter.prefix.map({ key.hasPrefix($0) }) ?? true
            else { return false }
            return now >= LifecycleRule.Timing.days(days).due(createdAt: initiated)
        }?.1.id
    }

    static func minimal(_ prefixes: [String]) -> [String] {
        var minimal: [String] = []
        for prefix in Set(prefixes).sorted() where !minimal.contains(where: { prefix.hasPrefix($0) }) {
            minimal.append(prefix)
        }
        return minimal
    }
}
