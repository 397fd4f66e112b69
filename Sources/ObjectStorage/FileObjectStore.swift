import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The embedded object store: each object is a plain file at `ROOT/objects/<bucket>/<key>`, so
/// any tool can read a trail from disk.
///
/// - Object metadata (ETag, content type, user metadata, and the size and mtime the data file
///   had when written) lives in sidecar files under `ROOT/object-metadata/<bucket>/<key>`,
///   bucket metadata in `ROOT/buckets/<bucket>.json` — never inside the key tree.
/// - Writes are atomic and durable: data and sidecar are written to `ROOT/tmp/`, fsynced,
///   renamed into place, and the directories fsynced. A reader sees the old or the new object.
/// - Files changed on disk behind the store's back stay visible as they are: when a data file's
///   size or mtime differs from its sidecar, the ETag is recomputed from the file.
public struct FileObjectStore: ObjectStore {
    public let root: String
    var objectsRoot: String { root + "/objects" }
    var metadataRoot: String { root + "/object-metadata" }
    var bucketsRoot: String { root + "/buckets" }
    var temporaryRoot: String { root + "/tmp" }

    public init(root: String) throws {
        self.root = root
        for dir in [root + "/objects", root + "/object-metadata", root + "/buckets", root + "/tmp"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        // Leftovers of writes a crash interrupted.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root + "/tmp")) ?? [] {
            unlink(root + "/tmp/" + name)
        }
    }

    struct Sidecar: Codable {
        var etag: String
        var size: Int64
        var mtime: Int64
        var contentType: String?
        var metadata: [String: String]
    }

    struct BucketRecord: Codable {
        var creationDate: Double
        var region: String
    }

    // MARK: - Keys and paths

    /// Whether `key` can be a file path: no empty, `.` or `..` segments, no trailing `/`, ≤ 1024 bytes.
    static func isStorable(_ key: String) -> Bool {
        guard !key.isEmpty, key.utf8.count <= 1024, !key.hasSuffix("/"), !key.hasPrefix("/"), !key.utf8.contains(0) else {
            return false
        }
        return !key.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    func checkBucket(_ bucket: String) throws {
        guard BucketName.isValid(bucket), exists(objectsRoot + "/" + bucket, directory: true) else {
            throw ObjectStoreError.noSuchBucket(bucket)
        }
    }

    func paths(_ bucket: String, _ key: String) throws -> (data: String, sidecar: String) {
        try checkBucket(bucket)
        guard Self.isStorable(key) else { throw ObjectStoreError.invalidKey(key) }
        return (objectsRoot + "/" + bucket + "/" + key, metadataRoot + "/" + bucket + "/" + key)
    }

    func exists(_ path: String, directory: Bool) -> Bool {
        var s = stat()
        guard stat(path, &s) == 0 else { return false }
        return directory ? (s.st_mode & S_IFMT) == S_IFDIR : (s.st_mode & S_IFMT) == S_IFREG
    }

    // MARK: - Buckets

    public func createBucket(_ name: String, region: String) async throws {
        guard BucketName.isValid(name), !BucketName.reserved.contains(name) else { throw ObjectStoreError.invalidBucketName(name) }
        let dir = objectsRoot + "/" + name
        if exists(dir, directory: true) { throw ObjectStoreError.bucketAlreadyOwnedByYou(name) }
        let record = BucketRecord(creationDate: Date().timeIntervalSince1970, region: region)
        try writeAtomically(try JSONEncoder().encode(record), to: bucketsRoot + "/" + name + ".json")
        guard mkdir(dir, 0o755) == 0 || errno == EEXIST else { throw Self.ioError("mkdir", dir) }
        Self.syncDirectory(objectsRoot)
    }

    public func bucket(_ name: String) async throws -> BucketInfo? {
        guard BucketName.isValid(name) else { return nil }
        let dir = objectsRoot + "/" + name
        var s = stat()
        guard stat(dir, &s) == 0, (s.st_mode & S_IFMT) == S_IFDIR else { return nil }
        if let data = FileManager.default.contents(atPath: bucketsRoot + "/" + name + ".json"),
            let record = try? JSONDecoder().decode(BucketRecord.self, from: data)
        {
            return BucketInfo(name: name, creationDate: Date(timeIntervalSince1970: record.creationDate), region: record.region)
        }
        // A folder made by hand is a bucket too.
        return BucketInfo(name: name, creationDate: Date(timeIntervalSince1970: Double(s.st_mtim.tv_sec)), region: "us-east-1")
    }

    public func listBuckets() async throws -> [BucketInfo] {
        var out: [BucketInfo] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: objectsRoot).sorted() {
            if let b = try await bucket(name) { out.append(b) }
        }
        return out
    }

    public func deleteBucket(_ name: String) async throws {
        try checkBucket(name)
        let dir = objectsRoot + "/" + name
        if let contents = try? FileManager.default.contentsOfDirectory(atPath: dir), !contents.isEmpty {
            throw ObjectStoreError.bucketNotEmpty(name)
        }
        guard rmdir(dir) == 0 else { throw Self.ioError("rmdir", dir) }
        try? FileManager.default.removeItem(atPath: metadataRoot + "/" + name)
        unlink(bucketsRoot + "/" + name + ".json")
        Self.syncDirectory(objectsRoot)
    }

    // MARK: - Objects

    @discardableResult
    public func putObject(
        bucket: String, key: String, body: Data, contentType: String?, metadata: [String: String]
    ) async throws -> ObjectInfo {
        let (dataPath, sidecarPath) = try paths(bucket, key)
        try makeParents(of: dataPath, below: objectsRoot + "/" + bucket, key: key)
        try makeParents(of: sidecarPath, below: metadataRoot, key: key)
        let temporary = temporaryRoot + "/" + UUID().uuidString
        try writeFile(body, to: temporary)
        var s = stat()
        guard stat(temporary, &s) == 0 else { throw Self.ioError("stat", temporary) }
        let etag = Hex.md5(body)
        let sidecar = Sidecar(
            etag: etag, size: Int64(body.count), mtime: Self.mtime(s), contentType: contentType, metadata: metadata)
        let sidecarTemporary = temporary + ".meta"
        try writeFile(try JSONEncoder().encode(sidecar), to: sidecarTemporary)
        // Metadata first: a crash in between leaves new metadata on the old data, which the
        // size/mtime check detects (the ETag is then recomputed from the file).
        guard rename(sidecarTemporary, sidecarPath) == 0 else {
            unlink(temporary)
            unlink(sidecarTemporary)
            throw Self.ioError("rename", sidecarPath)
        }
        guard rename(temporary, dataPath) == 0 else {
            unlink(temporary)
            throw Self.ioError("rename", dataPath)
        }
        Self.syncDirectory((sidecarPath as NSString).deletingLastPathComponent)
        Self.syncDirectory((dataPath as NSString).deletingLastPathComponent)
        return ObjectInfo(
            key: key, size: Int64(body.count), lastModified: Self.date(s), etag: etag, contentType: contentType, metadata: metadata)
    }

    public func getObject(bucket: String, key: String, range: ObjectByteRange?) async throws -> StoredObject {
        let (dataPath, sidecarPath) = try paths(bucket, key)
        let fd = open(dataPath, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR || errno == EISDIR { throw ObjectStoreError.noSuchKey(bucket: bucket, key: key) }
            throw Self.ioError("open", dataPath)
        }
        defer { close(fd) }
        var s = stat()
        guard fstat(fd, &s) == 0, (s.st_mode & S_IFMT) == S_IFREG else { throw ObjectStoreError.noSuchKey(bucket: bucket, key: key) }
        let size = Int64(s.st_size)
        var resolved: ClosedRange<Int64>?
        if let range {
            guard let r = range.resolved(size: size) else { throw ObjectStoreError.invalidRange }
            resolved = r
        }
        let offset = resolved?.lowerBound ?? 0
        let length = resolved.map { Int($0.upperBound - $0.lowerBound + 1) } ?? Int(size)
        var body = Data(count: length)
        var done = 0
        try body.withUnsafeMutableBytes { buffer in
            while done < length {
                let n = pread(fd, buffer.baseAddress! + done, length - done, off_t(offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw Self.ioError("read", dataPath) }
                done += n
            }
        }
        let info = try describe(key: key, stat: s, sidecarPath: sidecarPath) {
            resolved == nil ? Hex.md5(body) : try Self.md5(ofFile: dataPath)
        }
        return StoredObject(info: info, body: body, range: resolved)
    }

    public func headObject(bucket: String, key: String) async throws -> ObjectInfo {
        let (dataPath, sidecarPath) = try paths(bucket, key)
        var s = stat()
        guard stat(dataPath, &s) == 0, (s.st_mode & S_IFMT) == S_IFREG else {
            throw ObjectStoreError.noSuchKey(bucket: bucket, key: key)
        }
        return try describe(key: key, stat: s, sidecarPath: sidecarPath) { try Self.md5(ofFile: dataPath) }
    }

    public func deleteObject(bucket: String, key: String) async throws {
        let (dataPath, sidecarPath) = try paths(bucket, key)
        if unlink(dataPath) != 0 && errno != ENOENT && errno != ENOTDIR { throw Self.ioError("unlink", dataPath) }
        unlink(sidecarPath)
        Self.syncDirectory((dataPath as NSString).deletingLastPathComponent)
        removeEmptyParents(of: dataPath, below: objectsRoot + "/" + bucket)
        removeEmptyParents(of: sidecarPath, below: metadataRoot + "/" + bucket)
    }

    public func listObjects(_ request: ObjectListRequest) async throws -> ObjectListing {
        try checkBucket(request.bucket)
        let bucketDir = objectsRoot + "/" + request.bucket
        // Walk only the folder the prefix lies in.
        let prefixDir = request.prefix.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        var keys: [String] = []
        if prefixDir.isEmpty || Self.isStorable(prefixDir) {
            collect(bucketDir + (prefixDir.isEmpty ? "" : "/" + prefixDir), keyPrefix: prefixDir.isEmpty ? "" : prefixDir + "/", into: &keys)
        }
        keys = keys.filter { $0.hasPrefix(request.prefix) }
        keys.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return try ObjectListing.page(keys: keys, request: request) { key in
            let dataPath = bucketDir + "/" + key
            var s = stat()
            guard stat(dataPath, &s) == 0 else { throw ObjectStoreError.noSuchKey(bucket: request.bucket, key: key) }
            return try describe(key: key, stat: s, sidecarPath: metadataRoot + "/" + request.bucket + "/" + key) {
                try Self.md5(ofFile: dataPath)
            }
        }
    }

    // MARK: - Helpers

    func collect(_ dir: String, keyPrefix: String, into keys: inout [String]) {
        guard let d = opendir(dir) else { return }
        defer { closedir(d) }
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            let path = dir + "/" + name
            var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var s = stat()
                isDirectory = stat(path, &s) == 0 && (s.st_mode & S_IFMT) == S_IFDIR
            }
            if isDirectory {
                collect(path, keyPrefix: keyPrefix + name + "/", into: &keys)
            } else {
                keys.append(keyPrefix + name)
            }
        }
    }

    func describe(key: String, stat s: stat, sidecarPath: String, etag: () throws -> String) throws -> ObjectInfo {
        let sidecar = FileManager.default.contents(atPath: sidecarPath).flatMap { try? JSONDecoder().decode(Sidecar.self, from: $0) }
        let size = Int64(s.st_size)
        let current = sidecar.map { $0.size == size && $0.mtime == Self.mtime(s) } ?? false
        return ObjectInfo(
            key: key, size: size, lastModified: Self.date(s), etag: current ? sidecar!.etag : try etag(),
            contentType: sidecar?.contentType, metadata: sidecar?.metadata ?? [:])
    }

    func makeParents(of path: String, below base: String, key: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        guard parent != base else { return }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            // A file where a folder must go: key "a" exists and "a/b" is written.
            throw ObjectStoreError.invalidKey(key)
        }
    }

    func removeEmptyParents(of path: String, below base: String) {
        var dir = (path as NSString).deletingLastPathComponent
        while dir.count > base.count && dir.hasPrefix(base) {
            guard rmdir(dir) == 0 else { return }
            dir = (dir as NSString).deletingLastPathComponent
        }
    }

    func writeAtomically(_ data: Data, to path: String) throws {
        let temporary = temporaryRoot + "/" + UUID().uuidString
        try writeFile(data, to: temporary)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Self.ioError("rename", path)
        }
        Self.syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Writes and fsyncs a new file.
    func writeFile(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.ioError("open", path) }
        defer { close(fd) }
        var written = 0
        try data.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    unlink(path)
                    throw Self.ioError("write", path)
                }
                written += n
            }
        }
        guard fsync(fd) == 0 else {
            unlink(path)
            throw Self.ioError("fsync", path)
        }
    }

    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func mtime(_ s: stat) -> Int64 { Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec) }
    static func date(_ s: stat) -> Date {
        Date(timeIntervalSince1970: Double(s.st_mtim.tv_sec) + Double(s.st_mtim.tv_nsec) / 1e9)
    }

    static func md5(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ioError("open", path) }
        defer { try? handle.close() }
        var hasher = Insecure.MD5()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return Hex.md5Digest(hasher.finalize())
    }

    static func ioError(_ operation: String, _ path: String) -> ObjectStoreError {
        .storage("\(operation) failed: \(String(cString: strerror(errno)))")
    }
}

enum Hex {
    static func md5(_ data: Data) -> String { md5Digest(Insecure.MD5.hash(data: data)) }
    static func md5Digest(_ digest: Insecure.MD5.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
