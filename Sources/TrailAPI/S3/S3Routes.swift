import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat
import ObjectStorage
import TrailModel

/// Registers the S3 REST subset (path-style, SigV4 service `s3`) over `api.objects`.
///
/// Bucket names `v1`, `health`, `metrics` and `console` are reserved, so these routes never
/// shadow the service's own paths.
func addS3Routes(to router: Router<TrailRequestContext>, api: TrailAPIContext) {
    let s3 = S3Handler(api: api)
    let group = router.group()
        .add(middleware: AuthenticationMiddleware(authenticator: api.authenticator, bodyLimit: api.configuration.objectBodyLimit, style: .s3))
    group.get("/") { request, context in try await s3.handle(request, context: context) }
    for path in ["{bucket}", "{bucket}/**"] {
        group.get(RouterPath(path)) { request, context in try await s3.handle(request, context: context) }
        group.head(RouterPath(path)) { request, context in try await s3.handle(request, context: context) }
        group.put(RouterPath(path)) { request, context in try await s3.handle(request, context: context) }
        group.delete(RouterPath(path)) { request, context in try await s3.handle(request, context: context) }
    }
}

/// The S3 operations of the subset.
struct S3Handler: Sendable {
    let api: TrailAPIContext
    static let namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    /// Bucket and key from the raw (percent-encoded) path.
    static func target(_ request: Request) -> (bucket: String?, key: String?) {
        var path = request.uri.string
        if let q = path.firstIndex(of: "?") { path = String(path[..<q]) }
        guard path.hasPrefix("/") else { return (nil, nil) }
        let rest = path.dropFirst()
        guard !rest.isEmpty else { return (nil, nil) }
        if let slash = rest.firstIndex(of: "/") {
            let bucket = String(rest[..<slash]).removingPercentEncoding ?? String(rest[..<slash])
            let rawKey = rest[rest.index(after: slash)...]
            return (bucket, rawKey.isEmpty ? nil : (String(rawKey).removingPercentEncoding ?? String(rawKey)))
        }
        return (String(rest).removingPercentEncoding ?? String(rest), nil)
    }

    /// Query parameters by name, percent-decoded (`+` is a literal plus in S3 queries).
    static func query(_ request: Request) -> [String: String] {
        let uri = request.uri.string
        guard let q = uri.firstIndex(of: "?") else { return [:] }
        var out: [String: String] = [:]
        for pair in uri[uri.index(after: q)...].split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            out[name] = value
        }
        return out
    }

    func handle(_ request: Request, context: TrailRequestContext) async throws -> Response {
        let (bucket, key) = Self.target(request)
        let query = Self.query(request)
        do {
            switch (request.method, bucket, key) {
            case (.get, nil, _): return try await listBuckets()
            case (.get, let b?, nil):
                if query["location"] != nil { return try await location(b) }
                if let sub = Self.unsupportedSubresource(query) { throw Self.notImplemented(sub) }
                return try await list(b, query: query)
            case (.head, let b?, nil): return try await headBucket(b)
            case (.put, let b?, nil):
                if let sub = Self.unsupportedSubresource(query) { throw Self.notImplemented(sub) }
                return try await createBucket(b, request: request, context: context)
            case (.delete, let b?, nil): return try await deleteBucket(b)
            case (.get, let b?, let k?): return try await get(b, k, request: request, head: false)
            case (.head, let b?, let k?): return try await get(b, k, request: request, head: true)
            case (.put, let b?, let k?):
                if let sub = Self.unsupportedSubresource(query) { throw Self.notImplemented(sub) }
                return try await put(b, k, request: request, context: context)
            case (.delete, let b?, let k?):
                try await api.objects.deleteObject(bucket: b, key: k)
                return Response(status: .noContent)
            default:
                throw APIError(style: .s3, status: .methodNotAllowed, type: "MethodNotAllowed", message: "The specified method is not allowed against this resource.")
            }
        } catch let error as ObjectStoreError {
            let e = APIError(style: .s3, status: HTTPResponse.Status(code: error.httpStatus), type: error.s3Code, message: Self.message(error))
            if request.method == .head { return Response(status: e.status) }
            throw e
        } catch let error as APIError where request.method == .head {
            return Response(status: error.status)
        }
    }

    static let subresources = ["acl", "policy", "versioning", "lifecycle", "tagging", "cors", "website", "logging", "notification",
                               "replication", "encryption", "object-lock", "retention", "legal-hold", "uploads", "uploadId", "versions",
                               "accelerate", "requestPayment", "ownershipControls", "publicAccessBlock", "intelligent-tiering",
                               "inventory", "metrics", "analytics", "restore", "select", "torrent", "attributes", "delete"]

    static func unsupportedSubresource(_ query: [String: String]) -> String? {
        subresources.first { query[$0] != nil }
    }

    static func notImplemented(_ what: String) -> APIError {
        APIError(style: .s3, status: .notImplemented, type: "NotImplemented", message: "The \(what) subresource is not implemented by Trailkeeper's S3 subset.")
    }

    static func message(_ error: ObjectStoreError) -> String {
        switch error {
        case .noSuchBucket: "The specified bucket does not exist"
        case .noSuchKey: "The specified key does not exist."
        case .bucketAlreadyOwnedByYou: "Your previous request to create the named bucket succeeded and you already own it."
        case .bucketNotEmpty: "The bucket you tried to delete is not empty"
        case .invalidBucketName: "The specified bucket is not valid."
        case .invalidKey(let k): "The key \(k) cannot be stored by the embedded object store (empty, '.' or '..' segments, a trailing '/', over 1024 bytes, or a key below an existing object)."
        case .invalidRange: "The requested range is not satisfiable"
        case .accessDenied(let m): m
        case .storage: "We encountered an internal error. Please try again."
        }
    }

    // MARK: - Buckets

    func xml(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/xml"],
            body: .init(byteBuffer: ByteBuffer(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body)))
    }

    func listBuckets() async throws -> Response {
        var s = "<ListAllMyBucketsResult xmlns=\"\(Self.namespace)\"><Owner><ID>\(api.identity.accountID)</ID><DisplayName>trailkeeper</DisplayName></Owner><Buckets>"
        for b in try await api.objects.listBuckets() {
            s += "<Bucket><Name>\(XMLOut.escape(b.name))</Name><CreationDate>\(S3Time.iso(b.creationDate))</CreationDate><BucketRegion>\(b.region)</BucketRegion></Bucket>"
        }
        s += "</Buckets></ListAllMyBucketsResult>"
        return xml(s)
    }

    func location(_ bucket: String) async throws -> Response {
        guard let b = try await api.objects.bucket(bucket) else { throw ObjectStoreError.noSuchBucket(bucket) }
        let constraint = b.region == "us-east-1" ? "" : b.region
        return xml("<LocationConstraint xmlns=\"\(Self.namespace)\">\(constraint)</LocationConstraint>")
    }

    func headBucket(_ bucket: String) async throws -> Response {
        guard let b = try await api.objects.bucket(bucket) else { throw ObjectStoreError.noSuchBucket(bucket) }
        return Response(status: .ok, headers: [HTTPField.Name("x-amz-bucket-region")!: b.region])
    }

    func createBucket(_ bucket: String, request: Request, context: TrailRequestContext) async throws -> Response {
        var request = request
        let body = String(buffer: try await request.collectBody(upTo: 64 * 1024))
        var region = "us-east-1"
        if let start = body.range(of: "<LocationConstraint>"), let end = body.range(of: "</LocationConstraint>"), start.upperBound <= end.lowerBound {
            let value = body[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { region = value == "EU" ? "eu-west-1" : value }
        }
        try await api.objects.createBucket(bucket, region: region)
        return Response(status: .ok, headers: [.location: "/" + bucket])
    }

    func deleteBucket(_ bucket: String) async throws -> Response {
        try await api.objects.deleteBucket(bucket)
        return Response(status: .noContent)
    }

    // MARK: - Listing

    func list(_ bucket: String, query: [String: String]) async throws -> Response {
        let v2 = query["list-type"] == "2"
        let maxKeys = min(1000, max(0, Int(query["max-keys"] ?? "1000") ?? 1000))
        let prefix = query["prefix"] ?? ""
        let delimiter = query["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        let encode = query["encoding-type"] == "url"
        var startAfter: String?
        if v2 {
            if let token = query["continuation-token"] {
                guard let data = Data(base64Encoded: token), let key = String(data: data, encoding: .utf8) else {
                    throw APIError(style: .s3, type: "InvalidArgument", message: "The continuation token provided is incorrect")
                }
                startAfter = key
            } else {
                startAfter = query["start-after"].flatMap { $0.isEmpty ? nil : $0 }
            }
        } else {
            startAfter = query["marker"].flatMap { $0.isEmpty ? nil : $0 }
        }
        let page = try await api.objects.listObjects(
            ObjectListRequest(bucket: bucket, prefix: prefix, delimiter: delimiter, startAfter: startAfter, maxKeys: maxKeys))
        func text(_ s: String) -> String { XMLOut.escape(encode ? S3Time.urlEncode(s) : s) }
        var s = "<ListBucketResult xmlns=\"\(Self.namespace)\"><Name>\(XMLOut.escape(bucket))</Name><Prefix>\(text(prefix))</Prefix>"
        if v2 {
            if let token = query["continuation-token"] { s += "<ContinuationToken>\(XMLOut.escape(token))</ContinuationToken>" }
            if let after = query["start-after"] { s += "<StartAfter>\(text(after))</StartAfter>" }
            s += "<KeyCount>\(page.objects.count + page.commonPrefixes.count)</KeyCount>"
        } else {
            s += "<Marker>\(text(query["marker"] ?? ""))</Marker>"
        }
        s += "<MaxKeys>\(maxKeys)</MaxKeys>"
        if let delimiter { s += "<Delimiter>\(text(delimiter))</Delimiter>" }
        if encode { s += "<EncodingType>url</EncodingType>" }
        s += "<IsTruncated>\(page.isTruncated)</IsTruncated>"
        if page.isTruncated, let last = page.lastReturned {
            if v2 {
                s += "<NextContinuationToken>\(Data(last.utf8).base64EncodedString())</NextContinuationToken>"
            } else {
                s += "<NextMarker>\(text(last))</NextMarker>"
            }
        }
        for o in page.objects {
            s += "<Contents><Key>\(text(o.key))</Key><LastModified>\(S3Time.iso(o.lastModified))</LastModified>"
            s += "<ETag>&quot;\(o.etag)&quot;</ETag><Size>\(o.size)</Size>"
            if !v2 { s += "<Owner><ID>\(api.identity.accountID)</ID><DisplayName>trailkeeper</DisplayName></Owner>" }
            s += "<StorageClass>\(o.storageClass)</StorageClass></Contents>"
        }
        for p in page.commonPrefixes { s += "<CommonPrefixes><Prefix>\(text(p))</Prefix></CommonPrefixes>" }
        s += "</ListBucketResult>"
        return xml(s)
    }

    // MARK: - Objects

    static func headers(_ info: ObjectInfo) -> HTTPFields {
        var h = HTTPFields()
        h[.eTag] = "\"\(info.etag)\""
        h[.lastModified] = S3Time.rfc1123(info.lastModified)
        h[.contentType] = info.contentType ?? "binary/octet-stream"
        h[.acceptRanges] = "bytes"
        h[HTTPField.Name("x-amz-storage-class")!] = info.storageClass == "STANDARD" ? nil : info.storageClass
        for (name, value) in info.metadata.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPField.Name("x-amz-meta-" + name) { h[field] = value }
        }
        return h
    }

    static func range(_ header: String?) throws -> ObjectByteRange? {
        guard let header else { return nil }
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }  // S3 ignores what it does not support
        let spec = header.dropFirst(6)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        if parts[0].isEmpty {
            guard let n = Int64(parts[1]) else { return nil }
            return .suffix(length: n)
        }
        guard let first = Int64(parts[0]) else { return nil }
        if parts[1].isEmpty { return .from(first: first) }
        guard let last = Int64(parts[1]), last >= first else { return nil }
        return .closed(first: first, last: last)
    }

    func get(_ bucket: String, _ key: String, request: Request, head: Bool) async throws -> Response {
        if head {
            let info = try await api.objects.headObject(bucket: bucket, key: key)
            var h = Self.headers(info)
            h[.contentLength] = String(info.size)
            return Response(status: .ok, headers: h)
        }
        let range = try Self.range(request.headers[.range])
        let stored = try await api.objects.getObject(bucket: bucket, key: key, range: range)
        var h = Self.headers(stored.info)
        h[.contentLength] = String(stored.body.count)
        var status = HTTPResponse.Status.ok
        if let r = stored.range {
            status = .partialContent
            h[.contentRange] = "bytes \(r.lowerBound)-\(r.upperBound)/\(stored.info.size)"
        }
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(data: stored.body)))
    }

    func put(_ bucket: String, _ key: String, request: Request, context: TrailRequestContext) async throws -> Response {
        if request.headers[HTTPField.Name("x-amz-copy-source")!] != nil {
            throw Self.notImplemented("CopyObject (x-amz-copy-source)")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: api.configuration.objectBodyLimit)
        var body = Data(buffer: buffer)
        let sha = request.headers[HTTPField.Name("x-amz-content-sha256")!] ?? ""
        let encoding = request.headers[.contentEncoding] ?? ""
        if sha.hasPrefix("STREAMING-") || encoding.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == "aws-chunked" }) {
            guard let decoded = AWSChunked.decode(body) else {
                throw APIError(style: .s3, type: "IncompleteBody", message: "The aws-chunked body could not be decoded.")
            }
            if let declared = request.headers[HTTPField.Name("x-amz-decoded-content-length")!], Int(declared) != decoded.count {
                throw APIError(style: .s3, type: "IncompleteBody", message: "The decoded body does not have the declared length.")
            }
            body = decoded
        }
        if let md5 = request.headers[HTTPField.Name("content-md5")!] {
            guard let expected = Data(base64Encoded: md5), expected.count == 16 else {
                throw APIError(style: .s3, type: "InvalidDigest", message: "The Content-MD5 you specified is not valid.")
            }
            let computed = S3Time.md5(body)
            guard computed == expected else {
                throw APIError(style: .s3, type: "BadDigest", message: "The Content-MD5 you specified did not match what we received.")
            }
        }
        var metadata: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            if name.hasPrefix("x-amz-meta-") { metadata[String(name.dropFirst("x-amz-meta-".count))] = field.value }
        }
        let info = try await api.objects.putObject(
            bucket: bucket, key: key, body: body, contentType: request.headers[.contentType], metadata: metadata)
        return Response(status: .ok, headers: [.eTag: "\"\(info.etag)\""])
    }
}
