import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Multipart uploads (layout: FileObjectStore+Uploads.swift)

extension FileObjectStore {
    public func createMultipartUpload(
        bucket: String, key: String, properties: ObjectProperties, storageClass: StorageClass
    ) async throws -> MultipartUpload {
        try await perform { [self] in
            try requireBucket(bucket)
            try requireStorable(key)
            // Lock settings the bucket cannot take are refused now, not at completion.
            _ = try lockSettings(bucket, properties.lock)
            try removeStaleUploadsIfDue()
            let id = Self.newUploadID()
            let directory = uploadDirectory(id)
            guard try FileSystem.makeDirectory(directory) else { throw ObjectStoreError.storage("upload ID collision") }
            let manifest = UploadManifest(
                bucket: bucket, key: key, properties: properties,
                storageClass: storageClass, initiated: Date())
            do {
                try writeAtomically(try manifest.serialized(), to: directory + "/upload", directory: directory)
                try FileSystem.fsyncDirectory(uploadsPath)
            } catch {
                _ = try? FileSystem.removeTree(directory)
                throw error
            }
            return manifest.upload(id: id)
        }
    }

    @discardableResult
    public func uploadPart(bucket: String, key: String, uploadID: String, partNumber: Int, body: Data) async throws
        -> UploadedPart
    {
        guard MultipartRules.partNumbers.contains(partNumber) else { throw ObjectStoreError.invalidPart(partNumber: partNumber) }
        return try await perform { [self] in
            _ = try openUpload(uploadID, bucket: bucket, key: key)
            let etag = Self.md5Hex(body)
            let (temporary, stamp) = try writeTemporary(body)
            return try installPart(temporary, stamp: stamp, uploadID: uploadID, number: partNumber, etag: etag)
        }
    }

    @discardableResult
    public func uploadPartCopy(
        bucket: String, key: String, uploadID: String, partNumber: Int, source: ObjectCopySource,
        range: ClosedRange<Int64>?
    ) async throws -> UploadedPart {
        guard MultipartRules.partNumbers.contains(partNumber) else { throw ObjectStoreError.invalidPart(partNumber: partNumber) }
        return try await perform { [self] in
            _ = try openUpload(uploadID, bucket: bucket, key: key)
            let (fd, path, stamp, _, _) = try openCopySource(source)
            defer { FileSystem.close(fd) }
            let bytes: Range<Int64>
            if let range {
                guard range.upperBound < stamp.size else { throw ObjectStoreError.invalidRange }
                bytes = range.lowerBound..<(range.upperBound + 1)
            } else {
                bytes = 0..<stamp.size
            }
            let written = try writeTemporary(hashing: true) { writer in
                try writer.append(from: fd, path: path, range: bytes)
            }
            return try installPart(
                written.path, stamp: written.stamp, uploadID: uploadID, number: partNumber, etag: written.md5 ?? "")
        }
    }

    /// Streams the parts, one open file at a time, into one temporary file, and installs it as a
    /// put does; the object's sidecar records the parts' sizes. The upload ends afterwards.
    @discardableResult
    public func completeMultipartUpload(bucket: String, key: String, uploadID: String, parts: [CompletedPart])
        async throws -> ObjectInfo
    {
        try await perform { [self] in
            let manifest = try openUpload(uploadID, bucket: bucket, key: key)
            try requireBucket(bucket)
            try requireStorable(key)
            let files = try partFiles(uploadID)
            let selected = try MultipartRules.select(parts, from: files.mapValues(\.part))
            let written = try writeTemporary(hashing: false) { writer in
                for part in selected {
                    let file = files[part.partNumber]!
                    let fd: Int32
                    do throws(FileSystemError) {
                        fd = try FileSystem.open(file.path, O_RDONLY)
                    } catch {
                        // Replaced by a newer part of that number since it was listed.
                        guard error.code == ENOENT else { throw error }
                        throw ObjectStoreError.invalidPart(partNumber: part.partNumber)
                    }
                    defer { FileSystem.close(fd) }
                    try writer.append(from: fd, path: file.path, range: 0..<part.size)
                }
            }
            let entry = ObjectSidecar.Entry(
                stamp: written.stamp, etag: MultipartRules.etag(ofPartETags: selected.map(\.etag)),
                contentType: manifest.properties.contentType, metadata: manifest.properties.metadata,
                tags: manifest.properties.tags, partSizes: selected.map(\.size))
            var info = try install(written.path, bucket: bucket, key: key, entry: entry, lock: manifest.properties.lock)
            info = try transitionInstalled(info, bucket: bucket, key: key, to: manifest.storageClass)
            // A completion that races this one has installed the same object: either may end the upload.
            do {
                try removeUpload(uploadID)
            } catch ObjectStoreError.noSuchUpload {}
            return info
        }
    }

    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        try await perform { [self] in
            _ = try openUpload(uploadID, bucket: bucket, key: key)
            try removeUpload(uploadID)
        }
    }

    public func listParts(bucket: String, key: String, uploadID: String, after marker: Int, maxParts: Int) async throws
        -> PartListing
    {
        try await perform { [self] in
            let manifest = try openUpload(uploadID, bucket: bucket, key: key)
            let parts = try partFiles(uploadID).values.map(\.part)
            return MultipartRules.page(
                parts, after: marker, maxParts: maxParts, storageClass: manifest.storageClass.rawValue)
        }
    }

    public func listMultipartUploads(_ request: MultipartUploadListRequest) async throws -> MultipartUploadListing {
        try await perform { [self] in
            try requireBucket(request.bucket)
            let uploads = try allUploads().filter { $0.manifest.bucket == request.bucket }.map { $0.manifest.upload(id: $0.id) }
            return MultipartUploadListing.page(of: uploads, request: request)
        }
    }

    /// Moves an object just installed into `storageClass` (its tier folder), as a put with
    /// `x-amz-storage-class` ends: for that moment it was STANDARD.
    func transitionInstalled(_ info: ObjectInfo, bucket: String, key: String, to storageClass: StorageClass) throws
        -> ObjectInfo
    {
        guard storageClass != .standard else { return info }
        return try locks.withLock(bucket, key) {
            try withTierLock { try transitionLocked(bucket: bucket, key: key, to: storageClass, ifMatch: info.etag) }
        }
    }
}
