import Foundation

// Tags: an object's live in its sidecar entry (`tag.<key>=<value>`, with the data file they were set
// for); a bucket's in `buckets/<bucket>.json` under `"tags"`.
extension FileObjectStore {
    public func objectTags(bucket: String, key: String, versionId: String?) async throws -> [String: String] {
        try await perform { [self] in
            if let versionId {
                try requireBucket(bucket)
                try requireStorable(key)
                return try version(versionId, bucket: bucket, key: key).entry.tags
            }
            let stamp = try currentStamp(bucket, key)
            let sidecar = readSidecar(bucket, key)
            return (sidecar?.entry(matching: stamp) ?? sidecar?.entries.first)?.tags ?? [:]
        }
    }

    /// Rewrites the sidecar entry of the current data file with `tags`; a data file changed on disk
    /// gets an entry of its own (its MD5, the newest entry's content type and metadata).
    public func setObjectTags(bucket: String, key: String, versionId: String?, tags: [String: String]) async throws {
        try await perform { [self] in
            try locks.withLock(bucket, key) {
                if let versionId {
                    // A version's line is found by its ID (or, for the null version, its stamp).
                    try requireBucket(bucket)
                    try requireStorable(key)
                    let target = try version(versionId, bucket: bucket, key: key)
                    var sidecar = readSidecar(bucket, key) ?? ObjectSidecar(entries: [])
                    let matching = sidecar.entries.indices.filter { index in
                        let entry = sidecar.entries[index]
                        return target.entry.id.map { entry.id == $0 } ?? (entry.stamp == target.entry.stamp)
                    }
                    if !matching.isEmpty && !target.isUndescribed {
                        for index in matching { sidecar.entries[index].tags = tags }
                        try writeSidecar(sidecar, bucket: bucket, key: key)
                        return
                    }
                }
                let stamp = try currentStamp(bucket, key)
                var sidecar = readSidecar(bucket, key) ?? ObjectSidecar(entries: [])
                if let index = sidecar.entries.firstIndex(where: { $0.stamp == stamp }) {
                    sidecar.entries[index].tags = tags
                } else {
                    let info = try describe(key: key, path: dataPath(bucket, key), stamp: stamp, sidecar: sidecar, fd: nil)
                    sidecar.entries.insert(
                        ObjectSidecar.Entry(
                            stamp: stamp, etag: info.etag, contentType: info.contentType, metadata: info.metadata, tags: tags),
                        at: 0)
                }
                try writeSidecar(sidecar, bucket: bucket, key: key)
            }
        }
    }

    public func bucketTags(_ bucket: String) async throws -> [String: String] {
        try await perform { [self] in
            try requireBucket(bucket)
            return (try bucketDocument(bucket)["tags"] as? [String: String]) ?? [:]
        }
    }

    /// Rewrites the bucket's file with `tags`, keeping every other field it has.
    public func setBucketTags(_ bucket: String, tags: [String: String]) async throws {
        try await perform { [self] in
            try requireBucket(bucket)
            // The empty key is no object's: this lock serialises the bucket file's writers.
            try locks.withLock(bucket, "") {
                var document = try bucketDocument(bucket)
                document["tags"] = tags.isEmpty ? nil : tags
                try writeBucketDocument(document, bucket: bucket)
            }
        }
    }

    /// The embedded store keeps plain files: no encryption at rest of its own (encrypt the disk).
    public func bucketEncryption(_ bucket: String) async throws -> BucketEncryption? {
        try await perform { [self] in
            try requireBucket(bucket)
            return nil
        }
    }

    /// The stamp of the key's data file. Throws ``ObjectStoreError/noSuchKey(bucket:key:)``.
    func currentStamp(_ bucket: String, _ key: String) throws -> FileStamp {
        try requireBucket(bucket)
        try requireStorable(key)
        guard let st = try FileSystem.status(dataPath(bucket, key)), FileSystem.kind(of: st) == .file else {
            throw ObjectStoreError.noSuchKey(bucket: bucket, key: key)
        }
        return FileSystem.stamp(of: st)
    }

    /// Replaces the bucket's file with `document`, atomically.
    func writeBucketDocument(_ document: [String: Any], bucket: String) throws {
        let bytes = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]) + Data("\n".utf8)
        try writeAtomically(Array(bytes), to: bucketFile(bucket), directory: bucketsPath)
    }

    /// The bucket's file as a JSON object; its name, region and creation date when it has none.
    func bucketDocument(_ bucket: String) throws -> [String: Any] {
        if let bytes = try? Self.readSmallFile(bucketFile(bucket)),
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        {
            return object
        }
        let info = try bucketInfo(bucket) ?? BucketInfo(name: bucket, creationDate: Date(), region: defaultRegion)
        return ["name": info.name, "region": info.region, "creationDate": info.creationDate.timeIntervalSince1970]
    }
}
