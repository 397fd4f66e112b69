import AWSWire
import Crypto
import Foundation
import ObjectStorage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain folder tree: every regular file under the root is an object keyed by its relative path.
///
/// Writes go to a temporary file in the same folder, are fsynced and renamed into place, so a
/// reader never sees a partial file; a failed write (a full disk) removes its temporary file. A
/// copy's content type, user metadata and MD5 are kept in `.trailkeeper/meta/<key>.json` under the
/// root (written before the file, and valid only for the file's size and mtime), so that
/// ``head(_:)`` answers without reading the file and transformed copies keep their source's identity.
/// Listings skip `.trailkeeper/` and temporary files, and give no ETag.
public struct FolderBackupStorage: BackupStorage {
    /// Names of temporary files start with this; listings skip them.
    static let temporaryPrefix = ".trailkeeper-tmp-"
    /// The folder under the root that holds metadata; listings skip it.
    static let metadataFolder = ".trailkeeper"
    public let root: URL

    public init(root: String) {
        self.root = URL(fileURLWithPath: root, isDirectory: true).standardizedFileURL
    }

    public var s3: (client: S3Client, bucket: String, prefix: String)? { nil }

    public var listsETags: Bool { false }

    func url(_ key: String) -> URL { root.appendingPathComponent(key) }

    func sidecarURL(_ key: String) -> URL {
        root.appendingPathComponent(Self.metadataFolder).appendingPathComponent("meta").appendingPathComponent(key + ".json")
    }

    /// What `.trailkeeper/meta/<key>.json` holds.
    struct Sidecar: Codable, Hashable {
        var size: Int64
        var mtimeSeconds: Int64
        var mtimeNanoseconds: Int64
        var etag: String
        var contentType: String?
        var metadata: [String: String]
    }

    public func list() async throws -> [ObjectInfo] {
        let manager = FileManager.default
        guard manager.fileExists(atPath: root.path) else { return [] }
        let keys: [URLResourceKey] = [.isRegularFileKey, .isDirectoryKey, .fileSizeKey, .contentModificationDateKey]
        guard let walker = manager.enumerator(at: root, includingPropertiesForKeys: keys) else { return [] }
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        var result: [ObjectInfo] = []
        while let url = walker.nextObject() as? URL {
            let values = try url.resourceValues(forKeys: Set(keys))
            if values.isDirectory == true, url.lastPathComponent == Self.metadataFolder, walker.level == 1 {
                walker.skipDescendants()
                continue
            }
            guard values.isRegularFile == true, !url.lastPathComponent.hasPrefix(Self.temporaryPrefix) else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(base) else { continue }
            result.append(
                ObjectInfo(
                    key: String(path.dropFirst(base.count)), size: Int64(values.fileSize ?? 0),
                    lastModified: values.contentModificationDate ?? Date(timeIntervalSince1970: 0), etag: ""))
        }
        return result
    }

    /// The file's size and mtime, when it is a regular file.
    func stamp(_ key: String) -> (size: Int64, seconds: Int64, nanoseconds: Int64)? {
        var st = stat()
        guard stat(url(key).path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        #if canImport(Darwin)
        return (Int64(st.st_size), Int64(st.st_mtimespec.tv_sec), Int64(st.st_mtimespec.tv_nsec))
        #else
        return (Int64(st.st_size), Int64(st.st_mtim.tv_sec), Int64(st.st_mtim.tv_nsec))
        #endif
    }

    /// The sidecar of the file as it is now; `nil` when there is none or it was written for another file.
    func sidecar(_ key: String) -> Sidecar? {
        guard let stamp = stamp(key), let data = FileManager.default.contents(atPath: sidecarURL(key).path),
            let sidecar = try? JSONDecoder().decode(Sidecar.self, from: data),
            sidecar.size == stamp.size, sidecar.mtimeSeconds == stamp.seconds, sidecar.mtimeNanoseconds == stamp.nanoseconds
        else { return nil }
        return sidecar
    }

    public func head(_ key: String) async throws -> ObjectInfo? {
        guard let stamp = stamp(key) else { return nil }
        let modified = Date(timeIntervalSince1970: Double(stamp.seconds) + Double(stamp.nanoseconds) / 1e9)
        if let sidecar = sidecar(key) {
            return ObjectInfo(
                key: key, size: stamp.size, lastModified: modified, etag: sidecar.etag, contentType: sidecar.contentType,
                metadata: sidecar.metadata)
        }
        guard let body = try? Data(contentsOf: url(key)) else { return nil }
        return ObjectInfo(
            key: key, size: Int64(body.count), lastModified: modified, etag: Insecure.MD5.hash(data: body).hexString)
    }

    public func read(_ key: String) async throws -> StoredObject {
        let file = url(key)
        let body: Data
        do {
            body = try Data(contentsOf: file)
        } catch {
            if !FileManager.default.fileExists(atPath: file.path) {
                throw ObjectStoreError.noSuchKey(bucket: root.path, key: key)
            }
            throw ObjectStoreError.storage("cannot read \(file.path): \(error)")
        }
        let sidecar = sidecar(key)
        let info = ObjectInfo(
            key: key, size: Int64(body.count), lastModified: Date(), etag: sidecar?.etag ?? "",
            contentType: sidecar?.contentType, metadata: sidecar?.metadata ?? [:])
        return StoredObject(info: info, body: body)
    }

    public func verifyWrite(_ key: String, body: Data) async throws -> ObjectInfo {
        let stored = try await read(key)
        guard stored.body == body else {
            throw BackupVerificationError("the file written for \(key) does not read back the same bytes")
        }
        guard let info = try await head(key) else { throw BackupVerificationError("the file for \(key) is gone") }
        return info
    }

    public func write(_ key: String, body: Data, contentType: String?, metadata: [String: String]) async throws {
        guard !key.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0.isEmpty }),
            !key.hasPrefix(Self.metadataFolder + "/")
        else {
            throw ObjectStoreError.invalidKey(key)
        }
        // The data file gets this mtime, so the sidecar written first describes it exactly.
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let sidecar = Sidecar(
            size: Int64(body.count), mtimeSeconds: Int64(now.tv_sec), mtimeNanoseconds: Int64(now.tv_nsec),
            etag: Insecure.MD5.hash(data: body).hexString, contentType: contentType, metadata: metadata)
        let meta = sidecarURL(key)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try Self.writeAtomically(try encoder.encode(sidecar), to: meta, modified: nil)
        do {
            try Self.writeAtomically(body, to: url(key), modified: now)
        } catch {
            // Nothing half-written: the sidecar describes no file.
            _ = unlink(meta.path)
            throw error
        }
    }

    /// Writes a temporary file next to `target`, fsyncs it, sets its mtime, renames it into place and
    /// fsyncs the folder. On failure the temporary file is removed.
    static func writeAtomically(_ body: Data, to target: URL, modified: timespec?) throws {
        let folder = target.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ObjectStoreError.storage("cannot create \(folder.path): \(error)")
        }
        let temporary = folder.appendingPathComponent(temporaryPrefix + UUID().uuidString)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw ObjectStoreError.storage("cannot create \(temporary.path): \(errorText(code))")
        }
        var ok = false
        defer {
            if !ok { _ = unlink(temporary.path) }
        }
        do {
            defer { _ = close(fd) }
            try body.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = posixWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        let code = errno
                        if code == EINTR { continue }
                        throw ObjectStoreError.storage("cannot write \(temporary.path): \(errorText(code))")
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else {
                let code = errno
                throw ObjectStoreError.storage("fsync \(temporary.path): \(errorText(code))")
            }
            if let modified {
                let times = [modified, modified]
                guard futimens(fd, times) == 0 else {
                    let code = errno
                    throw ObjectStoreError.storage("cannot set the mtime of \(temporary.path): \(errorText(code))")
                }
            }
        }
        guard rename(temporary.path, target.path) == 0 else {
            let code = errno
            throw ObjectStoreError.storage("cannot rename to \(target.path): \(errorText(code))")
        }
        ok = true
        let dir = open(folder.path, O_RDONLY | O_CLOEXEC)
        if dir >= 0 {
            _ = fsync(dir)
            _ = close(dir)
        }
    }

    static func errorText(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}

extension Sequence<UInt8> {
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// POSIX `write` (the storage's own `write` method hides the global function inside the type).
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
