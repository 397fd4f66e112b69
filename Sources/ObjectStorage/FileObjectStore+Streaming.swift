import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A new file under the store's `tmp/` filled from byte ranges of other files through one 1 MiB
/// buffer, so that copies and multipart completions never hold an object in memory.
final class TemporaryFileWriter {
    static let bufferSize = 1 << 20

    let fd: Int32
    let path: String
    private let buffer: UnsafeMutableRawBufferPointer
    private var md5: Insecure.MD5?
    private(set) var written: Int64 = 0

    /// Creates the file; its MD5 is computed along when `hashing`.
    init(directory: String, hashing: Bool) throws(FileSystemError) {
        path = directory + "/" + UUID().uuidString
        fd = try FileSystem.open(path, O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
        buffer = .allocate(byteCount: Self.bufferSize, alignment: 16)
        md5 = hashing ? Insecure.MD5() : nil
    }

    deinit {
        buffer.deallocate()
        FileSystem.close(fd)
    }

    /// Appends the bytes `range` of the open file `source`; throws when the file ends first.
    func append(from source: Int32, path sourcePath: String, range: Range<Int64>) throws {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let want = Int(Swift.min(Int64(buffer.count), range.upperBound - offset))
            let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[..<want])
            let n = try FileSystem.read(source, into: chunk, at: offset, path: sourcePath)
            guard n == want else { throw ObjectStoreError.storage("a source file is shorter than expected") }
            let bytes = UnsafeRawBufferPointer(chunk)
            md5?.update(bufferPointer: bytes)
            try FileSystem.writeAll(fd, bytes, path: path)
            offset += Int64(n)
            written += Int64(n)
        }
    }

    /// Makes the file durable; returns its stamp and, when hashing, its MD5 (lowercase hex).
    func finish() throws -> (stamp: FileStamp, md5: String?) {
        try FileSystem.fsync(fd, path: path)
        let stamp = FileSystem.stamp(of: try FileSystem.status(fd, path: path))
        return (stamp, md5.map { FileObjectStore.hex($0.finalize()) })
    }
}

extension FileObjectStore {
    /// Writes a temporary file with `fill`; removes it when anything fails.
    func writeTemporary(hashing: Bool, _ fill: (TemporaryFileWriter) throws -> Void) throws -> (
        path: String, stamp: FileStamp, md5: String?
    ) {
        let writer = try TemporaryFileWriter(directory: temporaryPath, hashing: hashing)
        let path = writer.path
        do {
            try fill(writer)
            let (stamp, md5) = try writer.finish()
            return (path, stamp, md5)
        } catch {
            _ = try? FileSystem.unlink(path)
            throw error
        }
    }

    /// Opens the object `key` (its latest version, or the source's version) for a copy: its
    /// descriptor (to close), path, stamp, description and tags, after checking the source's
    /// required ETag.
    func openCopySource(_ source: ObjectCopySource) throws -> (
        fd: Int32, path: String, stamp: FileStamp, info: ObjectInfo, tags: [String: String]
    ) {
        try requireBucket(source.bucket)
        try requireStorable(source.key)
        let version = try locateVersion(source.bucket, source.key, versionId: source.versionId)
        guard let path = version.path, let expected = version.entry.stamp else {
            throw ObjectStoreError.noSuchKey(bucket: source.bucket, key: source.key)
        }
        let fd: Int32
        do throws(FileSystemError) {
            fd = try FileSystem.open(path, O_RDONLY)
        } catch {
            guard [ENOENT, ENOTDIR, EISDIR, ENAMETOOLONG].contains(error.code) else { throw error }
            throw ObjectStoreError.noSuchKey(bucket: source.bucket, key: source.key)
        }
        do {
            // Replaced between the look-up and the open: the caller may try again.
            let stamp = FileSystem.stamp(of: try FileSystem.status(fd, path: path))
            guard stamp == expected else { throw ObjectStoreError.storage("the copy source changed while it was opened") }
            let versioned = try settings(source.bucket).versioning != .unversioned
            let info = try describe(version, bucket: source.bucket, key: source.key, versioned: versioned, fd: fd)
            if let ifMatch = source.ifMatch, MultipartRules.unquoted(ifMatch) != info.etag {
                throw ObjectStoreError.preconditionFailed
            }
            return (fd, path, stamp, info, version.entry.tags)
        } catch {
            FileSystem.close(fd)
            throw error
        }
    }
}
