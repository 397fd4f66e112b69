import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Describing objects and their versions: sidecar lines, ETags computed on demand, reads.
extension FileObjectStore {

    /// The description of the latest version of `key` (or of version `versionId`), and its sidecar
    /// line (nil when its data file changed on disk or never had one).
    func describeObject(_ bucket: String, _ key: String, versionId: String? = nil) throws -> (
        info: ObjectInfo, entry: ObjectSidecar.Entry?
    ) {
        try requireBucket(bucket)
        try requireStorable(key)
        let version = try locateVersion(bucket, key, versionId: versionId)
        let versioned = try settings(bucket).versioning != .unversioned
        let info = try describe(version, bucket: bucket, key: key, versioned: versioned, fd: nil)
        return (info, version.isUndescribed ? nil : version.entry)
    }

    /// The latest data version of `key`, or version `versionId`; ``ObjectStoreError/noSuchKey(bucket:key:)``
    /// when the latest is a delete marker or there is none.
    func locateVersion(_ bucket: String, _ key: String, versionId: String?) throws -> LocatedVersion {
        if let versionId { return try version(versionId, bucket: bucket, key: key) }
        guard let latest = try versions(of: bucket, key, firstOnly: true).latest, !latest.entry.isDeleteMarker else {
            throw ObjectStoreError.noSuchKey(bucket: bucket, key: key)
        }
        return latest
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

    /// The description of a version (a delete marker: size 0, no ETag); the ETag of a data file no
    /// sidecar line describes is its MD5, computed when first asked. The current version reports
    /// its tier's storage class.
    func describe(_ version: LocatedVersion, bucket: String, key: String, versioned: Bool, fd: Int32?) throws -> ObjectInfo {
        var entry = version.entry
        if version.isUndescribed, let stamp = entry.stamp, let path = version.path {
            entry.etag = try etags.etag(path: path, stamp: stamp) ?? computeETag(path: path, fd: fd, stamp: stamp)
        }
        var info = Self.info(
            key: key, stamp: entry.stamp ?? FileStamp(inode: 0, size: 0, seconds: 0, nanoseconds: 0), entry: entry)
        info.lastModified = entry.lastModified
        info.versionId = versioned ? entry.externalID : nil
        info.retention = entry.retention
        info.legalHold = entry.legalHold
        if version.path == dataPath(bucket, key) {
            info.storageClass = try tierLocation(bucket, key)?.storageClass.rawValue ?? StorageClass.standard.rawValue
        }
        return info
    }

    /// A data version's bytes (all, or `range`) with its description; `fd` is its file when open.
    func read(
        _ version: LocatedVersion, bucket: String, key: String, versioned: Bool, fd: Int32?, range: ObjectByteRange?
    ) throws -> StoredObject {
        guard let path = version.path, let stamp = version.entry.stamp else {
            throw ObjectStoreError.noSuchKey(bucket: bucket, key: key)
        }
        let descriptor = try fd ?? FileSystem.open(path, O_RDONLY)
        defer { if fd == nil { FileSystem.close(descriptor) } }
        if let range {
            guard let resolved = range.resolved(size: stamp.size) else { throw ObjectStoreError.invalidRange }
            let info = try describe(version, bucket: bucket, key: key, versioned: versioned, fd: descriptor)
            let body = try Self.read(descriptor, path: path, offset: resolved.lowerBound, count: Int(resolved.count))
            return StoredObject(info: info, body: body, range: resolved)
        }
        let body = try Self.read(descriptor, path: path, offset: 0, count: Int(stamp.size))
        var described = version
        if version.isUndescribed {
            // Changed on disk or never written through the store: hash the bytes just read.
            let etag = etags.etag(path: path, stamp: stamp) ?? Self.md5Hex(body)
            etags.store(etag, path: path, stamp: stamp)
            described.entry.etag = etag
            described.isUndescribed = false
        }
        var info = try describe(described, bucket: bucket, key: key, versioned: versioned, fd: descriptor)
        info.size = Int64(body.count)
        return StoredObject(info: info, body: body)
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
}
