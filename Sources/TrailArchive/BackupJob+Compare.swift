import Crypto
import Foundation
import ObjectStorage

extension BackupJob {
    /// Whether a destination object holds its source's content; what the manifest should remember.
    enum Match {
        case same(entry: BackupManifest.Entry?)
        case different
    }

    /// Whether the destination object `present` already holds `object`'s content.
    ///
    /// In order of cost: the listings alone (same size and MD5 ETag), or the manifest's entry for
    /// the copy as listed (no request); the copy's metadata naming its source (one HEAD of the
    /// destination: how transformed and multipart copies are recognised, and then remembered in the
    /// manifest); and last, for copies made without that metadata, the SHA-256s of both sides.
    func match(_ object: ObjectInfo, _ present: ObjectInfo, manifest: BackupManifest) async throws -> Match {
        let listedETag = object.etag
        if present.size == object.size, !listedETag.isEmpty, !listedETag.contains("-"), present.etag == listedETag {
            return .same(entry: nil)
        }
        if !listedETag.isEmpty, let entry = manifest.entry(for: present), entry.sourceETag == listedETag,
            entry.sourceSize == object.size
        {
            return .same(entry: entry)
        }
        guard try await isBackedUp(object, as: present) else { return .different }
        return .same(entry: listedETag.isEmpty ? nil : Self.entry(source: object, sourceETag: listedETag, copy: present))
    }

    /// Whether `present` holds `object`'s content, asking the storages.
    func isBackedUp(_ object: ObjectInfo, as present: ObjectInfo) async throws -> Bool {
        let listedETag = object.etag
        // Listings carry no metadata: HEAD the destination (a folder reads its metadata file).
        let copy = present.metadata.isEmpty ? try await destination.head(object.key) : present
        guard let copy else { throw BackupVerificationError("\(object.key) left the destination during the run") }
        let sourceETag = listedETag.isEmpty ? try await sourceMD5(object) : listedETag
        if let recorded = copy.metadata[BackupMetadata.sourceETag] {
            if recorded == sourceETag {
                return copy.metadata[BackupMetadata.sourceSize].map { $0 == String(object.size) } ?? (copy.size == object.size)
            }
            // Recorded from a folder source (an MD5) against a multipart source, or the reverse:
            // compare the source's SHA-256 when the copy recorded one.
            if let recordedSHA256 = copy.metadata[BackupMetadata.sourceSHA256] {
                return SHA256.hash(data: try await source.read(object.key).body).hexString == recordedSHA256
            }
            // Two MD5s that differ: the source changed since it was backed up.
            if !recorded.contains("-"), !sourceETag.contains("-") { return false }
        }
        if copy.metadata[BackupMetadata.transform] != nil { return false }
        guard copy.size == object.size else { return false }
        if copy.etag == sourceETag, !sourceETag.contains("-") { return true }
        // Multipart ETags on one side and no usable metadata: compare SHA-256s.
        let sourceSHA256 = SHA256.hash(data: try await source.read(object.key).body).hexString
        if let sha256 = copy.metadata[BackupMetadata.sha256] { return sha256 == sourceSHA256 }
        return SHA256.hash(data: try await destination.read(object.key).body).hexString == sourceSHA256
    }

    /// The MD5 of a source object listed without an ETag (a folder's file).
    func sourceMD5(_ object: ObjectInfo) async throws -> String {
        guard let head = try await source.head(object.key), !head.etag.isEmpty else {
            throw ObjectStoreError.noSuchKey(bucket: "", key: object.key)
        }
        return head.etag
    }
}
