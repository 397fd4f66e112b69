import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How ``FileObjectStore`` keeps multipart uploads: one directory per upload under `tmp/uploads/`,
/// so that an upload survives a restart and never shows among the objects.
///
/// - `tmp/uploads/<id>/upload` — the manifest (JSON: bucket, key, content type, metadata, tags,
///   storage class, initiation time), written atomically when the upload is created.
/// - `tmp/uploads/<id>/part-<00001…10000>-<md5>` — a part; its ETag is in its name, so one rename
///   installs bytes and ETag together. A newer part of the same number replaces the older one.
/// - `tmp/uploads/.<id>.<uuid>` — an upload that was completed or aborted: renamed away in one
///   step (so no part can land in it any more), then removed.
///
/// An upload whose directory has not changed for ``FileObjectStore/uploadLifetime`` is removed
/// when the store opens and, while it runs, at most once an hour when an upload is created.
extension FileObjectStore {
    /// What an upload's manifest records.
    struct UploadManifest {
        var bucket: String
        var key: String
        var properties: ObjectProperties
        var storageClass: StorageClass
        var initiated: Date

        func serialized() throws -> [UInt8] {
            var object: [String: Any] = [
                "bucket": bucket, "key": key, "metadata": properties.metadata,
                "initiatedMilliseconds": Self.milliseconds(initiated),
            ]
            if let contentType = properties.contentType { object["contentType"] = contentType }
            if !properties.tags.isEmpty { object["tags"] = properties.tags }
            if storageClass != .standard { object["storageClass"] = storageClass.rawValue }
            if let retention = properties.lock.retention {
                object["lockMode"] = retention.mode.rawValue
                object["lockUntilMilliseconds"] = Self.milliseconds(retention.retainUntil)
            }
            if let hold = properties.lock.legalHold { object["legalHold"] = hold }
            return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        }

        /// `initiated` is kept to the millisecond, as listings show it.
        init(bucket: String, key: String, properties: ObjectProperties, storageClass: StorageClass, initiated: Date) {
            self.bucket = bucket
            self.key = key
            self.properties = properties
            self.storageClass = storageClass
            self.initiated = Date(timeIntervalSince1970: Double(Self.milliseconds(initiated)) / 1000)
        }

        static func milliseconds(_ date: Date) -> Int64 {
            Int64((date.timeIntervalSince1970 * 1000).rounded())
        }

        init?(parsing bytes: [UInt8]) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                let bucket = object["bucket"] as? String, let key = object["key"] as? String,
                let initiated = (object["initiatedMilliseconds"] as? NSNumber)?.int64Value
            else { return nil }
            self.bucket = bucket
            self.key = key
            properties = ObjectProperties(
                contentType: object["contentType"] as? String, metadata: object["metadata"] as? [String: String] ?? [:],
                tags: object["tags"] as? [String: String] ?? [:])
            if let mode = (object["lockMode"] as? String).flatMap(ObjectLockMode.init(rawValue:)),
                let until = (object["lockUntilMilliseconds"] as? NSNumber)?.int64Value
            {
                properties.lock.retention = ObjectRetention(
                    mode: mode, retainUntil: Date(timeIntervalSince1970: Double(until) / 1000))
            }
            properties.lock.legalHold = (object["legalHold"] as? NSNumber)?.boolValue
            storageClass = (object["storageClass"] as? String).flatMap(StorageClass.init(rawValue:)) ?? .standard
            self.initiated = Date(timeIntervalSince1970: Double(initiated) / 1000)
        }

        func upload(id: String) -> MultipartUpload {
            MultipartUpload(uploadID: id, key: key, initiated: initiated, storageClass: storageClass.rawValue)
        }
    }

    /// A part file: its description and where it is.
    struct PartFile {
        var part: UploadedPart
        var path: String
        var stamp: FileStamp
    }

    func uploadDirectory(_ id: String) -> String { uploadsPath + "/" + id }

    /// Upload IDs the store makes: 32 hex digits. Anything else (a `/`, `..`) names no upload.
    static func isUploadID(_ id: String) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func newUploadID() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    static func partName(_ number: Int, etag: String) -> String {
        let digits = String(number)
        return "part-" + String(repeating: "0", count: Swift.max(0, 5 - digits.count)) + digits + "-" + etag
    }

    /// The number and ETag of a part file's name.
    static func parsePartName(_ name: String) -> (number: Int, etag: String)? {
        let fields = name.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0] == "part", fields[1].count == 5, let number = Int(fields[1]),
            MultipartRules.partNumbers.contains(number), fields[2].count == 32
        else { return nil }
        return (number, String(fields[2]))
    }

    /// The manifest of upload `id`, which must be an upload of `key` in `bucket`.
    ///
    /// - Throws: ``ObjectStoreError/noSuchUpload(_:)`` otherwise.
    func openUpload(_ id: String, bucket: String, key: String) throws -> UploadManifest {
        guard Self.isUploadID(id), let bytes = try? Self.readSmallFile(uploadDirectory(id) + "/upload"),
            let manifest = UploadManifest(parsing: bytes), manifest.bucket == bucket, manifest.key == key
        else { throw ObjectStoreError.noSuchUpload(id) }
        return manifest
    }

    /// The newest part of each number of upload `id`.
    func partFiles(_ id: String) throws -> [Int: PartFile] {
        let directory = uploadDirectory(id)
        guard let entries = try FileSystem.entries(directory) else { throw ObjectStoreError.noSuchUpload(id) }
        var parts: [Int: PartFile] = [:]
        for entry in entries {
            guard let name = String(validating: entry.name, as: UTF8.self), let (number, etag) = Self.parsePartName(name)
            else { continue }
            let path = directory + "/" + name
            guard let st = try FileSystem.status(path), FileSystem.kind(of: st) == .file else { continue }
            let stamp = FileSystem.stamp(of: st)
            if let known = parts[number], (known.stamp.seconds, known.stamp.nanoseconds) >= (stamp.seconds, stamp.nanoseconds) {
                continue
            }
            let part = UploadedPart(partNumber: number, etag: etag, size: stamp.size, lastModified: stamp.lastModified)
            parts[number] = PartFile(part: part, path: path, stamp: stamp)
        }
        return parts
    }

    /// Moves a complete temporary file into upload `id` as part `number`, and removes the part of
    /// that number it replaces.
    func installPart(_ temporary: String, stamp: FileStamp, uploadID id: String, number: Int, etag: String) throws
        -> UploadedPart
    {
        var renamed = false
        defer { if !renamed { _ = try? FileSystem.unlink(temporary) } }
        let directory = uploadDirectory(id)
        let name = Self.partName(number, etag: etag)
        try locks.withLock("uploads/" + id, String(number)) {
            do throws(FileSystemError) {
                try FileSystem.rename(temporary, directory + "/" + name)
            } catch {
                guard error.code == ENOENT || error.code == ENOTDIR else { throw error }
                throw ObjectStoreError.noSuchUpload(id)
            }
            renamed = true
            let prefix = String(name.prefix(11))  // "part-00001-"
            for entry in try FileSystem.entries(directory) ?? [] {
                let other = String(decoding: entry.name, as: UTF8.self)
                if other.hasPrefix(prefix), other != name { try FileSystem.unlink(directory + "/" + other) }
            }
            try FileSystem.fsyncDirectory(directory)
        }
        return UploadedPart(partNumber: number, etag: etag, size: stamp.size, lastModified: stamp.lastModified)
    }

    /// Ends upload `id`: renames its directory away (no part can land in it after that), then removes it.
    func removeUpload(_ id: String) throws {
        let trash = uploadsPath + "/." + id + "." + UUID().uuidString
        do throws(FileSystemError) {
            try FileSystem.rename(uploadDirectory(id), trash)
        } catch {
            guard error.code == ENOENT else { throw error }
            throw ObjectStoreError.noSuchUpload(id)
        }
        try FileSystem.fsyncDirectory(uploadsPath)
        try FileSystem.removeTree(trash)
    }

    /// Every upload in progress with its manifest.
    func allUploads() throws -> [(id: String, manifest: UploadManifest)] {
        var out: [(String, UploadManifest)] = []
        for entry in try FileSystem.entries(uploadsPath) ?? [] {
            guard let id = String(validating: entry.name, as: UTF8.self), Self.isUploadID(id),
                let bytes = try? Self.readSmallFile(uploadDirectory(id) + "/upload"),
                let manifest = UploadManifest(parsing: bytes)
            else { continue }
            out.append((id, manifest))
        }
        return out
    }

    /// Removes the uploads of a bucket that was deleted.
    func removeUploads(ofBucket bucket: String) throws {
        for (id, manifest) in try allUploads() where manifest.bucket == bucket {
            do {
                try removeUpload(id)
            } catch ObjectStoreError.noSuchUpload {
                continue
            }
        }
    }

    /// Removes uploads unchanged for ``uploadLifetime`` seconds (by their directory's modification
    /// time, which a new part updates), what completions and aborts left half-removed, and
    /// directories that never got a manifest.
    func removeStaleUploads(now: Date = Date()) throws {
        lastUploadSweep.withLock { $0 = now.timeIntervalSince1970 }
        let cutoff = now.timeIntervalSince1970 - uploadLifetime
        for entry in try FileSystem.entries(uploadsPath) ?? [] {
            let name = String(decoding: entry.name, as: UTF8.self)
            let path = uploadsPath + "/" + name
            if name.hasPrefix(".") {
                try FileSystem.removeTree(path)
                continue
            }
            guard let st = try FileSystem.status(path),
                FileSystem.stamp(of: st).lastModified.timeIntervalSince1970 < cutoff
            else { continue }
            if Self.isUploadID(name), FileSystem.kind(of: st) == .directory {
                _ = try? removeUpload(name)
            } else {
                try FileSystem.removeTree(path)
            }
        }
    }

    /// ``removeStaleUploads(now:)`` when the last sweep is more than an hour old.
    func removeStaleUploadsIfDue() throws {
        let now = Date()
        let due = lastUploadSweep.withLock { now.timeIntervalSince1970 - $0 >= 3600 }
        if due { try removeStaleUploads(now: now) }
    }
}
