import AWSWire
import Foundation
import HTTPTypes
import Hummingbird
import ObjectStorage

// MARK: - Multipart uploads

extension S3Operations {
    /// `POST /bucket/key?uploads` (CreateMultipartUpload): `Content-Type`, `x-amz-meta-*`,
    /// `x-amz-tagging`, `x-amz-storage-class` and the Object Lock headers apply to the completed
    /// object; ACL headers as PutObject's.
    func createMultipartUpload(_ bucket: String, _ key: String, request: Request) async throws -> Response {
        guard key.utf8.count <= 1024 else { throw S3Error(ObjectStoreError.invalidKey(key)) }
        try accessControl.checkHeaders(request.headers)
        let properties = ObjectProperties(
            contentType: request.headers[.contentType], metadata: try Self.userMetadata(request.headers),
            tags: try Self.objectTags(request.headers), lock: try Self.lockOptions(request.headers))
        let upload = try await objects.createMultipartUpload(
            bucket: bucket, key: key, properties: properties, storageClass: try Self.storageClass(request))
        var xml = S3XML(root: "InitiateMultipartUploadResult")
        xml.element("Bucket", bucket)
        xml.element("Key", key)
        xml.element("UploadId", upload.uploadID)
        return Self.xmlResponse(xml.finished(closing: "InitiateMultipartUploadResult"))
    }

    /// `PUT /bucket/key?partNumber=N&uploadId=ID` (UploadPart, or UploadPartCopy with
    /// `x-amz-copy-source`): the body's `Content-MD5` and checksums are checked as PutObject's are.
    func uploadPart(_ bucket: String, _ key: String, query: S3Query, request: Request, payload: S3Payload) async throws
        -> Response
    {
        let uploadID = query["uploadId"] ?? ""
        let partNumber = try Self.partNumber(query["partNumber"])
        if request.headers[S3Header.copySource] != nil {
            return try await uploadPartCopy(bucket, key, uploadID: uploadID, partNumber: partNumber, request: request)
        }
        var headers = try Self.checkIntegrity(request, payload: payload)
        let part = try await objects.uploadPart(
            bucket: bucket, key: key, uploadID: uploadID, partNumber: partNumber, body: payload.body)
        headers[.eTag] = "\"\(part.etag)\""
        return Response(status: .ok, headers: headers)
    }

    /// UploadPartCopy: the bytes of `x-amz-copy-source` (all, or `x-amz-copy-source-range:
    /// bytes=first-last`), with the copy-source conditions of CopyObject.
    func uploadPartCopy(_ bucket: String, _ key: String, uploadID: String, partNumber: Int, request: Request) async throws
        -> Response
    {
        let (source, info) = try await checkedCopySource(request)
        var range: ClosedRange<Int64>?
        if let text = request.headers[S3Header.copySourceRange] {
            guard let parsed = Self.copySourceRange(text) else {
                throw S3Error.invalidArgument(
                    "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the "
                        + "zero-based offsets of the first and last bytes to copy",
                    name: "x-amz-copy-source-range", value: text)
            }
            guard parsed.upperBound < info.size else {
                throw S3Error.invalidArgument(
                    "Range specified is not valid for source object of size: \(info.size)", name: "x-amz-copy-source-range",
                    value: text)
            }
            range = parsed
        }
        let part: UploadedPart
        do {
            part = try await objects.uploadPartCopy(
                bucket: bucket, key: key, uploadID: uploadID, partNumber: partNumber, source: source, range: range)
        } catch ObjectStoreError.invalidRange {
            throw S3Error.invalidArgument("Range specified is not valid for source object of size: \(info.size)")
        }
        var xml = S3XML(root: "CopyPartResult")
        xml.element("ETag", "\"\(part.etag)\"")
        xml.element("LastModified", S3Text.iso8601(part.lastModified))
        var response = Self.xmlResponse(xml.finished(closing: "CopyPartResult"))
        if let versionId = info.versionId { response.headers[S3Header.copySourceVersionID] = versionId }
        return response
    }

    /// `POST /bucket/key?uploadId=ID` (CompleteMultipartUpload) with
    /// `<CompleteMultipartUpload><Part><PartNumber>…</PartNumber><ETag>…</ETag></Part>…`.
    func completeMultipartUpload(_ bucket: String, _ key: String, query: S3Query, request: Request, payload: S3Payload)
        async throws -> Response
    {
        let uploadID = query["uploadId"] ?? ""
        let document = try S3RequestDocument.parse(payload.body, root: "CompleteMultipartUpload")
        let parts = try document.children("Part").map { part in
            guard let number = S3RequestDocument.text(part, "PartNumber").flatMap({ Int($0) }),
                let etag = S3RequestDocument.text(part, "ETag")
            else { throw S3Error.malformedXML() }
            return CompletedPart(partNumber: number, etag: etag)
        }
        guard !parts.isEmpty else { throw S3Error.malformedXML() }
        let info = try await objects.completeMultipartUpload(bucket: bucket, key: key, uploadID: uploadID, parts: parts)
        var xml = S3XML(root: "CompleteMultipartUploadResult")
        xml.element("Location", "http://\(request.head.authority ?? "localhost")/\(bucket)/\(S3Text.urlEncode(key))")
        xml.element("Bucket", bucket)
        xml.element("Key", key)
        xml.element("ETag", "\"\(info.etag)\"")
        var response = Self.xmlResponse(xml.finished(closing: "CompleteMultipartUploadResult"))
        if let versionId = info.versionId { response.headers[S3Header.versionID] = versionId }
        return response
    }

    /// `DELETE /bucket/key?uploadId=ID` (AbortMultipartUpload): 204.
    func abortMultipartUpload(_ bucket: String, _ key: String, query: S3Query) async throws -> Response {
        try await objects.abortMultipartUpload(bucket: bucket, key: key, uploadID: query["uploadId"] ?? "")
        return Response(status: .noContent)
    }

    /// `GET /bucket/key?uploadId=ID` (ListParts), with `max-parts` and `part-number-marker`.
    func listParts(_ bucket: String, _ key: String, query: S3Query) async throws -> Response {
        let uploadID = query["uploadId"] ?? ""
        let maxParts = try Self.count(query["max-parts"], name: "max-parts")
        let marker = try Self.count(query["part-number-marker"], name: "part-number-marker", default: 0)
        let page = try await objects.listParts(bucket: bucket, key: key, uploadID: uploadID, after: marker, maxParts: maxParts)
        var xml = S3XML(root: "ListPartsResult")
        xml.element("Bucket", bucket)
        xml.element("Key", key)
        xml.element("UploadId", uploadID)
        writeOwner(&xml, as: "Initiator")
        writeOwner(&xml)
        xml.element("StorageClass", page.storageClass)
        xml.element("PartNumberMarker", String(marker))
        xml.element("NextPartNumberMarker", String(page.parts.last?.partNumber ?? marker))
        xml.element("MaxParts", String(maxParts))
        xml.element("IsTruncated", page.isTruncated ? "true" : "false")
        for part in page.parts {
            xml.open("Part")
            xml.element("PartNumber", String(part.partNumber))
            xml.element("LastModified", S3Text.iso8601(part.lastModified))
            xml.element("ETag", "\"\(part.etag)\"")
            xml.element("Size", String(part.size))
            xml.close("Part")
        }
        return Self.xmlResponse(xml.finished(closing: "ListPartsResult"))
    }

    /// `GET /bucket?uploads` (ListMultipartUploads): `prefix`, `delimiter`, `key-marker`,
    /// `upload-id-marker`, `max-uploads` and `encoding-type=url`, as S3 pages them.
    func listMultipartUploads(_ bucket: String, query: S3Query) async throws -> Response {
        let encode = try Self.urlEncoding(query)
        let maxUploads = try Self.count(query["max-uploads"], name: "max-uploads")
        let keyMarker = query["key-marker"] ?? ""
        let uploadIDMarker = keyMarker.isEmpty ? "" : query["upload-id-marker"] ?? ""
        let request = MultipartUploadListRequest(
            bucket: bucket, prefix: query["prefix"] ?? "", delimiter: query["delimiter"].flatMap { $0.isEmpty ? nil : $0 },
            keyMarker: keyMarker, uploadIDMarker: uploadIDMarker, maxUploads: maxUploads)
        let page = try await objects.listMultipartUploads(request)

        func text(_ value: String) -> String { encode ? S3Text.urlEncode(value) : value }
        var xml = S3XML(root: "ListMultipartUploadsResult")
        xml.element("Bucket", bucket)
        xml.element("KeyMarker", text(keyMarker))
        xml.element("UploadIdMarker", uploadIDMarker)
        xml.element("NextKeyMarker", text(page.nextKeyMarker ?? ""))
        xml.element("NextUploadIdMarker", page.nextUploadIDMarker ?? "")
        if let delimiter = request.delimiter { xml.element("Delimiter", text(delimiter)) }
        xml.element("Prefix", text(request.prefix))
        xml.element("MaxUploads", String(maxUploads))
        if encode { xml.element("EncodingType", "url") }
        xml.element("IsTruncated", page.isTruncated ? "true" : "false")
        for upload in page.uploads {
            xml.open("Upload")
            xml.element("Key", text(upload.key))
            xml.element("UploadId", upload.uploadID)
            writeOwner(&xml, as: "Initiator")
            writeOwner(&xml)
            xml.element("StorageClass", upload.storageClass)
            xml.element("Initiated", S3Text.iso8601(upload.initiated))
            xml.close("Upload")
        }
        for common in page.commonPrefixes {
            xml.open("CommonPrefixes")
            xml.element("Prefix", text(common))
            xml.close("CommonPrefixes")
        }
        return Self.xmlResponse(xml.finished(closing: "ListMultipartUploadsResult"))
    }

    // MARK: helpers

    /// `partNumber`: 1 to 10,000.
    static func partNumber(_ text: String?) throws -> Int {
        guard let text, let number = Int(text), MultipartRules.partNumbers.contains(number) else {
            throw S3Error.invalidArgument(
                "Part number must be an integer between 1 and 10000, inclusive", name: "partNumber", value: text ?? "")
        }
        return number
    }

    /// A non-negative count (`max-parts`, `max-uploads`…), at most 1000 as S3 caps it.
    static func count(_ text: String?, name: String, default value: Int = 1000) throws -> Int {
        guard let text else { return value }
        guard let number = Int(text), number >= 0 else {
            throw S3Error.invalidArgument(
                "Provided \(name) not an integer or within integer range", name: name, value: text)
        }
        return Swift.min(number, 1000)
    }

    /// `bytes=first-last` of `x-amz-copy-source-range`.
    static func copySourceRange(_ text: String) -> ClosedRange<Int64>? {
        guard case .closed(let first, let last)? = byteRange(text), first >= 0 else { return nil }
        return first...last
    }
}
