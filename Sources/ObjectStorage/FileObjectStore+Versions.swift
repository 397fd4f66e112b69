import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A version of a key and where its bytes are.
struct LocatedVersion {
    var entry: ObjectSidecar.Entry
    /// The data file or the version's file under `versions/`; nil for a delete marker.
    var path: String?
    /// A data file that no sidecar line describes (changed or put there by hand): its ETag must be
    /// computed, and it takes the newest line's content type and metadata.
    var isUndescribed = false
}

/// A key's versions as the files stand (see ``FileObjectStore/versions(of:_:dataStamp:firstOnly:)``).
struct KeyVersions {
    /// Newest first.
    var versions: [LocatedVersion] = []
    /// Null versions hidden by a newer null version: garbage whose files may go.
    var shadowed: [LocatedVersion] = []

    var latest: LocatedVersion? { versions.first }
}

// Versions on disk: resolving a key's sidecar against the files, and the steps of a delete.
extension FileObjectStore {
    /// `versions/<bucket>/<last two hex digits>/<id>`.
    func versionPath(_ bucket: String, _ id: String) -> String {
        versionsPath + "/" + bucket + "/" + String(id.suffix(2)) + "/" + id
    }

    /// The versions of `key` whose bytes exist, newest first.
    ///
    /// A sidecar line applies while a file with its stamp exists: the data file, or its file under
    /// `versions/`; other lines are left over from an interrupted put or a removed version and are
    /// skipped. A data file that matches no line comes first, as a null version. Of several null
    /// versions only the newest counts (a put while suspended replaces the null version).
    ///
    /// - Parameters:
    ///   - dataStamp: the data file's stamp when the caller already knows it (`.some(nil)`: no file).
    ///   - firstOnly: stop after the latest version.
    func versions(of bucket: String, _ key: String, dataStamp known: FileStamp?? = nil, firstOnly: Bool = false) throws -> KeyVersions {
        let dataPath = dataPath(bucket, key)
        let dataStamp: FileStamp?
        if let known {
            dataStamp = known
        } else if let st = try FileSystem.status(dataPath), FileSystem.kind(of: st) == .file {
            dataStamp = FileSystem.stamp(of: st)
        } else {
            dataStamp = nil
        }
        let sidecar = readSidecar(bucket, key)
        var result = KeyVersions()
        var seenNull = false
        // A version copied to another file system has a line per copy (same ID): the first found counts.
        var seenIDs = Set<String>()
        if let dataStamp, sidecar?.entry(matching: dataStamp) == nil {
            let newest = sidecar?.entries.first { !$0.isDeleteMarker }
            let entry = ObjectSidecar.Entry(
                stamp: dataStamp, etag: "", contentType: newest?.contentType, metadata: newest?.metadata ?? [:])
            result.versions.append(LocatedVersion(entry: entry, path: dataPath, isUndescribed: true))
            seenNull = true
        }
        for entry in sidecar?.entries ?? [] {
            if firstOnly && !result.versions.isEmpty { break }
            var path: String?
            if let stamp = entry.stamp {
                if stamp == dataStamp {
                    path = dataPath
                } else if let id = entry.id, let st = try FileSystem.status(versionPath(bucket, id)),
                    FileSystem.stamp(of: st) == stamp
                {
                    path = versionPath(bucket, id)
                } else {
                    continue
                }
            }
            if let id = entry.id, !seenIDs.insert(id).inserted { continue }
            let located = LocatedVersion(entry: entry, path: path)
            if entry.isNullVersion {
                if seenNull {
                    result.shadowed.append(located)
                    continue
                }
                seenNull = true
            }
            result.versions.append(located)
        }
        return result
    }

    /// Version `versionId` of a key (a data version; a delete marker is an error).
    func version(_ versionId: String, bucket: String, key: String) throws -> LocatedVersion {
        guard let found = try versions(of: bucket, key).versions.first(where: { $0.entry.externalID == versionId }) else {
            throw VersionRules.missing(bucket: bucket, key: key, versionId: versionId)
        }
        guard !found.entry.isDeleteMarker else {
            throw ObjectStoreError.deleteMarker(bucket: bucket, key: key, versionId: versionId)
        }
        return found
    }

    /// The sidecar lines to write after a new version: every current version (those at
    /// `replacing` too, so that an interrupted put leaves the old state whole; they disappear
    /// with their bytes). A version whose only copy is the data file, and which stays, is first
    /// linked under `versions/` (given an ID when it was written unversioned).
    func keep(
        _ current: KeyVersions, replacing: [Int], versioning: BucketVersioning, bucket: String, key: String
    ) throws -> [ObjectSidecar.Entry] {
        var entries: [ObjectSidecar.Entry] = []
        for (index, version) in current.versions.enumerated() {
            let stays = versioning != .unversioned && !replacing.contains(index)
            guard stays else {
                if !version.isUndescribed { entries.append(version.entry) }
                continue
            }
            entries += try preserved(version, bucket: bucket, key: key)
        }
        return entries
    }

    /// The lines of a version that must outlive its data file, now also under `versions/`: a hard
    /// link of the data (through a tier link to the tier's file), or a copy when the tier is
    /// another file system — then a second line with the copy's stamp follows the first.
    func preserved(_ version: LocatedVersion, bucket: String, key: String) throws -> [ObjectSidecar.Entry] {
        var entry = version.entry
        guard let path = version.path, let stamp = entry.stamp, path == dataPath(bucket, key) else { return [entry] }
        if version.isUndescribed { entry.etag = try etags.etag(path: path, stamp: stamp) ?? computeETag(path: path, fd: nil, stamp: stamp) }
        let id = entry.id ?? VersionID.make(at: stamp.lastModified)
        entry.id = id
        let source = try tierLocation(bucket, key)?.path ?? path
        let placed = try placeVersion(source, at: versionPath(bucket, id), stamp: stamp)
        guard placed != stamp else { return [entry] }
        var copy = entry
        copy.stamp = placed
        return [entry, copy]
    }

    /// Gives the data file `source` (whose stamp is `stamp`) the name `target` under `versions/`,
    /// durably: a hard link, or a copy from another file system. A file already there with that
    /// stamp is the same version. Returns the stamp of the file at `target`.
    func placeVersion(_ source: String, at target: String, stamp: FileStamp) throws -> FileStamp {
        let shard = Self.parent(of: target)
        let bucketDirectory = Self.parent(of: shard)
        if try FileSystem.makeDirectory(bucketDirectory) { try FileSystem.fsyncDirectory(versionsPath) }
        if try FileSystem.makeDirectory(shard) { try FileSystem.fsyncDirectory(bucketDirectory) }
        if let st = try FileSystem.status(target) {
            if FileSystem.stamp(of: st) == stamp { return stamp }
            try FileSystem.unlink(target)
        }
        let placed = try place(source, at: target, copyingThrough: temporaryPath)
        try FileSystem.fsyncDirectory(shard)
        return placed
    }

    /// Removes the files under `versions/` of versions that are gone (replaced, shadowed or
    /// deleted): their lines then no longer apply. The data file is left to the caller.
    func discard(bucket: String, _ groups: [LocatedVersion]...) throws {
        for version in groups.joined() {
            guard let id = version.entry.id, let stamp = version.entry.stamp else { continue }
            let path = versionPath(bucket, id)
            guard let st = try FileSystem.status(path), FileSystem.stamp(of: st) == stamp else { continue }
            if try FileSystem.unlink(path) { try FileSystem.fsyncDirectory(Self.parent(of: path)) }
        }
    }

    // MARK: deletes

    /// A delete without a version ID: the object goes (unversioned), or a delete marker becomes
    /// the latest version. Called with the key's lock held.
    func deleteLatest(bucket: String, key: String, versioning: BucketVersioning) throws -> ObjectDeletion {
        let now = clock()
        let current = try versions(of: bucket, key)
        let replaced = VersionRules.replaced(in: current.versions.map(\.entry), by: versioning)
        try VersionRules.checkRemoval(of: replaced.map { current.versions[$0].entry }, bypassGovernance: false, now: now)
        guard versioning != .unversioned else {
            try removeDataFile(bucket: bucket, key: key)
            try writeSidecar(ObjectSidecar(entries: []), bucket: bucket, key: key)
            try discard(bucket: bucket, current.versions, current.shadowed)
            return ObjectDeletion(versionId: nil, isDeleteMarker: false)
        }
        let marker = ObjectSidecar.Entry(
            stamp: nil, etag: "", contentType: nil, metadata: [:], id: VersionID.make(at: now),
            isNullVersion: versioning == .suspended, markerTime: now)
        let unsynced = try prepareSidecarParents(bucket: bucket, key: key)
        let kept = try keep(current, replacing: replaced, versioning: versioning, bucket: bucket, key: key)
        try writeSidecar(ObjectSidecar(entries: [marker] + kept), bucket: bucket, key: key, syncingFirst: unsynced)
        try removeDataFile(bucket: bucket, key: key)
        try discard(bucket: bucket, replaced.map { current.versions[$0] }, current.shadowed)
        return ObjectDeletion(versionId: marker.externalID, isDeleteMarker: true)
    }

    /// A delete of one version: gone for good, unless Object Lock protects it. When it was the
    /// latest, the version before it becomes current again (its file linked back into place).
    /// Called with the key's lock held.
    func deleteVersion(
        _ versionId: String, bucket: String, key: String, versioning: BucketVersioning, bypassGovernance: Bool
    ) throws -> ObjectDeletion {
        let current = try versions(of: bucket, key)
        guard let index = current.versions.firstIndex(where: { $0.entry.externalID == versionId }) else {
            guard versionId == "null" || VersionID.isWellFormed(versionId) else { throw ObjectStoreError.invalidVersionId(versionId) }
            return ObjectDeletion(versionId: versionId, isDeleteMarker: false)
        }
        let target = current.versions[index]
        try VersionRules.checkRemoval(of: [target.entry], bypassGovernance: bypassGovernance, now: clock())
        let dataPath = dataPath(bucket, key)
        // Its file under versions/ first: then the data file (if it is this version) is its last copy.
        try discard(bucket: bucket, [target])
        var remaining = current.versions
        remaining.remove(at: index)
        if index == 0, let next = remaining.first, !next.entry.isDeleteMarker, let source = next.path, source != dataPath {
            // The version before becomes current: its bytes back at the key. A data file left
            // there by an interrupted delete is another version's: it keeps a link of its own first.
            for i in remaining.indices where remaining[i].path == dataPath {
                // The line of the copy under versions/ (the last) is the one that stays true.
                remaining[i].entry = try preserved(remaining[i], bucket: bucket, key: key).last!
                remaining[i].path = versionPath(bucket, remaining[i].entry.id!)
                remaining[i].isUndescribed = false
            }
            try restore(source, bucket: bucket, key: key)
            remaining[0].path = dataPath
        } else if target.path == dataPath {
            try removeDataFile(bucket: bucket, key: key)
        }
        try writeSidecar(ObjectSidecar(entries: remaining.filter { !$0.isUndescribed }.map(\.entry)), bucket: bucket, key: key)
        try discard(bucket: bucket, current.shadowed)
        return ObjectDeletion(versionId: versionId, isDeleteMarker: target.entry.isDeleteMarker)
    }

    /// Puts a version's file back at the key: a new hard link, renamed into place atomically.
    func restore(_ source: String, bucket: String, key: String) throws {
        let temporary = temporaryPath + "/" + UUID().uuidString
        try FileSystem.hardLink(source, temporary)
        var renamed = false
        defer { if !renamed { _ = try? FileSystem.unlink(temporary) } }
        if let st = try FileSystem.status(dataPath(bucket, key)), FileSystem.kind(of: st) != .file {
            throw ObjectStoreError.invalidKey(key)
        }
        let replacedTier = try tierLocation(bucket, key)
        try renameIntoPlace(temporary, base: bucketDirectory(bucket), key: key, isData: true)
        renamed = true
        if let replacedTier { removeReplacedTierFile(replacedTier, bucket: bucket, key: key) }
    }

    /// Removes the key's entry in `objects/` (if any; a tier link with its tier file) and the
    /// directories it leaves empty, durably.
    func removeDataFile(bucket: String, key: String) throws {
        let data = dataPath(bucket, key)
        let replacedTier = try tierLocation(bucket, key)
        if try FileSystem.unlink(data) { try FileSystem.fsyncDirectory(Self.parent(of: data)) }
        if let replacedTier { removeReplacedTierFile(replacedTier, bucket: bucket, key: key) }
        try Self.removeEmptyParents(of: key, base: bucketDirectory(bucket))
    }

    /// Whether a sidecar, or any sidecar under a metadata directory, still lists a version (a
    /// delete marker, or a data version whose file exists): such sidecars are never cleared away.
    func metadataTreeHoldsVersions(_ path: String) throws -> Bool {
        guard let st = try FileSystem.status(path) else { return false }
        guard FileSystem.kind(of: st) == .directory else {
            let relative = path.dropFirst(metadataPath.count + 1)
            guard let slash = relative.firstIndex(of: "/") else { return false }
            let bucket = String(relative[..<slash])
            let key = String(relative[relative.index(after: slash)...])
            return try !versions(of: bucket, key, firstOnly: true).versions.isEmpty
        }
        for entry in try FileSystem.entries(path) ?? [] {
            if try metadataTreeHoldsVersions(path + "/" + String(decoding: entry.name, as: UTF8.self)) { return true }
        }
        return false
    }
}
