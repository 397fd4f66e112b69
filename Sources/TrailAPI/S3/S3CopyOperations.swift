import Foundation
import HTTPTypes
import Hummingbird
import ObjectStorage

// MARK: - CopyObject

extension S3Operations {
    /// `PUT /bucket/key` with `x-amz-copy-source: [/]bucket/key[?versionId=…]` (URL-encoded):
    /// a server-side copy of the source's latest version or of the version named, with the Object
    /// Lock headers of a put (`x-amz-version-id` and `x-amz-copy-source-version-id` answered when
    /// the buckets keep versions). `x-amz-metadata-directive: COPY` (default) keeps the source's content
    /// type and metadata, `REPLACE` takes the request's; `x-amz-tagging-directive` does the same
    /// for tags (`x-amz-tagging`); `x-amz-storage-class` sets the copy's class (`STANDARD` otherwise). `x-amz-copy-source-if-*` conditions answer 412
    /// `PreconditionFailed`; copying an object onto itself without changing anything is
    /// `InvalidRequest`, as in S3.
    func copyObject(_ bucket: String, _ key: String, request: Request) async throws -> Response {
        guard key.utf8.count <= 1024 else { throw S3Error(ObjectStoreError.invalidKey(key)) }
        let replace = try Self.replaces(request.headers[S3Header.metadataDirective], "metadata", name: "x-amz-metadata-directive")
        let replaceTags = try Self.replaces(request.headers[S3Header.taggingDirective], "tagging", name: "x-amz-tagging-directive")
        try accessControl.checkHeaders(request.headers)
        let storageClass = try Self.storageClass(request)
        let lock = try Self.lockOptions(request.headers)
        let (sourceBucket, sourceKey, sourceVersion) = try Self.copySource(request.headers[S3Header.copySource] ?? "")
        if sourceBucket == bucket, sourceKey == key, sourceVersion == nil, !replace, !replaceTags,
            request.headers[S3Header.storageClass] == nil
        {
            throw S3Error(
                .badRequest, "InvalidRequest",
                "This copy request is illegal because it is trying to copy an object to itself without changing the "
                    + "object's metadata, storage class, website redirect location or encryption attributes.")
        }
        let replacement =
            replace
            ? ObjectProperties(contentType: request.headers[.contentType], metadata: try Self.userMetadata(request.headers))
            : nil
        let tags = replaceTags ? try Self.objectTags(request.headers) : nil
        let (source, sourceInfo) = try await checkedCopySource(request)
        let info = try await objects.copyObject(
            ObjectCopyRequest(
                source: source, bucket: bucket, key: key, replacement: replacement, tags: tags, storageClass: storageClass,
                lock: lock))
        var xml = S3XML(root: "CopyObjectResult")
        xml.element("ETag", "\"\(info.etag)\"")
        xml.element("LastModified", S3Text.iso8601(info.lastModified))
        var response = Self.xmlResponse(xml.finished(closing: "CopyObjectResult"))
        if let versionId = info.versionId { response.headers[S3Header.versionID] = versionId }
        if let versionId = sourceInfo.versionId { response.headers[S3Header.copySourceVersionID] = versionId }
        return response
    }

    /// The source of a copy (`x-amz-copy-source`) after its conditions (`x-amz-copy-source-if-*`),
    /// required to keep the ETag it had when they were checked, and its description.
    func checkedCopySource(_ request: Request) async throws -> (ObjectCopySource, ObjectInfo) {
        let (bucket, key, version) = try Self.copySource(request.headers[S3Header.copySource] ?? "")
        let info = try await objects.headObject(bucket: bucket, key: key, versionId: version)
        let outcome = Self.evaluatePreconditions(
            info, ifMatch: request.headers[S3Header.copySourceIfMatch],
            ifUnmodifiedSince: request.headers[S3Header.copySourceIfUnmodifiedSince],
            ifNoneMatch: request.headers[S3Header.copySourceIfNoneMatch],
            ifModifiedSince: request.headers[S3Header.copySourceIfModifiedSince])
        // For a copy, a condition that would give 304 on a GET is a failed precondition too.
        guard case .proceed = outcome else { throw S3Error(ObjectStoreError.preconditionFailed) }
        return (ObjectCopySource(bucket: bucket, key: key, ifMatch: info.etag, versionId: version), info)
    }

    /// Whether a copy directive header says `REPLACE` (`COPY` or none: false); `InvalidArgument`
    /// for anything else.
    static func replaces(_ directive: String?, _ what: String, name: String) throws -> Bool {
        switch directive?.uppercased() {
        case nil, "COPY": return false
        case "REPLACE": return true
        case let other?: throw S3Error.invalidArgument("Unknown \(what) directive.", name: name, value: other)
        }
    }

    /// `bucket/key`, `/bucket/key`, with `?versionId=…`, percent-encoded (`+` is a plus).
    static func copySource(_ header: String) throws -> (bucket: String, key: String, versionID: String?) {
        var text = Substring(header)
        var version: String?
        if let question = text.firstIndex(of: "?") {
            let query = S3Query(raw: text[text.index(after: question)...])
            version = query["versionId"]
            text = text[..<question]
        }
        if text.hasPrefix("/") { text = text.dropFirst() }
        guard let decoded = S3Text.percentDecode(text, plusAsSpace: false), let slash = decoded.firstIndex(of: "/"),
            slash != decoded.startIndex, decoded.index(after: slash) != decoded.endIndex
        else {
            throw S3Error.invalidArgument(
                "Copy Source must mention the source bucket and key: sourcebucket/sourcekey", name: "x-amz-copy-source",
                value: header)
        }
        return (String(decoded[..<slash]), String(decoded[decoded.index(after: slash)...]), version)
    }
}
