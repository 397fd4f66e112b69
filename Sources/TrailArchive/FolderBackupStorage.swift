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
/// reader never sees a partial file. Listings give no ETag; ``head(_:)`` computes the MD5.
public struct FolderBackupStorage: BackupStorage {
    /// Names of temporary files start with this; listings skip them.
    static let temporaryPrefix = ".trailkeeper-tmp-"
    public let root: URL

    public init(root: String) {
        self.root = URL(fileURLWithPath: root, isDirectory: true).standardizedFileURL
    }

    public var s3: (client: S3Client, bucket: String, prefix: String)? { nil }

    func url(_ key: String) -> URL { root.appendingPathComponent(key) }

    public func list() async throws -> [ObjectInfo] {
        let manager = FileManager.default
        guard manager.fileExists(atPath: root.path) else { return [] }
        let keys: [URLResourceKey] = [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey]
        guard let walker = manager.enumerator(at: root, includingPropertiesForKeys: keys) else { return [] }
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        var result: [ObjectInfo] = []
        while let url = walker.nextObject() as? URL {
            let values = try url.resourceValues(forKeys: Set(keys))
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

    public func head(_ key: String) async throws -> ObjectInfo? {
        let file = url(key)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
            (attributes[.type] as? FileAttributeType) == .typeRegular
        else { return nil }
        guard let body = try? Data(contentsOf: file) else { return nil }
        return ObjectInfo(
            key: key, size: Int64(body.count), lastModified: attributes[.modificationDate] as? Date ?? Date(),
            etag: Insecure.MD5.hash(data: body).hexString)
    }

    public func read(_ key: String) async throws -> Data {
        let file = url(key)
        do {
            return try Data(contentsOf: file)
        } catch {
            if !FileManager.default.fileExists(atPath: file.path) {
                throw ObjectStoreError.noSuchKey(bucket: root.path, key: key)
            }
            throw error
        }
    }

    public func write(_ key: String, body: Data, metadata: [String: String]) async throws {
        guard !key.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0.isEmpty }) else {
            throw ObjectStoreError.invalidKey(key)
        }
        let target = url(key)
        let folder = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(Self.temporaryPrefix + UUID().uuidString)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw ObjectStoreError.storage("cannot create \(temporary.path): errno \(errno)") }
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
                        if errno == EINTR { continue }
                        throw ObjectStoreError.storage("cannot write \(temporary.path): errno \(errno)")
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw ObjectStoreError.storage("fsync \(temporary.path): errno \(errno)") }
        }
        guard rename(temporary.path, target.path) == 0 else {
            throw ObjectStoreError.storage("cannot rename to \(target.path): errno \(errno)")
        }
        ok = true
        let dir = open(folder.path, O_RDONLY)
        if dir >= 0 {
            _ = fsync(dir)
            _ = close(dir)
        }
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
