import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Storage classes on the embedded store.
//
// An object of a class other than STANDARD keeps its bytes in a tier folder,
// `ROOT/objects-tiers/<CLASS>/<bucket>/<key>`, and its path in the key tree,
// `ROOT/objects/<bucket>/<key>`, is a relative symbolic link to that file
// (`../../objects-tiers/<CLASS>/<bucket>/<key>`, one more `../` per `/` in the key). So every
// tool still reads the object at its usual path, listings and reads follow the link, and a tier
// folder can be another disk (mount it at `objects-tiers/<CLASS>`: the data is then copied there,
// with its modification time, instead of hard-linked).
//
// A transition never shows two objects or none: the data gets its new name first (a hard link, or
// a complete fsynced copy), then one atomic swap replaces the entry in the key tree, then the old
// data name goes. A crash leaves at most an unreferenced tier file, which
// ``FileObjectStore/removeOrphanedTierFiles(bucket:)`` removes later.
extension FileObjectStore {
    /// Names of a transition's entries under `tmp/`.
    static let tierTemporaryPrefix = "tier-"

    /// `ROOT/objects-tiers`.
    var tiersPath: String { root + "/objects-tiers" }

    func tierPath(_ storageClass: StorageClass, _ bucket: String, _ key: String) -> String {
        tiersPath + "/" + storageClass.rawValue + "/" + bucket + "/" + key
    }

    func tierBucketDirectory(_ storageClass: StorageClass, _ bucket: String) -> String {
        tiersPath + "/" + storageClass.rawValue + "/" + bucket
    }

    /// Files being copied into a tier on another file system.
    func tierTemporaryDirectory(_ storageClass: StorageClass) -> String {
        tiersPath + "/" + storageClass.rawValue + "/.tmp"
    }

    /// What the link at `objects/<bucket>/<key>` holds for an object in `storageClass`.
    static func tierLinkTarget(_ storageClass: StorageClass, _ bucket: String, _ key: String) -> String {
        let depth = 2 + key.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "/") ? 1 : 0) }
        return String(repeating: "../", count: depth) + "objects-tiers/" + storageClass.rawValue + "/" + bucket + "/" + key
    }

    /// Where an object's data lives when its key-tree entry is one of our tier links.
    struct TierLocation: Equatable {
        var storageClass: StorageClass
        var path: String
    }

    /// The tier of the entry at `path` (the key tree's entry of `bucket`/`key`, already known to be
    /// a symbolic link); nil for a link that is not a tier link (made by hand: a STANDARD object).
    func tierLocation(ofLinkAt path: String, bucket: String, key: String) throws -> TierLocation? {
        guard let target = try FileSystem.linkTarget(path) else { return nil }
        for storageClass in StorageClass.allCases where storageClass != .standard {
            if target == Self.tierLinkTarget(storageClass, bucket, key) {
                return TierLocation(storageClass: storageClass, path: tierPath(storageClass, bucket, key))
            }
        }
        return nil
    }

    /// The tier of the object at `bucket`/`key`, or nil when it is a plain file (or missing).
    func tierLocation(_ bucket: String, _ key: String) throws -> TierLocation? {
        let path = dataPath(bucket, key)
        guard let st = try FileSystem.linkStatus(path), FileSystem.isSymbolicLink(st) else { return nil }
        return try tierLocation(ofLinkAt: path, bucket: bucket, key: key)
    }

    /// Removes the data file of a tier after its key-tree entry was replaced or removed (best effort:
    /// what stays behind is an orphan for ``removeOrphanedTierFiles(bucket:)``).
    func removeReplacedTierFile(_ location: TierLocation, bucket: String, key: String) {
        guard (try? FileSystem.unlink(location.path)) == true else { return }
        try? FileSystem.fsyncDirectory(Self.parent(of: location.path))
        try? Self.removeEmptyParents(of: key, base: tierBucketDirectory(location.storageClass, bucket))
    }

    // MARK: transitions

    @discardableResult
    public func transitionObject(bucket: String, key: String, to storageClass: StorageClass, ifMatch etag: String?)
        async throws -> ObjectInfo
    {
        try await perform { [self] in
            try requireBucket(bucket)
            try requireStorable(key)
            return try locks.withLock(bucket, key) {
                try withTierLock { try transitionLocked(bucket: bucket, key: key, to: storageClass, ifMatch: etag) }
            }
        }
    }

    func transitionLocked(bucket: String, key: String, to target: StorageClass, ifMatch etag: String?) throws -> ObjectInfo {
        let objectPath = dataPath(bucket, key)
        guard let entry = try FileSystem.linkStatus(objectPath) else { throw ObjectStoreError.noSuchKey(bucket: bucket, key: key) }
        let current = FileSystem.isSymbolicLink(entry) ? try tierLocation(ofLinkAt: objectPath, bucket: bucket, key: key) : nil
        guard let st = try FileSystem.status(objectPath), FileSystem.kind(of: st) == .file else {
            throw ObjectStoreError.noSuchKey(bucket: bucket, key: key)
        }
        let stamp = FileSystem.stamp(of: st)
        let sidecar = readSidecar(bucket, key)
        var info = try describe(key: key, path: objectPath, stamp: stamp, sidecar: sidecar, fd: nil)
        if let etag, info.etag != etag { throw ObjectStoreError.preconditionFailed }
        let from = current?.storageClass ?? .standard
        info.storageClass = target.rawValue
        if from == target { return info }
        let source = current?.path ?? objectPath
        let described = sidecar?.entry(matching: stamp)
            ?? ObjectSidecar.Entry(stamp: stamp, etag: info.etag, contentType: info.contentType, metadata: info.metadata)

        // 1. The data under its new name, not yet visible.
        let replacement = temporaryPath + "/" + Self.tierTemporaryPrefix + UUID().uuidString
        let placedStamp: FileStamp
        var placed: String?
        if target == .standard {
            placedStamp = try place(source, at: replacement, copyingThrough: temporaryPath)
        } else {
            let destination = tierPath(target, bucket, key)
            try makeTierParents(target, bucket: bucket, key: key)
            // A file already there is an orphan: the object's entry names another place.
            _ = try FileSystem.unlink(destination)
            placedStamp = try place(source, at: destination, copyingThrough: tierTemporaryDirectory(target))
            try FileSystem.fsyncDirectory(Self.parent(of: destination))
            placed = destination
            try FileSystem.makeSymbolicLink(replacement, to: Self.tierLinkTarget(target, bucket, key))
        }
        var swapped = false
        defer {
            if !swapped {
                _ = try? FileSystem.unlink(replacement)
                // Unless another process made the object point there meanwhile.
                if let placed, (try? tierLocation(bucket, key))?.path != placed { _ = try? FileSystem.unlink(placed) }
            }
        }
        // 2. A copy has another inode: its sidecar entry goes in before the copy becomes visible.
        if placedStamp != stamp {
            var entry = described
            entry.stamp = placedStamp
            try installSidecar(bucket: bucket, key: key, newest: entry)
        }
        // 3. One atomic swap of the key tree's entry, checked against what it replaced.
        try swap(replacement, into: objectPath, expectedInode: UInt64(entry.st_ino))
        swapped = true
        // 4. The old data name.
        if let current { removeReplacedTierFile(current, bucket: bucket, key: key) }
        return info
    }

    /// Runs `body` holding the exclusive lock of the tier trees (`objects-tiers/.lock`, `flock`),
    /// which serialises transitions and orphan removal across threads and processes. Puts and
    /// deletes do not take it: a transition checks what its swap replaces instead.
    func withTierLock<T>(_ body: () throws -> T) throws -> T {
        try FileSystem.makeDirectories(tiersPath)
        let path = tiersPath + "/.lock"
        let fd = try FileSystem.open(path, O_RDWR | O_CREAT, mode: 0o644)
        defer { FileSystem.close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw FileSystem.fail("flock", path) }
        }
        return try body()
    }

    /// Gives the data file `source` a second name `destination`: a hard link, or (another file
    /// system) a complete, fsynced copy with the same modification time, written under
    /// `temporaryDirectory` (on the destination's file system) and renamed. Returns its stamp.
    func place(_ source: String, at destination: String, copyingThrough temporaryDirectory: String) throws -> FileStamp {
        var linked = false
        do {
            try FileSystem.hardLink(source, destination)
            linked = true
        } catch {
            guard [EXDEV, EPERM, EMLINK].contains(error.code) else { throw error }
        }
        if !linked {
            _ = try FileSystem.makeDirectory(temporaryDirectory)
            let copy = temporaryDirectory + "/" + UUID().uuidString
            try FileSystem.copyFile(source, copy)
            do {
                try FileSystem.rename(copy, destination)
            } catch {
                _ = try? FileSystem.unlink(copy)
                throw error
            }
        }
        guard let st = try FileSystem.status(destination) else { throw ObjectStoreError.storage("the placed copy vanished") }
        return FileSystem.stamp(of: st)
    }

    /// Replaces the entry at `path` by `replacement` in one step, if the entry is still the file
    /// (or link) with `expectedInode`; otherwise puts everything back and throws
    /// ``ObjectStoreError/preconditionFailed`` (another process changed the object meanwhile).
    func swap(_ replacement: String, into path: String, expectedInode: UInt64) throws {
        if try FileSystem.exchange(replacement, path) {
            // `replacement` now names what was at `path`.
            guard let old = try FileSystem.linkStatus(replacement), UInt64(old.st_ino) == expectedInode else {
                _ = try FileSystem.exchange(replacement, path)
                throw ObjectStoreError.preconditionFailed
            }
            try FileSystem.fsyncDirectory(Self.parent(of: path))
            try FileSystem.unlink(replacement)
            return
        }
        // No atomic exchange here: check, then rename.
        guard let now = try FileSystem.linkStatus(path), UInt64(now.st_ino) == expectedInode else {
            throw ObjectStoreError.preconditionFailed
        }
        try FileSystem.rename(replacement, path)
        try FileSystem.fsyncDirectory(Self.parent(of: path))
    }

    /// Creates `objects-tiers/<CLASS>/<bucket>/` and the key's parent directories there, durably.
    /// Files in the way in a tier tree are orphans (the key tree allows no such conflict): removed.
    func makeTierParents(_ storageClass: StorageClass, bucket: String, key: String) throws {
        let base = tierBucketDirectory(storageClass, bucket)
        if !FileSystem.isDirectory(base) {
            try FileSystem.makeDirectories(base)
            try FileSystem.fsyncDirectory(Self.parent(of: base))
            try FileSystem.fsyncDirectory(tiersPath + "/" + storageClass.rawValue)
            try FileSystem.fsyncDirectory(tiersPath)
        }
        for directory in try makeParents(base: base, key: key, clearingFiles: true) ?? [] {
            try FileSystem.fsyncDirectory(directory)
        }
    }
}
