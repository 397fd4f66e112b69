import Foundation

extension FileObjectStore {
    /// Copies the source's bytes into a temporary file (hashing them: the copy's ETag is their
    /// MD5), then installs it as a put does.
    @discardableResult
    public func copyObject(_ request: ObjectCopyRequest) async throws -> ObjectInfo {
        try await perform { [self] in
            try requireBucket(request.bucket)
            try requireStorable(request.key)
            let (fd, path, stamp, source, sourceTags) = try openCopySource(request.source)
            defer { FileSystem.close(fd) }
            let written = try writeTemporary(hashing: true) { writer in
                try writer.append(from: fd, path: path, range: 0..<stamp.size)
            }
            let properties = request.replacement ?? ObjectProperties(contentType: source.contentType, metadata: source.metadata)
            let entry = ObjectSidecar.Entry(
                stamp: written.stamp, etag: written.md5 ?? "", contentType: properties.contentType,
                metadata: properties.metadata, tags: request.tags ?? sourceTags)
            let info = try install(written.path, bucket: request.bucket, key: request.key, entry: entry, lock: request.lock)
            return try transitionInstalled(info, bucket: request.bucket, key: request.key, to: request.storageClass)
        }
    }

    public func objectAttributes(bucket: String, key: String, versionId: String?) async throws -> ObjectAttributes {
        try await perform { [self] in
            let (info, entry) = try describeObject(bucket, key, versionId: versionId)
            guard let sizes = entry?.partSizes else { return ObjectAttributes(info: info) }
            return ObjectAttributes(info: info, partCount: sizes.count, partSizes: sizes)
        }
    }
}
