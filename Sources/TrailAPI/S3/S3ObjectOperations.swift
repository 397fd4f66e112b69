import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat
import ObjectStorage

// MARK: - Objects

extension S3Operations {
    /// `GET` and `HEAD /bucket/key[?versionId=…]`: the latest version or the one named (or the
    /// part `Range` asks for: 206 with `Content-Range`; 416 `InvalidRange` when unsatisfiable),
    /// with `ETag`, `Last-Modified`, `Content-Type`, `x-amz-meta-*`, `x-amz-version-id` and the
    /// Object Lock headers; `If-Match`, `If-None-Match`, `If-Modified-Since` and
    /// `If-Unmodified-Since` answered as S3 does; `response-*` query parameters override headers on
    /// GET. A key whose latest version is a delete marker is `NoSuchKey` with `x-amz-delete-marker`.
    /// `?partNumber=N` serves part N of an object completed from parts (206, `x-amz-mp-parts-count`).
    func getObject(_ bucket: String, _ key: String, request: Request, query: S3Query) async throws -> Response {
        do {
            var range = Self.byteRange(request.headers[.range])
            var partsCount: Int?
            if let part = query["partNumber"] {
                guard request.headers[.range] == nil else {
                    throw S3Error(.badRequest, "InvalidRequest", "Cannot specify both Range header and partNumber query parameter")
                }
                (range, partsCount) = try await partRange(bucket, key, part: part, versionId: query["versionId"])
            }
            var response = try await getVersion(bucket, key, range: range, request: request, query: query)
            if let partsCount, response.status.kind == .successful {
                response.headers[S3Header.partsCount] = String(partsCount)
            }
            return response
        } catch ObjectStoreError.noSuchKey(let b, let k) where query["versionId"] == nil {
            var error = S3Error(ObjectStoreError.noSuchKey(bucket: b, key: k))
            error.headers = try await deleteMarkerHeaders(bucket, key)
            throw error
        }
    }

    /// `x-amz-delete-marker` and `x-amz-version-id` when the key's latest version is a delete marker.
    func deleteMarkerHeaders(_ bucket: String, _ key: String) async throws -> HTTPFields {
        guard try await objects.versioning(ofBucket: bucket) != .unversioned else { return HTTPFields() }
        let listing = try await objects.listObjectVersions(ObjectVersionListRequest(bucket: bucket, prefix: key, maxKeys: 1))
        guard let latest = listing.versions.first, latest.info.key == key, latest.isDeleteMarker else { return HTTPFields() }
        return [S3Header.deleteMarker: "true", S3Header.versionID: latest.versionId]
    }

    /// The bytes of part `part` of an object completed from parts, and how many parts it has;
    /// part 1 of an object stored in one piece is all of it. 416 `InvalidPartNumber` for a part the
    /// object does not have, or whose place the store does not know (an S3 API that does not list
    /// part sizes).
    func partRange(_ bucket: String, _ key: String, part: String, versionId: String?) async throws -> (ObjectByteRange?, Int?) {
        let number = try Self.partNumber(part)
        let invalid = S3Error(.rangeNotSatisfiable, "InvalidPartNumber", "The requested partnumber is not satisfiable")
        let attributes = try await objects.objectAttributes(bucket: bucket, key: key, versionId: versionId)
        guard let count = attributes.partCount else {
            guard number == 1 else { throw invalid }
            return (nil, nil)
        }
        guard number <= count, attributes.partSizes.count == count else { throw invalid }
        let first = attributes.partSizes.prefix(number - 1).reduce(0, +)
        return (.closed(first: first, last: first + attributes.partSizes[number - 1] - 1), count)
    }

    func getVersion(
        _ bucket: String, _ key: String, range: ObjectByteRange?, request: Request, query: S3Query
    ) async throws -> Response {
        let isHead = request.method == .head
        let versionId = query["versionId"]
        let hasConditions = [HTTPField.Name.ifMatch, .ifNoneMatch, .ifModifiedSince, .ifUnmodifiedSince].contains {
            request.headers[$0] != nil
        }
        if isHead || hasConditions {
            let info = try await objects.headObject(bucket: bucket, key: key, versionId: versionId)
            if let notModified = try Self.checkPreconditions(info, request: request) { return notModified }
            if isHead {
                var headers = Self.headers(info, query: nil)
                guard let range else {
                    headers[.contentLength] = String(info.size)
                    return Response(status: .ok, headers: headers)
                }
                guard let served = range.resolved(size: info.size) else { throw Self.invalidRange(request, size: info.size) }
                headers[.contentLength] = String(served.count)
                headers[.contentRange] = "bytes \(served.lowerBound)-\(served.upperBound)/\(info.size)"
                return Response(status: .partialContent, headers: headers)
            }
        }
        let stored: StoredObject
        do {
            stored = try await objects.getObject(bucket: bucket, key: key, versionId: versionId, range: range)
        } catch ObjectStoreError.invalidRange {
            let size = try? await objects.headObject(bucket: bucket, key: key, versionId: versionId).size
            throw Self.invalidRange(request, size: size)
        }
        var headers = Self.headers(stored.info, query: query)
        headers[.contentLength] = String(stored.body.count)
        var status = HTTPResponse.Status.ok
        if let served = stored.range {
            status = .partialContent
            headers[.contentRange] = "bytes \(served.lowerBound)-\(served.upperBound)/\(stored.info.size)"
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: stored.body)))
    }

    /// `PUT /bucket/key`: stores the body with `Content-Type`, `x-amz-meta-*` (names lowercased), the
    /// tags of `x-amz-tagging` and the Object Lock headers, in the `x-amz-storage-class` (the store
    /// puts it, then transitions it there); checks `Content-MD5` and any `x-amz-checksum-*` (header
    /// or aws-chunked trailer) first, and that an ACL header, if any, grants only the owner
    /// (``S3AccessControl``). Answers the new version's `x-amz-version-id` when the bucket has one.
    func putObject(_ bucket: String, _ key: String, request: Request, payload: S3Payload) async throws -> Response {
        guard key.utf8.count <= 1024 else { throw S3Error(ObjectStoreError.invalidKey(key)) }
        let lock = try Self.lockOptions(request.headers)
        let metadata = try Self.userMetadata(request.headers)
        let storageClass = try Self.storageClass(request)
        let echoed = try Self.checkIntegrity(request, payload: payload)
        try accessControl.checkHeaders(request.headers)
        let tags = try Self.objectTags(request.headers)
        if request.headers[.ifNoneMatch] != nil || request.headers[.ifMatch] != nil {
            let current: ObjectInfo?
            do {
                current = try await objects.headObject(bucket: bucket, key: key)
            } catch ObjectStoreError.noSuchKey {
                current = nil
            }
            if let ifNoneMatch = request.headers[.ifNoneMatch], current != nil, ifNoneMatch.trimmingCharacters(in: .whitespaces) == "*" {
                throw S3Error(ObjectStoreError.preconditionFailed)
            }
            if let ifMatch = request.headers[.ifMatch] {
                guard let current else { throw S3Error(ObjectStoreError.noSuchKey(bucket: bucket, key: key)) }
                guard Self.etag(current.etag, matches: ifMatch) else { throw S3Error(ObjectStoreError.preconditionFailed) }
            }
        }
        var info = try await objects.putObject(
            bucket: bucket, key: key, body: payload.body, contentType: request.headers[.contentType], metadata: metadata,
            tags: tags, lock: lock)
        if storageClass != .standard {
            let version = info.versionId
            info = try await objects.transitionObject(bucket: bucket, key: key, to: storageClass, ifMatch: info.etag)
            info.versionId = version
        }
        var headers = echoed
        headers[.eTag] = "\"\(info.etag)\""
        if let versionId = info.versionId { headers[S3Header.versionID] = versionId }
        return Response(status: .ok, headers: headers)
    }

    /// The `x-amz-meta-*` headers (names lowercased, without the prefix; repeated ones joined with
    /// `,`); `MetadataTooLarge` over S3's 2 KB.
    static func userMetadata(_ headers: HTTPFields) throws -> [String: String] {
        var metadata: [String: String] = [:]
        var metadataSize = 0
        for field in headers {
            let name = field.name.canonicalName
            guard name.hasPrefix("x-amz-meta-") else { continue }
            let short = String(name.dropFirst("x-amz-meta-".count))
            metadata[short] = metadata[short].map { $0 + "," + field.value } ?? field.value
            metadataSize += short.utf8.count + field.value.utf8.count
        }
        guard metadataSize <= 2048 else {
            throw S3Error(
                .badRequest, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.",
                details: [("Size", String(metadataSize)), ("MaxSizeAllowed", "2048")])
        }
        return metadata
    }

    /// The tags of `x-amz-tagging` (none without it), checked against S3's limits.
    static func objectTags(_ headers: HTTPFields) throws -> [String: String] {
        try headers[S3Header.tagging].map { try S3TagSet.parse(header: $0, for: .object) } ?? [:]
    }

    /// The `x-amz-storage-class` of a put (STANDARD when absent); 400 `InvalidStorageClass` for a
    /// class a general-purpose bucket cannot hold.
    static func storageClass(_ request: Request) throws -> StorageClass {
        guard let name = request.headers[S3Header.storageClass] else { return .standard }
        guard let storageClass = StorageClass(rawValue: name) else {
            throw S3Error(
                .badRequest, "InvalidStorageClass", "The storage class you specified is not valid",
                details: [("StorageClassRequested", name)])
        }
        return storageClass
    }

    /// `DELETE /bucket/key[?versionId=…]`: 204, whether or not there was such an object or version;
    /// `x-amz-version-id` and `x-amz-delete-marker` say what was made or removed. A version under
    /// Object Lock is `AccessDenied` (governance mode only yields to `bypassGovernance`).
    func deleteObject(_ bucket: String, _ key: String, query: S3Query, bypassGovernance: Bool) async throws -> Response {
        let deletion = try await objects.deleteObject(
            bucket: bucket, key: key, versionId: query["versionId"], bypassGovernanceRetention: bypassGovernance)
        var headers = Self.versionHeader(deletion.versionId)
        if deletion.isDeleteMarker { headers[S3Header.deleteMarker] = "true" }
        return Response(status: .noContent, headers: headers)
    }

    // MARK: helpers

    /// The headers describing an object; `query`'s `response-*` parameters override some (GET only).
    static func headers(_ info: ObjectInfo, query: S3Query?) -> HTTPFields {
        var headers = HTTPFields()
        headers[.eTag] = "\"\(info.etag)\""
        headers[.lastModified] = S3Text.httpDate(info.lastModified)
        headers[.contentType] = info.contentType ?? "binary/octet-stream"
        headers[.acceptRanges] = "bytes"
        if info.storageClass != "STANDARD" { headers[S3Header.storageClass] = info.storageClass }
        if info.tagCount > 0 { headers[S3Header.taggingCount] = String(info.tagCount) }
        for field in versionHeaders(info) { headers.append(field) }
        for (name, value) in info.metadata.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPField.Name("x-amz-meta-" + name) { headers[field] = value }
        }
        guard let query else { return headers }
        let overrides: [(String, HTTPField.Name)] = [
            ("response-content-type", .contentType), ("response-content-language", .contentLanguage),
            ("response-expires", S3Header.expires), ("response-cache-control", .cacheControl),
            ("response-content-disposition", .contentDisposition), ("response-content-encoding", .contentEncoding),
        ]
        for (parameter, name) in overrides {
            if let value = query[parameter] { headers[name] = value }
        }
        return headers
    }

    /// `bytes=first-last`, `bytes=first-` or `bytes=-suffix`; nil (the whole object, as S3 serves
    /// it) for anything else, multiple ranges included.
    static func byteRange(_ header: String?) -> ObjectByteRange? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header.hasPrefix("bytes="), !header.contains(",")
        else { return nil }
        let parts = header.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let first = parts[0].trimmingCharacters(in: .whitespaces)
        let last = parts[1].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            guard let length = Int64(last) else { return nil }
            return .suffix(length: length)
        }
        guard let start = Int64(first) else { return nil }
        if last.isEmpty { return .from(first: start) }
        guard let end = Int64(last), end >= start else { return nil }
        return .closed(first: start, last: end)
    }

    static func invalidRange(_ request: Request, size: Int64?) -> S3Error {
        var details: [(String, String)] = []
        if let range = request.headers[.range] { details.append(("RangeRequested", range)) }
        if let size { details.append(("ActualObjectSize", String(size))) }
        return S3Error(.rangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable", details: details)
    }

    /// 412 (thrown) or 304 (returned) when a conditional header says so, in RFC 9110 §13.2.2's
    /// order, as S3 applies it.
    static func checkPreconditions(_ info: ObjectInfo, request: Request) throws -> Response? {
        let outcome = evaluatePreconditions(
            info, ifMatch: request.headers[.ifMatch], ifUnmodifiedSince: request.headers[.ifUnmodifiedSince],
            ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: request.headers[.ifModifiedSince])
        switch outcome {
        case .proceed: return nil
        case .failed: throw S3Error(ObjectStoreError.preconditionFailed)
        case .notModified:
            return Response(
                status: .notModified,
                headers: [.eTag: "\"\(info.etag)\"", .lastModified: S3Text.httpDate(info.lastModified)])
        }
    }

    enum PreconditionOutcome {
        case proceed
        /// An `If-Match` or `If-Unmodified-Since` condition does not hold.
        case failed
        /// An `If-None-Match` or `If-Modified-Since` condition does not hold.
        case notModified
    }

    /// RFC 9110 §13.2.2: `If-Match` (else `If-Unmodified-Since`), then `If-None-Match` (else
    /// `If-Modified-Since`); dates that cannot be parsed are ignored.
    static func evaluatePreconditions(
        _ info: ObjectInfo, ifMatch: String?, ifUnmodifiedSince: String?, ifNoneMatch: String?, ifModifiedSince: String?
    ) -> PreconditionOutcome {
        let seconds = info.lastModified.timeIntervalSince1970.rounded(.down)
        if let ifMatch {
            if !etag(info.etag, matches: ifMatch) { return .failed }
        } else if let text = ifUnmodifiedSince, let date = S3Text.parseHTTPDate(text), seconds > date.timeIntervalSince1970 {
            return .failed
        }
        if let ifNoneMatch {
            if etag(info.etag, matches: ifNoneMatch) { return .notModified }
        } else if let text = ifModifiedSince, let date = S3Text.parseHTTPDate(text), seconds <= date.timeIntervalSince1970 {
            return .notModified
        }
        return .proceed
    }

    /// Whether an `If-Match`/`If-None-Match` list names `etag` (or is `*`).
    static func etag(_ etag: String, matches header: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)[...]
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag.hasPrefix("\""), tag.hasSuffix("\""), tag.count >= 2 { tag = tag.dropFirst().dropLast() }
            return tag == etag
        }
    }
}
