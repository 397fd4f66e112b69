import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Writing: the versioned install of a new object, temporary files, sidecars, atomic renames and the
// directory bookkeeping that keeps a crash from leaving anything half-written.
extension FileObjectStore {

    /// Installs a complete, fsynced file under `tmp/` as the object `key`, described by `entry`
    /// (whose stamp is the file's): the sidecar first, then the rename over the key. The
    /// temporary file is removed when this fails.
    func install(
        _ temporary: String, bucket: String, key: String, entry written: ObjectSidecar.Entry, lock: ObjectLockOptions
    ) throws -> ObjectInfo {
        var renamed = false
        defer { if !renamed { _ = try? FileSystem.unlink(temporary) } }
        let (settings, now, retention, legalHold) = try lockSettings(bucket, lock)
        let versioning = settings.versioning
        var entry = written
        entry.id = versioning == .unversioned ? nil : VersionID.make(at: now)
        entry.isNullVersion = versioning != .enabled
        entry.retention = retention
        entry.legalHold = legalHold
        try locks.withLock(bucket, key) {
            // New directories of both trees first: their fsyncs then ride on the sidecar's.
            guard var unsynced = try makeParents(base: bucketDirectory(bucket), key: key, clearingFiles: false) else {
                throw ObjectStoreError.invalidKey(key)
            }
            // A put refused after this leaves no empty directories behind (they would stand in
            // the way of a key that is their name).
            defer { if !renamed { try? Self.removeEmptyParents(of: key, base: bucketDirectory(bucket)) } }
            // A directory where the object would go: the key is the prefix of other objects.
            if let st = try FileSystem.status(dataPath(bucket, key)), FileSystem.kind(of: st) != .file {
                throw ObjectStoreError.invalidKey(key)
            }
            unsynced += try prepareSidecarParents(bucket: bucket, key: key)
            let current = try versions(of: bucket, key)
            let replaced = VersionRules.replaced(in: current.versions.map(\.entry), by: versioning)
            try VersionRules.checkRemoval(of: replaced.map { current.versions[$0].entry }, bypassGovernance: false, now: now)
            let kept = try keep(current, replacing: replaced, versioning: versioning, bucket: bucket, key: key)
            let replacedTier = try tierLocation(bucket, key)
            try writeSidecar(ObjectSidecar(entries: [entry] + kept), bucket: bucket, key: key, syncingFirst: unsynced)
            try renameIntoPlace(temporary, base: bucketDirectory(bucket), key: key, isData: true)
            renamed = true
            if let replacedTier { removeReplacedTierFile(replacedTier, bucket: bucket, key: key) }
            try discard(bucket: bucket, replaced.map { current.versions[$0] }, current.shadowed)
        }
        var info = Self.info(key: key, stamp: entry.stamp!, entry: entry)
        info.versionId = versioning == .unversioned ? nil : entry.externalID
        info.retention = retention
        info.legalHold = legalHold
        return info
    }

    /// The bucket's settings, the time, and the retention and legal hold a new version of it gets
    /// with `lock` (refused when the bucket has no Object Lock).
    func lockSettings(_ bucket: String, _ lock: ObjectLockOptions) throws -> (
        settings: BucketSettings, now: Date, retention: ObjectRetention?, legalHold: Bool?
    ) {
        let settings = try settings(bucket)
        let now = clock()
        let (retention, legalHold) = try VersionRules.lock(
            for: lock, bucket: bucket, configuration: settings.objectLock, now: now)
        return (settings, now, retention, legalHold)
    }

    /// Writes `body` to a new file under `tmp/` and fsyncs it; returns its path and stamp.
    func writeTemporary(_ body: Data) throws -> (String, FileStamp) {
        let path = temporaryPath + "/" + UUID().uuidString
        let fd = try FileSystem.open(path, O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
        do {
            defer { FileSystem.close(fd) }
            try body.withUnsafeBytes { raw in try FileSystem.writeAll(fd, raw, path: path) }
            try FileSystem.fsync(fd, path: path)
            return (path, FileSystem.stamp(of: try FileSystem.status(fd, path: path)))
        } catch {
            _ = try? FileSystem.unlink(path)
            throw error
        }
    }

    /// Writes a new sidecar for `key` with `newest` first and every line it had after it (the data
    /// file about to be replaced keeps its line, and so do the other versions), and makes it
    /// durable (after the directories in `syncingFirst`). Called with the key's lock held.
    func installSidecar(bucket: String, key: String, newest: ObjectSidecar.Entry, syncingFirst: [String] = []) throws {
        let entries = [newest] + (readSidecar(bucket, key)?.entries ?? [])
        try writeSidecar(ObjectSidecar(entries: entries), bucket: bucket, key: key, syncingFirst: syncingFirst)
    }

    /// Replaces `key`'s sidecar with `sidecar`, durably (after the directories in `syncingFirst`);
    /// removes it when it lists nothing. Called with the key's lock held.
    func writeSidecar(_ sidecar: ObjectSidecar, bucket: String, key: String, syncingFirst: [String] = []) throws {
        guard !sidecar.entries.isEmpty else {
            for directory in syncingFirst { try FileSystem.fsyncDirectory(directory) }
            if try FileSystem.unlink(sidecarPath(bucket, key)) {
                try FileSystem.fsyncDirectory(Self.parent(of: sidecarPath(bucket, key)))
                try Self.removeEmptyParents(of: key, base: metadataPath + "/" + bucket)
            }
            return
        }
        // Buckets made by hand on disk have no metadata directory yet.
        if try FileSystem.makeDirectory(metadataPath + "/" + bucket) { try FileSystem.fsyncDirectory(metadataPath) }
        let bytes = sidecar.serialized()
        let (temporary, _) = try writeTemporary(Data(bytes))
        var renamed = false
        defer { if !renamed { _ = try? FileSystem.unlink(temporary) } }
        for directory in syncingFirst { try FileSystem.fsyncDirectory(directory) }
        try renameIntoPlace(temporary, base: metadataPath + "/" + bucket, key: key, isData: false)
        renamed = true
    }

    /// Creates the metadata tree's directories for `key`'s sidecar; returns those to fsync.
    func prepareSidecarParents(bucket: String, key: String) throws -> [String] {
        var unsynced: [String] = []
        // Buckets made by hand on disk have no metadata directory yet.
        if try FileSystem.makeDirectory(metadataPath + "/" + bucket) { unsynced.append(metadataPath) }
        guard let parents = try makeParents(base: metadataPath + "/" + bucket, key: key, clearingFiles: true) else {
            throw ObjectStoreError.invalidKey(key)
        }
        return unsynced + parents
    }

    /// Renames a complete temporary file to `base/key`, creating parent directories, and fsyncs the
    /// directory. A concurrent delete may remove a parent directory that was just made: retried.
    ///
    /// In the data tree a file where a directory is needed (or the reverse) means the key conflicts
    /// with another object: ``ObjectStoreError/invalidKey(_:)``. In the metadata tree such a file is
    /// an orphan (its data file is gone) and is removed.
    func renameIntoPlace(_ temporary: String, base: String, key: String, isData: Bool) throws {
        let target = base + "/" + key
        for attempt in 1...5 {
            guard let unsynced = try makeParents(base: base, key: key, clearingFiles: !isData) else {
                throw ObjectStoreError.invalidKey(key)
            }
            for directory in unsynced { try FileSystem.fsyncDirectory(directory) }
            let failure: FileSystemError
            do throws(FileSystemError) {
                try FileSystem.rename(temporary, target)
                try FileSystem.fsyncDirectory(Self.parent(of: target))
                return
            } catch {
                failure = error
            }
            switch failure.code {
            case ENOENT where attempt < 5:
                continue
            case EISDIR, ENOTEMPTY, EEXIST:
                // Sidecars of keys below this one are orphans, unless they still list versions.
                guard !isData, attempt < 5, try !metadataTreeHoldsVersions(target) else { throw ObjectStoreError.invalidKey(key) }
                try FileSystem.removeTree(target)
            default:
                throw failure
            }
        }
        throw ObjectStoreError.invalidKey(key)
    }

    /// Creates the directories between `base` and `key`'s parent, and returns the directories that
    /// gained an entry (to fsync: after all the `mkdir`s, so that one journal commit covers them).
    /// Nil when a file is in the way (unless `clearingFiles`, which removes an orphan sidecar: one
    /// that lists no version any more).
    func makeParents(base: String, key: String, clearingFiles: Bool) throws -> [String]? {
        guard let slash = key.utf8.lastIndex(of: UInt8(ascii: "/")) else { return [] }
        if FileSystem.isDirectory(base + "/" + key[..<slash]) { return [] }
        var unsynced: [String] = []
        var path = base
        for component in key[..<slash].split(separator: "/", omittingEmptySubsequences: false) {
            let parent = path
            path += "/" + component
            if try FileSystem.makeDirectory(path) {
                unsynced.append(parent)
            } else if !FileSystem.isDirectory(path) {
                guard clearingFiles, try !metadataTreeHoldsVersions(path) else { return nil }
                try FileSystem.unlink(path)
                _ = try FileSystem.makeDirectory(path)
                unsynced.append(parent)
            }
        }
        return unsynced
    }

    /// Writes a small file atomically: temporary file, fsync, rename, fsync of `directory`.
    func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws {
        let (temporary, _) = try writeTemporary(Data(bytes))
        do {
            try FileSystem.rename(temporary, path)
        } catch {
            _ = try? FileSystem.unlink(temporary)
            throw error
        }
        try FileSystem.fsyncDirectory(directory)
    }

    /// Removes the key's parent directories that are empty, up to (not including) `base`.
    static func removeEmptyParents(of key: String, base: String) throws {
        var relative = Substring(key)
        while let slash = relative.utf8.lastIndex(of: UInt8(ascii: "/")) {
            relative = relative[..<slash]
            let directory = base + "/" + relative
            guard try FileSystem.removeDirectory(directory) else { return }
            try FileSystem.fsyncDirectory(parent(of: directory))
        }
    }

    /// Whether a file lies anywhere under `path`.
    static func treeHoldsFile(_ path: String) throws -> Bool {
        for entry in try FileSystem.entries(path) ?? [] {
            switch try FileSystem.kind(of: entry, in: path) {
            case .directory: if try treeHoldsFile(path + "/" + String(decoding: entry.name, as: UTF8.self)) { return true }
            case nil: continue
            default: return true
            }
        }
        return false
    }

    /// Removes `path` if it holds nothing but (nested) empty directories; false when it holds a file.
    static func removeEmptyTree(_ path: String) throws -> Bool {
        for entry in try FileSystem.entries(path) ?? [] {
            let child = path + "/" + String(decoding: entry.name, as: UTF8.self)
            var kind = entry.kind
            if kind == nil, let st = try FileSystem.status(child) { kind = FileSystem.kind(of: st) }
            guard kind == .directory, try removeEmptyTree(child) else { return false }
        }
        return try FileSystem.removeDirectory(path)
    }

    /// Removes what a crash left under `tmp/` more than `seconds` ago: files by their modification
    /// time; a transition's entries (``tierTemporaryPrefix``: hard links that keep their data's old
    /// modification time, symbolic links) by their inode's change time.
    func removeStaleTemporaryFiles(olderThan seconds: Double) throws {
        let cutoff = Date().timeIntervalSince1970 - seconds
        for entry in try FileSystem.entries(temporaryPath) ?? [] {
            let name = String(decoding: entry.name, as: UTF8.self)
            let path = temporaryPath + "/" + name
            guard let st = try FileSystem.linkStatus(path), FileSystem.kind(of: st) != .directory else { continue }
            let time =
                name.hasPrefix(Self.tierTemporaryPrefix)
                ? Self.changeTime(st) : FileSystem.stamp(of: st).lastModified.timeIntervalSince1970
            if time < cutoff { try FileSystem.unlink(path) }
        }
    }
}
