import Foundation
import Logging
import ObjectStorage
import TrailModel

/// What a destination's copies were made from, for copies that listings alone cannot match to
/// their sources (recompressed, encrypted, or copied from a multipart source): key → the source's
/// ETag and size, and the copy's ETag and size.
///
/// Kept at `.trailkeeper/backup-manifest.json.gz` under the destination (listings skip
/// `.trailkeeper/`). It is only a cache of the copies' metadata: an entry is used only while the
/// destination listing still shows the copy with the recorded ETag and size; anything else falls
/// back to a HEAD of the copy. It spares the unchanged runs of transformed backups a HEAD per object.
struct BackupManifest: Sendable, Codable, Hashable {
    struct Entry: Sendable, Codable, Hashable {
        var sourceETag: String
        var sourceSize: Int64
        var copyETag: String
        var copySize: Int64
    }

    static let key = ".trailkeeper/backup-manifest.json.gz"

    var entries: [String: Entry] = [:]

    /// The entry that still describes `copy` (same ETag and size), if any.
    func entry(for copy: ObjectInfo) -> Entry? {
        guard !copy.etag.isEmpty, let entry = entries[copy.key], entry.copyETag == copy.etag, entry.copySize == copy.size
        else { return nil }
        return entry
    }

    /// The manifest stored at `destination`; empty when there is none or it cannot be read.
    static func load(from destination: any BackupStorage, logger: Logger) async -> BackupManifest {
        do {
            let stored = try await destination.read(key)
            guard let json = Gzip.decompress(stored.body) else { throw BackupVerificationError("not gzip") }
            return try JSONDecoder().decode(BackupManifest.self, from: json)
        } catch let error where ArchiveRetry.isVanished(error) {
            return BackupManifest()
        } catch {
            logger.notice("backup manifest unreadable; copies are checked with HEAD", metadata: ["trail.error": "\(error)"])
            return BackupManifest()
        }
    }

    /// The entries still valid for the destination listed as `copies`, with `updates` laid over them.
    func merged(with updates: [String: Entry], listed copies: [String: ObjectInfo]) -> BackupManifest {
        var out = BackupManifest()
        for (key, entry) in entries {
            if let copy = copies[key], copy.etag == entry.copyETag, copy.size == entry.copySize { out.entries[key] = entry }
        }
        out.entries.merge(updates) { _, new in new }
        return out
    }

    func save(to destination: any BackupStorage) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let body = Gzip.compress(try encoder.encode(self)) else { throw BackupVerificationError("gzip failed") }
        try await destination.write(Self.key, body: body, contentType: "application/gzip", metadata: [:])
    }
}
