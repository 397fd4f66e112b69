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
/// - `versions/<bucket>/<xx>/<id>` — the bytes of versions other than the current one, in a
///   bucket whose versioning is (or was) enabled: hard links (or copies, from a tier on another
///   disk) named by version ID, in 256 folders by the ID's last two hex digits. The sidecar lists
///   every version of the key, newest first, with its ID, stamp, ETag, metadata, tags and lock
///   settings (``ObjectSidecar``). `buckets/<bucket>.json` also holds versioning and Object Lock.
///
/// Versions (see ``ObjectStore``): the current version always stays at `objects/<bucket>/<key>`.
/// Before a put or delete replaces or removes that entry while its version must stay, the data is
/// linked under `versions/` (fsynced); then the sidecar naming every version is written
/// (temporary file, fsync, rename); only then is the key's entry replaced or removed. A crash at
/// any point leaves every version it should keep, and the sidecar describes whatever the files
/// are: a line whose file is gone (an interrupted put's) is ignored, and a data file that an
/// interrupted delete left behind is recognised by its stamp as a version that is no longer the
/// latest, and hidden. Object Lock is checked before anything changes.
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
    let versionsPath: String
    let temporaryPath: String
    let uploadsPath: String
    /// How long a multipart upload is kept after its last change (creation or a part).
    public let uploadLifetime: Double
    let locks = KeyLocks()
    let etags = ETagCache()
    let lastUploadSweep = Mutex<Double>(0)
    /// The time Object Lock's retention is measured against (and delete markers are made at).
    let clock: @Sendable () -> Date

    /// Opens (creating when missing) a store under `root`, and removes temporary files that a crash
    /// left behind more than an hour ago and multipart uploads unchanged for `uploadLifetime`
    /// seconds (7 days by default; also removed while the store runs, at most once an hour).
    ///
    /// - Parameter clock: the current time, for Object Lock (injectable for tests).
    /// - Throws: ``ObjectStoreError/storage(_:)`` when the directories cannot be created.
    public init(
        root: String, defaultRegion: String = "us-east-1", uploadLifetime: Double = 7 * 86_400,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.root = root
        self.defaultRegion = defaultRegion
        self.clock = clock
        objectsPath = root + "/objects"
        metadataPath = root + "/object-metadata"
        bucketsPath = root + "/buckets"
        versionsPath = root + "/versions"
        temporaryPath = root + "/tmp"
        uploadsPath = temporaryPath + "/uploads"
        self.uploadLifetime = uploadLifetime
        try Self.storageErrors {
            for path in [objectsPath, metadataPath, bucketsPath, versionsPath, temporaryPath, uploadsPath] {
                try FileSystem.makeDirectories(path)
            }
            try removeStaleTemporaryFiles(olderThan: 3600)
            try removeStaleUploads()
        }
    }

    // MARK: buckets

    public func createBucket(_ name: String, region: String, objectLockEnabled: Bool) async throws {
        guard BucketName.isValid(name), !BucketName.reserved.contains(name) else {
            throw ObjectStoreError.invalidBucketName(name)
        }
        try await perform { [self] in
            guard try FileSystem.makeDirectory(bucketDirectory(name)) else {
                throw ObjectStoreError.bucketAlreadyOwnedByYou(name)
            }
            do {
                let info = BucketInfo(name: name, creationDate: clock(), region: region)
                try writeAtomically(
                    Array(Self.bucketJSON(info, objectLockEnabled: objectLockEnabled).utf8), to: bucketFile(name),
                    directory: bucketsPath)
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
            // Versions and delete markers (locked or not) keep a bucket, as in S3: looked for once
            // the bucket holds no current object (a cheaper refusal).
            if try settings(name).versioning != .unversioned {
                guard try !Self.treeHoldsFile(directory), try !metadataTreeHoldsVersions(metadataPath + "/" + name) else {
                    throw ObjectStoreError.bucketNotEmpty(name)
                }
            }
            guard try Self.removeEmptyTree(directory) else { throw ObjectStoreError.bucketNotEmpty(name) }
            try FileSystem.unlink(bucketFile(name))
            try FileSystem.removeTree(metadataPath + "/" + name)
            try FileSystem.removeTree(versionsPath + "/" + name)
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
        tags: [String: String], lock: ObjectLockOptions
    ) async throws -> ObjectInfo {
        try await perform { [self] in
            try requireBucket(bucket)
            try requireStorable(key)
            // The lock is settled before any byte is written: a refused put costs nothing.
            _ = try lockSettings(bucket, lock)
            let etag = Self.md5Hex(body)
            let (temporary, stamp) = try writeTemporary(body)
            let entry = ObjectSidecar.Entry(
                stamp: stamp, etag: etag, contentType: contentType, metadata: metadata, tags: tags)
            return try install(temporary, bucket: bucket, key: key, entry: entry, lock: lock)
        }
    }

    public func getObject(bucket: String, key: String, versionId: String?, range: ObjectByteRange?) async throws -> StoredObject {
        try await perform { [self] in
            try requireBucket(bucket)
            try requireStorable(key)
            let versioned = try settings(bucket).versioning != .unversioned
            guard let versionId else {
                // The data file first, then its description: what is read is what is described.
                let path = dataPath(bucket, key)
                let fd: Int32?
                do throws(FileSystemError) {
                    fd = try FileSystem.open(path, O_RDONLY)
                } catch {
                    guard [ENOENT, ENOTDIR, EISDIR, ENAMETOOLONG].contains(error.code) else { throw error }
                    fd = nil
                }
                defer { if let fd { FileSystem.close(fd) } }
                var dataStamp: FileStamp?
                if let fd {
                    let st = try FileSystem.status(fd, path: path)
                    if FileSystem.kind(of: st) == .file { dataStamp = FileSystem.stamp(of: st) }
                }
                let latest = try versions(of: bucket, key, dataStamp: .some(dataStamp), firstOnly: true).latest
                guard let latest, !latest.entry.isDeleteMarker else { throw ObjectStoreError.noSuchKey(bucket: bucket, key: key) }
                return try read(latest, bucket: bucket, key: key, versioned: versioned, fd: latest.path == path ? fd : nil, range: range)
            }
            let version = try version(versionId, bucket: bucket, key: key)
            return try read(version, bucket: bucket, key: key, versioned: versioned, fd: nil, range: range)
        }
    }

    public func headObject(bucket: String, key: String, versionId: String?) async throws -> ObjectInfo {
        try await perform { [self] in
            try requireBucket(bucket)
            try requireStorable(key)
            let versioned = try settings(bucket).versioning != .unversioned
            guard let versionId else {
                guard let latest = try versions(of: bucket, key, firstOnly: true).latest, !latest.entry.isDeleteMarker else {
                    throw ObjectStoreError.noSuchKey(bucket: bucket, key: key)
                }
                return try describe(latest, bucket: bucket, key: key, versioned: versioned, fd: nil)
            }
            return try describe(
                version(versionId, bucket: bucket, key: key), bucket: bucket, key: key, versioned: versioned, fd: nil)
        }
    }

    @discardableResult
    public func deleteObject(
        bucket: String, key: String, versionId: String?, bypassGovernanceRetention: Bool
    ) async throws -> ObjectDeletion {
        try await perform { [self] in
            try requireBucket(bucket)
            try requireStorable(key)
            let versioning = try settings(bucket).versioning
            return try locks.withLock(bucket, key) {
                if let versionId {
                    return try deleteVersion(
                        versionId, bucket: bucket, key: key, versioning: versioning, bypassGovernance: bypassGovernanceRetention)
                }
                return try deleteLatest(bucket: bucket, key: key, versioning: versioning)
            }
        }
    }

    public func listObjects(_ request: ObjectListRequest) async throws -> ObjectListing {
        try await perform { [self] in
            try requireBucket(request.bucket)
            return try list(request)
        }
    }

    public func listObjectVersions(_ request: ObjectVersionListRequest) async throws -> ObjectVersionListing {
        try await perform { [self] in
            try requireBucket(request.bucket)
            try VersionRules.checkMarker(request.versionIdMarker)
            return try listVersions(request)
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

    static func bucketJSON(_ info: BucketInfo, objectLockEnabled: Bool = false) -> String {
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
        // Object Lock comes with versioning enabled, for good.
        let lock = objectLockEnabled ? ",\"objectLock\":{},\"versioning\":\"Enabled\"" : ""
        return "{\"name\":\(quote(info.name)),\"region\":\(quote(info.region)),\"creationDate\":\(created)\(lock)}\n"
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
