import Foundation

// MARK: - Multipart uploads, copies, attributes

extension MemoryObjectStore {
    public func createMultipartUpload(
        bucket: String, key: String, properties: ObjectProperties, storageClass: StorageClass
    ) async throws -> MultipartUpload {
        let state = try require(bucket)
        guard !key.isEmpty else { throw ObjectStoreError.invalidKey(key) }
        _ = try VersionRules.lock(for: properties.lock, bucket: bucket, configuration: state.lock, now: clock())
        let upload = MultipartUpload(
            uploadID: UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""), key: key, initiated: Date(),
            storageClass: storageClass.rawValue)
        uploads[upload.uploadID] = Upload(bucket: bucket, upload: upload, properties: properties)
        return upload
    }

    @discardableResult
    public func uploadPart(bucket: String, key: String, uploadID: String, partNumber: Int, body: Data) async throws
        -> UploadedPart
    {
        guard MultipartRules.partNumbers.contains(partNumber) else { throw ObjectStoreError.invalidPart(partNumber: partNumber) }
        _ = try requireUpload(uploadID, bucket: bucket, key: key)
        let part = UploadedPart(partNumber: partNumber, etag: Self.md5Hex(body), size: Int64(body.count), lastModified: Date())
        uploads[uploadID]!.parts[partNumber] = (part, body)
        return part
    }

    @discardableResult
    public func uploadPartCopy(
        bucket: String, key: String, uploadID: String, partNumber: Int, source: ObjectCopySource,
        range: ClosedRange<Int64>?
    ) async throws -> UploadedPart {
        _ = try requireUpload(uploadID, bucket: bucket, key: key)
        let entry = try copySource(source)
        var body = entry.body
        if let range {
            guard range.upperBound < Int64(body.count) else { throw ObjectStoreError.invalidRange }
            body = body.subdata(in: Int(range.lowerBound)..<Int(range.upperBound + 1))
        }
        return try await uploadPart(bucket: bucket, key: key, uploadID: uploadID, partNumber: partNumber, body: body)
    }

    @discardableResult
    public func completeMultipartUpload(bucket: String, key: String, uploadID: String, parts: [CompletedPart])
        async throws -> ObjectInfo
    {
        let upload = try requireUpload(uploadID, bucket: bucket, key: key)
        let selected = try MultipartRules.select(parts, from: upload.parts.mapValues(\.part))
        var body = Data()
        for part in selected { body += upload.parts[part.partNumber]!.body }
        let info = try insert(
            bucket: bucket, key: key, body: body, etag: MultipartRules.etag(ofPartETags: selected.map(\.etag)),
            properties: upload.properties, lock: upload.properties.lock, partSizes: selected.map(\.size),
            storageClass: StorageClass(rawValue: upload.upload.storageClass) ?? .standard)
        uploads[uploadID] = nil
        return info
    }

    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        _ = try requireUpload(uploadID, bucket: bucket, key: key)
        uploads[uploadID] = nil
    }

    public func listParts(bucket: String, key: String, uploadID: String, after marker: Int, maxParts: Int) async throws
        -> PartListing
    {
        let upload = try requireUpload(uploadID, bucket: bucket, key: key)
        return MultipartRules.page(
            upload.parts.values.map(\.part), after: marker, maxParts: maxParts, storageClass: upload.upload.storageClass)
    }

    public func listMultipartUploads(_ request: MultipartUploadListRequest) async throws -> MultipartUploadListing {
        _ = try require(request.bucket)
        let all = uploads.values.filter { $0.bucket == request.bucket }.map(\.upload)
        return MultipartUploadListing.page(of: all, request: request)
    }

    @discardableResult
    public func copyObject(_ request: ObjectCopyRequest) async throws -> ObjectInfo {
        _ = try require(request.bucket)
        guard !request.key.isEmpty else { throw ObjectStoreError.invalidKey(request.key) }
        let source = try copySource(request.source)
        let properties =
            request.replacement ?? ObjectProperties(contentType: source.info.contentType, metadata: source.info.metadata)
        return try insert(
            bucket: request.bucket, key: request.key, body: source.body, etag: Self.md5Hex(source.body),
            properties: ObjectProperties(
                contentType: properties.contentType, metadata: properties.metadata, tags: request.tags ?? source.tags),
            lock: request.lock, storageClass: request.storageClass)
    }

    public func objectAttributes(bucket: String, key: String, versionId: String?) async throws -> ObjectAttributes {
        let (version, versioning) = try find(bucket: bucket, key: key, versionId: versionId)
        return ObjectAttributes(
            info: describe(version, versioning: versioning), partCount: version.partSizes?.count,
            partSizes: version.partSizes ?? [])
    }

    // MARK: helpers

    func requireUpload(_ id: String, bucket: String, key: String) throws -> Upload {
        guard let upload = uploads[id], upload.bucket == bucket, upload.upload.key == key else {
            throw ObjectStoreError.noSuchUpload(id)
        }
        return upload
    }

    func copySource(_ source: ObjectCopySource) throws -> Version {
        let (entry, _) = try find(bucket: source.bucket, key: source.key, versionId: source.versionId)
        if let ifMatch = source.ifMatch, MultipartRules.unquoted(ifMatch) != entry.info.etag {
            throw ObjectStoreError.preconditionFailed
        }
        return entry
    }
}
