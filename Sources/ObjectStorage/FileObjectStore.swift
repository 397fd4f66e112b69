import Crypto
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The embedded object store: every object is a plain file, so any tool can read a trail from disk.
///
/// Layout under `root` (contract, DESIGN.md):
/// - `objects/<bucket>/<key>` — the object's bytes, nothing else; `/` in a key makes directories.
/// - `object-metadata/<bucket>/<key>` — a small sidecar per object (``ObjectSidecar``): ETag,
///   content type, user metadata, and the size, modification time and inode of the data file it
///   describes.
/// - `buckets/<bucket>.json` — a bucket's region and creation date.
/// - `tmp/` — files being written; renamed into place when complete.
/// - `objects-tiers/<CLASS>/<bucket>/<key>` — the bytes of objects in a storage class other than
///   STANDARD; their `objects/` entry is a relative symbolic link there (see `FileObjectStore+Tiers.swift`).
/// - `tmp/uploads/<upload ID>/` — a multipart upload in progress: its manifest (`upload`) and its
///   parts (`part-<number>-<md5>`); see `FileObjectStore+Multipart.swift`.
///
/// Writes are atomic and durable: the bytes go to a file under `tmp/`, are fsynced, and the file
/// is renamed over the key, then the directory is fsynced. A reader sees the old object or the new
/// one, never part of one, and a crash leaves one of the two (with its own metadata: see
/// ``ObjectSidecar``).
///
/// The files are the truth. A data file edited or replaced on disk no longer matches its sidecar's
/// stamp: the store then reports the file's real size and modification time, and the MD5 of its
/// real bytes as ETag (computed when first asked, then cached in memory); a data file with no
/// sidecar is an object too. The sidecar is only ever written by a put, never by a reader.
///
/// Keys that cannot be file paths — empty segments (`a//b`, a leading or trailing `/`), `.` or `..`
/// segments, a segment over 255 bytes, more than 1024 bytes, NUL — are refused with
/// ``ObjectStoreError/invalidKey(_:)``, and so is a key that would need a directory where an object
/// is (`a/b` when `a` exists) or the reverse.
///
/// Safe for concurrent use: the file system is the state. Puts of one key in this process are
/// serialised (so that each sidecar names the data file it replaces); everything else runs in
/// parallel. File I/O runs on Dispatch's global queue, off the cooperative thread pool, since
/// `fsync` blocks for milliseconds.
public final class FileObjectStore: ObjectStore {
    /// The data directory of the store.
    public let root: String
    /// The region reported for buckets whose region was never recorded (created by hand on disk).
    public let defaultRegion: String

    let objectsPath: String
    let metadataPath: String
    let bucketsPath: String
    let temporaryPath: String
    let uploadsPath: String
    /// How long a multipart upload is kept after its last change (creation or a part).
    public let uploadLifetime: Double
    let locks = KeyLocks()
    let etags = ETagCache()
    let lastUploadSweep = Mutex<Double>(0)

    /// Opens (creating when missing) a store under `root`, and removes temporary files that a crash
    /// left behind more than an hour ago and multipart uploads unchanged for `uploadLifetime`
    /// seconds (7 days by default; also removed while the store runs, at most once an hour).
    ///
    /// - Throws: ``ObjectStoreError/storage(_:)`` when the directories cannot be created.
    public init(root: String, defaultRegion: String = "us-east-1", uploadLifetime: Double = 7 * 86_400) throws {
        let root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.root = root
        self.defaultRegion = defaultRegion
        objectsPath = root + "/objects"
        metadataPath = root + "/object-metadata"
        bucketsPath = root + "/buckets"
        temporaryPath = root + "/tmp"
        uploadsPath = temporaryPath + "/uploads"
        self.uploadLifetime = uploadLifetime
        try Self.storageErrors {
            for path in [objectsPath, metadataPath, bucketsPath, temporaryPath, uploadsPath] {
                try FileSystem.makeDirectories(path)
            }
            try removeStaleTemporaryFiles(olderThan: 3600)
            try removeStaleUploads()
        }
    }

    // MARK: buckets

    public func createBucket(_ name: String, region: String) async throws {
        guard BucketName.isValid(name), !BucketName.reserved.contains(name) else {
            throw ObjectStoreError.invalidBucketName(name)
        }
        try await perform { [self] in
            guard try FileSystem.makeDirectory(bucketDirectory(name)) else {
                throw ObjectStoreError.bucketAlreadyOwnedByYou(name)
            }
            do {
                let info = BucketInfo(name: name, creationDate: Date(), region: region)
                try writeAtomically(Array(Self.bucketJSON(info).utf8), to: bucketFile(name), directory: bucketsPath)
                try FileSystem.fsyncDirectory(objectsPath)
            } catch {
                _ = try? FileSystem.removeDirectory(bucketDirectory(name))
                throw error
            }
        }
    }

    public func bucket(_ name: String) async throws -> BucketInfo? {
        try await perform { [self] in try bucketInfo(name) }
    }

    public func listBuckets() async throws -> [BucketInfo] {
        try await perform { [self] in
            var buckets: [BucketInfo] = []
            for entry in try FileSystem.entries(objectsPath) ?? [] {
                guard let name = String(validating: entry.name, as: UTF8.self), let info = try bucketInfo(name) else {
                    continue
                }
                buckets.append(info)
            }
            return buckets.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        }
    }

    public func deleteBucket(_ name: String) async throws {
        try await perform { [self] in
            try requireBucket(name)
            let directory = bucketDirectory(name)
            guard try Self.removeEmptyTree(directory) else { throw ObjectStoreError.bucketNotEmpty(name) }
            try FileSystem.unlink(bucketFile(name))
            try FileSystem.removeTree(metadataPath + "/" + name)
            for storageClass in StorageClass.allCases where storageClass != .standard {
                try FileSystem.removeTree(tierBucketDirectory(storageClass, name))
            }
            try removeUploads(ofBucket: name)
            try FileSystem.fsyncDirectory(objectsPath)
            try FileSystem.fsyncDirectory(bucketsPath)
        }
    }

    // MARK: objects

    @discardableResult
    public func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String],
        tags: [String: String]
    ) async throws -> ObjectInfo {
        try await perform { [self] in
            try requireBucket(bucket)
            try requireStorable(key)
            let etag = Self.md5Hex(body)
            let (temporary, stamp) = try writeTemporary(body)
            let entry = ObjectSidecar.Entry(
                stamp: stamp, etag: etag, contentType: contentType, metadata: metadata, tags: tags)
            return try install(temporary, bucket: bucket, key: key, entry: entry)
        }
    }

    public func getObject(bucket: String, key: String, range: ObjectByteRange?) async throws -> StoredObject {
        try await perform { [self] in
            try requireBucket(bucket)
            try requireStorable(key)
            let (fd, path, stamp) = try openObjectFile(bucket, key)
            defer { FileSystem.close(fd) }
            let sidecar = readSidecar(bucket, key)
            let storageClass = try tierLocation(bucket, key)?.storageClass ?? .standard
            if let range {
                guard let resolved = range.resolved(size: stamp.size) else { throw ObjectStoreError.invalidRange }
                var info = try describe(key: key, path: path, stamp: stamp, sidecar: sidecar, fd: fd)
                info.storageClass = storageClass.rawValue
                let body = try Self.read(fd, path: path, offset: resolved.lowerBound, count: Int(resolved.count))
                return StoredObject(info: info, body: body, range: resolved)
            }
            let body = try Self.read(fd, path: path, offset: 0, count: Int(stamp.size))
            var info: ObjectInfo
            if let entry = sidecar?.entry(matching: stamp) {
                info = Self.info(key: key, stamp: stamp, entry: entry)
            } else {
                // Changed on disk or never written through the store: hash the bytes just read.
                let etag = etags.etag(path: path, stamp: stamp) ?? Self.md5Hex(body)
                etags.store(etag, path: path, stamp: stamp)
                info = Self.info(key: key, stamp: stamp, etag: etag, latest: sidecar?.entries.first)
            }
            info.size = Int64(body.count)
            info.storageClass = storageClass.rawValue
            return StoredObject(info: info, body: body)
        }
    }

    public func headObject(bucket: String, key: String) async throws -> ObjectInfo {
        try await perform { [self] in try describeObject(bucket, key).info }
    }

    public func deleteObject(bucket: String, key: String) async throws {
        try await perform { [self] in
            try requireBucket(bucket)
            try requireStorable(key)
            try locks.withLock(bucket, key) {
                let data = dataPath(bucket, key)
                let sidecar = sidecarPath(bucket, key)
                let replacedTier = try tierLocation(bucket, key)
                if try FileSystem.unlink(data) { try FileSystem.fsyncDirectory(Self.parent(of: data)) }
                if let replacedTier { removeReplacedTierFile(replacedTier, bucket: bucket, key: key) }
                try FileSystem.unlink(sidecar)
                try Self.removeEmptyParents(of: key, base: bucketDirectory(bucket))
                try Self.removeEmptyParents(of: key, base: metadataPath + "/" + bucket)
            }
        }
    }

    public func listObjects(_ request: ObjectListRequest) async throws -> ObjectListing {
        try await perform { [self] in
            try requireBucket(request.bucket)
            return try list(request)
        }
    }

    /// Opens the data file of `key` for reading: its descriptor (to close), path and stamp.
    /// Throws ``ObjectStoreError/noSuchKey(bucket:key:)`` when there is no such file.
    func openObjectFile(_ bucket: String, _ key: String) throws -> (fd: Int32, path: String, stamp: FileStamp) {
        let path = dataPath(bucket, key)
        let fd: Int32
        do throws(FileSystemError) {
            fd = try FileSystem.open(path, O_RDONLY)
        } catch {
            guard [ENOENT, ENOTDIR, EISDIR, ENAMETOOLONG].contains(error.code) else { throw error }
            throw ObjectStoreError.noSuchKey(bucket: bucket, key: key)
        }
        do {
            let st = try FileSystem.status(fd, path: path)
            guard FileSystem.kind(of: st) == .file else { throw ObjectStoreError.noSuchKey(bucket: bucket, key: key) }
            return (fd, path, FileSystem.stamp(of: st))
        } catch {
            FileSystem.close(fd)
            throw error
        }
    }

    // MARK: paths

    func bucketDirectory(_ bucket: String) -> String { objectsPath + "/" + bucket }
    func bucketFile(_ bucket: String) -> String { bucketsPath + "/" + bucket + ".json" }
    func dataPath(_ bucket: String, _ key: String) -> String { objectsPath + "/" + bucket + "/" + key }
    func sidecarPath(_ bucket: String, _ key: String) -> String { metadataPath + "/" + bucket + "/" + key }

    static func parent(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        return String(path[..<slash])
    }

    /// Whether `key` can be a relative file path under a bucket directory.
    public static func isStorable(key: String) -> Bool {
        let bytes = key.utf8
        guard !bytes.isEmpty, bytes.count <= 1024, !bytes.contains(0) else { return false }
        for segment in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if segment.isEmpty || segment.count > 255 { return false }
            if segment.elementsEqual([46]) || segment.elementsEqual([46, 46]) { return false }
        }
        return true
    }

    func requireStorable(_ key: String) throws {
        guard Self.isStorable(key: key) else { throw ObjectStoreError.invalidKey(key) }
    }

    func requireBucket(_ name: String) throws {
        guard BucketName.isValid(name), !BucketName.reserved.contains(name),
            let st = try FileSystem.status(bucketDirectory(name)), FileSystem.kind(of: st) == .directory
        else { throw ObjectStoreError.noSuchBucket(name) }
    }

    // MARK: describing objects

    /// The object's description, and the sidecar entry written for its data file (nil when the
    /// file changed on disk or never had one).
    func describeObject(_ bucket: String, _ key: String) throws -> (info: ObjectInfo, entry: ObjectSidecar.Entry?) {
        try requireBucket(bucket)
        try requireStorable(key)
        let path = dataPath(bucket, key)
        guard let st = try FileSystem.status(path), FileSystem.kind(of: st) == .file else {
            throw ObjectStoreError.noSuchKey(bucket: bucket, key: key)
        }
        let stamp = FileSystem.stamp(of: st)
        let sidecar = readSidecar(bucket, key)
        var info = try describe(key: key, path: path, stamp: stamp, sidecar: sidecar, fd: nil)
        info.storageClass = try tierLocation(bucket, key)?.storageClass.rawValue ?? StorageClass.standard.rawValue
        return (info, sidecar?.entry(matching: stamp))
    }

    /// The description of the data file with `stamp`: from the sidecar when it was written for
    /// this very file, else the file's own size, time and MD5 (with the newest metadata).
    func describe(key: String, path: String, stamp: FileStamp, sidecar: ObjectSidecar?, fd: Int32?) throws -> ObjectInfo {
        if let entry = sidecar?.entry(matching: stamp) { return Self.info(key: key, stamp: stamp, entry: entry) }
        let etag = try etags.etag(path: path, stamp: stamp) ?? computeETag(path: path, fd: fd, stamp: stamp)
        return Self.info(key: key, stamp: stamp, etag: etag, latest: sidecar?.entries.first)
    }

    func computeETag(path: String, fd: Int32?, stamp: FileStamp) throws -> String {
        let descriptor = try fd ?? FileSystem.open(path, O_RDONLY)
        defer { if fd == nil { FileSystem.close(descriptor) } }
        var md5 = Insecure.MD5()
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        while true {
            let n = try FileSystem.read(descriptor, into: buffer, at: offset, path: path)
            if n == 0 { break }
            md5.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<n]))
            offset += Int64(n)
        }
        let etag = Self.hex(md5.finalize())
        etags.store(etag, path: path, stamp: stamp)
        return etag
    }

    static func info(key: String, stamp: FileStamp, entry: ObjectSidecar.Entry) -> ObjectInfo {
        ObjectInfo(
            key: key, size: stamp.size, lastModified: stamp.lastModified, etag: entry.etag,
            contentType: entry.contentType, metadata: entry.metadata, tagCount: entry.tags.count)
    }

    static func info(key: String, stamp: FileStamp, etag: String, latest: ObjectSidecar.Entry?) -> ObjectInfo {
        ObjectInfo(
            key: key, size: stamp.size, lastModified: stamp.lastModified, etag: etag,
            contentType: latest?.contentType, metadata: latest?.metadata ?? [:], tagCount: latest?.tags.count ?? 0)
    }

    func readSidecar(_ bucket: String, _ key: String) -> ObjectSidecar? {
        guard let bytes = try? Self.readSmallFile(sidecarPath(bucket, key)) else { return nil }
        return ObjectSidecar(parsing: bytes)
    }

    // MARK: writing

    /// Installs a complete, fsynced file under `tmp/` as the object `key`, described by `entry`
    /// (whose stamp is the file's): the sidecar first, then the rename over the key. The
    /// temporary file is removed when this fails.
    func install(_ temporary: String, bucket: String, key: String, entry: ObjectSidecar.Entry) throws -> ObjectInfo {
        var renamed = false
        defer { if !renamed { _ = try? FileSystem.unlink(temporary) } }
        try locks.withLock(bucket, key) {
            // New directories of both trees first: their fsyncs then ride on the sidecar's.
            guard var unsynced = try makeParents(base: bucketDirectory(bucket), key: key, clearingFiles: false) else {
                throw ObjectStoreError.invalidKey(key)
            }
            // A directory where the object would go: the key is the prefix of other objects.
            if let st = try FileSystem.status(dataPath(bucket, key)), FileSystem.kind(of: st) != .file {
                throw ObjectStoreError.invalidKey(key)
            }
            // Buckets made by hand on disk have no metadata directory yet.
            if try FileSystem.makeDirectory(metadataPath + "/" + bucket) { unsynced.append(metadataPath) }
            unsynced += try makeParents(base: metadataPath + "/" + bucket, key: key, clearingFiles: true) ?? []
            let replacedTier = try tierLocation(bucket, key)
            try installSidecar(bucket: bucket, key: key, newest: entry, syncingFirst: unsynced)
            try renameIntoPlace(temporary, base: bucketDirectory(bucket), key: key, isData: true)
            renamed = true
            if let replacedTier { removeReplacedTierFile(replacedTier, bucket: bucket, key: key) }
        }
        return Self.info(key: key, stamp: entry.stamp, entry: entry)
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

    /// Writes a new sidecar for `key` with `newest` first and the entry of the data file it is
    /// about to replace second, and makes it durable (after the directories in `syncingFirst`).
    /// Called with the key's lock held.
    func installSidecar(bucket: String, key: String, newest: ObjectSidecar.Entry, syncingFirst: [String] = []) throws {
        var entries = [newest]
        if let st = try FileSystem.status(dataPath(bucket, key)), FileSystem.kind(of: st) == .file,
            let current = readSidecar(bucket, key)?.entry(matching: FileSystem.stamp(of: st))
        {
            entries.append(current)
        }
        try writeSidecar(ObjectSidecar(entries: entries), bucket: bucket, key: key, syncingFirst: syncingFirst)
    }

    /// Replaces `key`'s sidecar with `sidecar`, durably (after the directories in `syncingFirst`).
    /// Called with the key's lock held.
    func writeSidecar(_ sidecar: ObjectSidecar, bucket: String, key: String, syncingFirst: [String] = []) throws {
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
                guard !isData, attempt < 5 else { throw ObjectStoreError.invalidKey(key) }
                try FileSystem.removeTree(target)
            default:
                throw failure
            }
        }
        throw ObjectStoreError.invalidKey(key)
    }

    /// Creates the directories between `base` and `key`'s parent, and returns the directories that
    /// gained an entry (to fsync: after all the `mkdir`s, so that one journal commit covers them).
    /// Nil when a file is in the way (unless `clearingFiles`, which removes it).
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
                guard clearingFiles else { return nil }
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

    // MARK: bucket files

    func bucketInfo(_ name: String) throws -> BucketInfo? {
        guard BucketName.isValid(name), !BucketName.reserved.contains(name),
            let st = try FileSystem.status(bucketDirectory(name)), FileSystem.kind(of: st) == .directory
        else { return nil }
        var info = BucketInfo(name: name, creationDate: FileSystem.stamp(of: st).lastModified, region: defaultRegion)
        if let bytes = try? Self.readSmallFile(bucketFile(name)),
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        {
            if let region = object["region"] as? String, !region.isEmpty { info.region = region }
            if let created = object["creationDate"] as? Double { info.creationDate = Date(timeIntervalSince1970: created) }
        }
        return info
    }

    static func bucketJSON(_ info: BucketInfo) -> String {
        func quote(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let created = (info.creationDate.timeIntervalSince1970 * 1000).rounded() / 1000
        return "{\"name\":\(quote(info.name)),\"region\":\(quote(info.region)),\"creationDate\":\(created)}\n"
    }

    // MARK: helpers

    static func readSmallFile(_ path: String) throws -> [UInt8] {
        let fd = try FileSystem.open(path, O_RDONLY)
        defer { FileSystem.close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = try chunk.withUnsafeMutableBytes { raw in
                try FileSystem.read(fd, into: raw, at: Int64(out.count), path: path)
            }
            out.append(contentsOf: chunk[..<n])
            if n < chunk.count { return out }
        }
    }

    static func read(_ fd: Int32, path: String, offset: Int64, count: Int) throws -> Data {
        var data = Data(count: count)
        let n = try data.withUnsafeMutableBytes { raw in
            try FileSystem.read(fd, into: raw, at: offset, path: path)
        }
        if n < count { data.count = n }
        return data
    }

    static func md5Hex(_ data: Data) -> String { hex(Insecure.MD5.hash(data: data)) }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Runs blocking file work on Dispatch's global queue; system-call failures become
    /// ``ObjectStoreError/storage(_:)``.
    func perform<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.storageErrors(work) })
            }
        }
    }

    static func storageErrors<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as FileSystemError {
            throw ObjectStoreError.storage(error.description)
        }
    }
}
