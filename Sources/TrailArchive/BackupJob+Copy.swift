import AWSWire
import Crypto
import Foundation
import Logging
import ObjectStorage

extension BackupJob {
    /// Handles one selected object, retrying what is worth retrying.
    func process(_ object: ObjectInfo, existing: ObjectInfo?, manifest: BackupManifest, serverSide: Bool) async -> Outcome {
        let retry = ArchiveRetry(maxAttempts: options.maxAttempts, baseDelay: options.retryBaseDelay)
        do {
            return try await retry.run(key: object.key, logger: logger) { attempt in
                try await processOnce(object, listed: existing, manifest: manifest, attempt: attempt, serverSide: serverSide)
            }
        } catch let error where ArchiveRetry.isVanished(error) {
            return .vanished
        } catch {
            return .failed(String(describing: error))
        }
    }

    /// Compares, then copies and verifies one object. The first attempt trusts the destination
    /// listing (`listed`); a retry HEADs the destination, and an object found there with the right
    /// content is the previous attempt's copy when the listing did not have it.
    func processOnce(
        _ object: ObjectInfo, listed: ObjectInfo?, manifest: BackupManifest, attempt: Int, serverSide: Bool
    ) async throws -> Outcome {
        let present = attempt == 1 ? listed : try await destination.head(object.key)
        if let present {
            switch try await match(object, present, manifest: manifest) {
            case .different: return .conflict
            case .same(let entry): return listed == nil ? .copied(bytes: present.size, warning: nil, entry: entry) : .skipped(entry: entry)
            }
        }
        if options.dryRun { return .wouldCopy(bytes: object.size) }
        if serverSide, let from = source.s3, let to = destination.s3 {
            return try await serverSideCopy(object, from: from, to: to)
        }
        return try await streamedCopy(object)
    }

    /// CopyObject inside one S3 service. A source with an MD5 ETag is copied with its metadata
    /// (`COPY`): the copy's ETag equals the source's, which verifies it and lets later runs compare
    /// listings alone. A multipart source's copy gets a different ETag, so it also records the
    /// source's (`REPLACE` with the source's content type and metadata).
    func serverSideCopy(
        _ object: ObjectInfo, from: (client: S3Client, bucket: String, prefix: String),
        to: (client: S3Client, bucket: String, prefix: String)
    ) async throws -> Outcome {
        let etag = object.etag
        let isMD5 = !etag.isEmpty && !etag.contains("-")
        let (sourceKey, key) = (from.prefix + object.key, to.prefix + object.key)
        if isMD5, object.size <= Self.copyObjectLimit {
            let copied = try await from.client.copyObject(sourceBucket: from.bucket, sourceKey: sourceKey, bucket: to.bucket, key: key)
            // The copy's MD5 ETag equal to the source's verifies content and size without another request.
            if copied.map(Self.unquoted) == etag { return .copied(bytes: object.size, warning: nil) }
        } else {
            guard let head = try await source.head(object.key) else {
                throw ObjectStoreError.noSuchKey(bucket: from.bucket, key: sourceKey)
            }
            var metadata = head.metadata
            metadata[BackupMetadata.sourceETag] = etag
            if object.size <= Self.copyObjectLimit {
                try await from.client.copyObject(
                    sourceBucket: from.bucket, sourceKey: sourceKey, bucket: to.bucket, key: key,
                    metadataDirective: .replace(contentType: head.contentType, metadata: metadata))
            } else {
                try await from.client.copyObjectMultipart(
                    sourceBucket: from.bucket, sourceKey: sourceKey, bucket: to.bucket, key: key,
                    options: S3Client.PutOptions(contentType: head.contentType, metadata: metadata))
            }
        }
        guard let copy = try await destination.head(object.key) else {
            throw BackupVerificationError("the copy of \(object.key) is missing after CopyObject")
        }
        guard copy.size == object.size, isMD5 ? copy.etag == etag : copy.metadata[BackupMetadata.sourceETag] == etag else {
            throw BackupVerificationError("the server-side copy of \(object.key) does not match its source")
        }
        return .copied(bytes: copy.size, warning: nil, entry: Self.entry(source: object, sourceETag: etag, copy: copy))
    }

    /// CopyObject's size limit (5 GB); larger objects are copied with UploadPartCopy.
    static let copyObjectLimit: Int64 = 5 * 1024 * 1024 * 1024

    /// GET, check the bytes against the listing, transform, PUT, verify.
    func streamedCopy(_ object: ObjectInfo) async throws -> Outcome {
        let stored = try await source.read(object.key)
        let body = stored.body
        guard Int64(body.count) == object.size else {
            throw BackupVerificationError("read \(body.count) bytes of \(object.key), the listing said \(object.size)")
        }
        let md5 = Insecure.MD5.hash(data: body).hexString
        if !object.etag.isEmpty, !object.etag.contains("-"), object.etag != md5 {
            throw BackupVerificationError("the bytes read of \(object.key) do not match its ETag \(object.etag) (MD5 \(md5))")
        }
        let sourceETag = object.etag.isEmpty ? md5 : object.etag
        let output = try options.transform.apply(to: body, sourceETag: sourceETag)
        let sha256 = SHA256.hash(data: output.bytes).hexString
        var metadata = stored.info.metadata.merging(output.metadata) { _, ours in ours }
        metadata[BackupMetadata.sourceETag] = sourceETag
        metadata[BackupMetadata.sha256] = sha256
        try await destination.write(object.key, body: output.bytes, contentType: stored.info.contentType, metadata: metadata)
        let copy = try await destination.verifyWrite(object.key, body: output.bytes)
        // The copy must name its source, so that later runs recognise it.
        guard copy.metadata[BackupMetadata.sourceETag] == sourceETag, copy.metadata[BackupMetadata.sha256] == sha256 else {
            throw BackupVerificationError("the copy of \(object.key) lacks its source's identity in its metadata")
        }
        return .copied(
            bytes: Int64(output.bytes.count), warning: output.warning,
            entry: Self.entry(source: object, sourceETag: sourceETag, copy: copy))
    }

    /// The manifest entry for a copy that a listing cannot match to its source (other ETag).
    static func entry(source: ObjectInfo, sourceETag: String, copy: ObjectInfo) -> BackupManifest.Entry? {
        guard !copy.etag.isEmpty, copy.etag != sourceETag || copy.size != source.size else { return nil }
        return BackupManifest.Entry(sourceETag: sourceETag, sourceSize: source.size, copyETag: copy.etag, copySize: copy.size)
    }

    static func unquoted(_ etag: String) -> String {
        etag.count >= 2 && etag.hasPrefix("\"") && etag.hasSuffix("\"") ? String(etag.dropFirst().dropLast()) : etag
    }
}
