import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOHTTP1

/// A minimal S3 client on ``AWSClient``, with path-style addressing (`http://host:port/bucket/key`).
///
/// Every method throws ``AWSError`` when S3 answers with an error status (parsed from its XML
/// error document), after ``AWSClient``'s retries.
public struct S3Client: Sendable {
    /// One object of a listing.
    public struct Object: Sendable, Hashable {
        /// The key.
        public var key: String
        /// The size in bytes.
        public var size: Int64
        /// The ETag, with its quotes, as S3 sends it.
        public var eTag: String
        /// When the object was last modified, if S3 said so in a readable form.
        public var lastModified: Date?
        /// The storage class the listing names (`STANDARD`, `GLACIER`…), if any.
        public var storageClass: String?

        /// An object from its parts.
        public init(key: String, size: Int64, eTag: String, lastModified: Date?, storageClass: String? = nil) {
            self.key = key
            self.size = size
            self.eTag = eTag
            self.lastModified = lastModified
            self.storageClass = storageClass
        }
    }

    /// What `HEAD` says of an object.
    public struct ObjectHead: Sendable, Hashable {
        /// The size in bytes.
        public var contentLength: Int64
        /// The ETag, with its quotes.
        public var eTag: String?
        /// The `Content-Type`.
        public var contentType: String?
        /// When the object was last modified.
        public var lastModified: Date?
        /// The user metadata (`x-amz-meta-*`), by lowercase name without the prefix.
        public var metadata: [String: String]
        /// `Content-Range` of a ranged GET (`bytes 0-99/1234`).
        public var contentRange: String?
        /// The storage class; S3 omits it for `STANDARD`, so nil means `STANDARD`.
        public var storageClass: String?
        /// The server-side encryption: `AES256`, `aws:kms`, `aws:kms:dsse`, or nil.
        public var serverSideEncryption: String?
        /// The KMS key of `aws:kms` encryption.
        public var sseKMSKeyID: String?
        /// How many tags the object has (`x-amz-tagging-count`; S3 omits it for none).
        public var tagCount: Int
        /// The version's ID (`x-amz-version-id`), in a bucket that has versioning.
        public var versionId: String?
        /// The version's Object Lock retention (`x-amz-object-lock-mode`, `…-retain-until-date`).
        public var retention: Retention?
        /// The version's legal hold (`x-amz-object-lock-legal-hold`: ON, OFF), when set.
        public var legalHold: Bool?

        /// A head from its parts.
        public init(
            contentLength: Int64,
            eTag: String? = nil,
            contentType: String? = nil,
            lastModified: Date? = nil,
            metadata: [String: String] = [:],
            contentRange: String? = nil,
            storageClass: String? = nil,
            serverSideEncryption: String? = nil,
            sseKMSKeyID: String? = nil,
            tagCount: Int = 0,
            versionId: String? = nil,
            retention: Retention? = nil,
            legalHold: Bool? = nil
        ) {
            self.versionId = versionId
            self.retention = retention
            self.legalHold = legalHold
            self.contentLength = contentLength
            self.eTag = eTag
            self.contentType = contentType
            self.lastModified = lastModified
            self.metadata = metadata
            self.contentRange = contentRange
            self.storageClass = storageClass
            self.serverSideEncryption = serverSideEncryption
            self.sseKMSKeyID = sseKMSKeyID
            self.tagCount = tagCount
        }
    }

    /// The underlying signed client.
    public let client: AWSClient
    /// `scheme://host[:port]` of the S3 endpoint.
    public let endpoint: String
    /// The SigV4 region.
    public let region: String

    /// A client of the S3 endpoint `endpoint` in `region`.
    public init(client: AWSClient, endpoint: String, region: String) {
        self.client = client
        self.endpoint = endpoint
        self.region = region
    }

    /// A client from the user's configuration: its credentials, region, and S3 endpoint
    /// (`AWS_ENDPOINT_URL_S3`…, else `https://s3.<region>.amazonaws.com`).
    ///
    /// - Throws: ``AWSError`` with code `MissingCredentials` when no credentials are configured.
    public init(
        httpClient: HTTPClient = .shared,
        configuration: AWSConfiguration,
        clientConfiguration: AWSClient.Configuration = .init(),
        logger: Logger
    ) throws {
        self.client = try AWSClient(
            httpClient: httpClient, awsConfiguration: configuration, configuration: clientConfiguration, logger: logger)
        self.endpoint = configuration.endpoint(for: "S3") ?? "https://s3.\(configuration.region).amazonaws.com"
        self.region = configuration.region
    }

    /// S3's key encoding: every byte percent-encoded but unreserved characters and `/`.
    public static func encodeKey(_ key: String) -> String {
        SigV4.encode(key, keepSlash: true)
    }

    // MARK: operations

    /// One page of `ListObjectsV2`.
    ///
    /// - Parameters:
    ///   - prefix: only keys that start with it.
    ///   - continuationToken: the previous page's ``ListPage/nextContinuationToken``.
    ///   - maxKeys: the page size (S3 caps it at 1000).
    ///   - delimiter: groups keys into ``ListPage/commonPrefixes`` (usually `/`).
    ///   - startAfter: only keys after this one (ignored by S3 when `continuationToken` is given).
    ///
    /// Keys are asked for URL-encoded (`encoding-type=url`, as botocore does), so that keys with
    /// characters XML 1.0 cannot carry survive; ``ListPage`` decodes them.
    public func listObjectsV2(
        bucket: String,
        prefix: String? = nil,
        continuationToken: String? = nil,
        maxKeys: Int? = nil,
        delimiter: String? = nil,
        startAfter: String? = nil
    ) async throws -> ListPage {
        var query = [("list-type", "2"), ("encoding-type", "url")]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let maxKeys { query.append(("max-keys", String(maxKeys))) }
        if let prefix, !prefix.isEmpty { query.append(("prefix", prefix)) }
        if let startAfter, !startAfter.isEmpty { query.append(("start-after", startAfter)) }
        return try ListPage(xml: try await send(.GET, path(bucket), query: query).body)
    }

    /// The object's bytes, or the bytes of `range` (inclusive offsets).
    public func getObject(bucket: String, key: String, range: ClosedRange<Int>? = nil) async throws -> Data {
        var headers: [(String, String)] = []
        if let range { headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        return try await send(.GET, path(bucket, key), headers: headers).body
    }

    /// The object's bytes (or those of `range`, an HTTP range such as `bytes=0-99` or `bytes=-500`)
    /// with what S3 says of it; ``ObjectHead/contentRange`` is set when S3 answered with a part.
    public func getObjectWithHead(bucket: String, key: String, range: String? = nil, versionId: String? = nil) async throws -> (
        head: ObjectHead, body: Data
    ) {
        let response = try await send(
            .GET, path(bucket, key), query: Self.versionQuery(versionId), headers: range.map { [("Range", $0)] } ?? [])
        return (Self.head(response.headers), response.body)
    }

    /// Stores an object.
    ///
    /// - Parameters:
    ///   - metadata: user metadata, sent as `x-amz-meta-<name>`.
    ///   - contentType: the `Content-Type` to store.
    /// - Returns: the new object's ETag, if S3 sent one.
    @discardableResult
    public func putObject(
        bucket: String,
        key: String,
        body: Data,
        metadata: [String: String] = [:],
        contentType: String? = nil
    ) async throws -> String? {
        try await putObject(
            bucket: bucket, key: key, body: body, options: PutOptions(contentType: contentType, metadata: metadata))
    }

    /// Stores an object with a content type, user metadata, encryption and storage class.
    ///
    /// - Returns: the new object's ETag, if S3 sent one.
    @discardableResult
    public func putObject(bucket: String, key: String, body: Data, options: PutOptions) async throws -> String? {
        try await putObjectVersion(bucket: bucket, key: key, body: body, options: options).eTag
    }

    /// Stores an object; returns its ETag and, when the bucket has versioning, the new version's ID.
    /// Every put carries `Content-MD5`: S3 requires it of puts into a bucket with Object Lock
    /// (a default retention is enough), and it lets S3 check the bytes.
    public func putObjectVersion(bucket: String, key: String, body: Data, options: PutOptions) async throws -> (
        eTag: String?, versionId: String?
    ) {
        let headers = options.headers + [("Content-MD5", Data(Insecure.MD5.hash(data: body)).base64EncodedString())]
        let response = try await send(.PUT, path(bucket, key), headers: headers, body: body)
        return (response.headers.first(name: "ETag"), response.headers.first(name: "x-amz-version-id"))
    }

    /// What S3 knows of an object, without its bytes.
    ///
    /// - Throws: ``AWSError`` with code `NotFound` (404) when there is no such object.
    public func headObject(bucket: String, key: String, versionId: String? = nil) async throws -> ObjectHead {
        Self.head(try await send(.HEAD, path(bucket, key), query: Self.versionQuery(versionId)).headers)
    }

    static func head(_ headers: HTTPHeaders) -> ObjectHead {
        var metadata: [String: String] = [:]
        for (name, value) in headers where name.lowercased().hasPrefix("x-amz-meta-") {
            metadata[String(name.lowercased().dropFirst("x-amz-meta-".count))] = value
        }
        return ObjectHead(
            contentLength: headers.first(name: "Content-Length").flatMap { Int64($0) } ?? 0,
            eTag: headers.first(name: "ETag"),
            contentType: headers.first(name: "Content-Type"),
            lastModified: headers.first(name: "Last-Modified").flatMap(UTCTime.parseHTTPDate),
            metadata: metadata,
            contentRange: headers.first(name: "Content-Range"),
            storageClass: headers.first(name: "x-amz-storage-class"),
            serverSideEncryption: headers.first(name: "x-amz-server-side-encryption"),
            sseKMSKeyID: headers.first(name: "x-amz-server-side-encryption-aws-kms-key-id"),
            tagCount: headers.first(name: "x-amz-tagging-count").flatMap { Int($0) } ?? 0,
            versionId: headers.first(name: "x-amz-version-id"),
            retention: headers.first(name: "x-amz-object-lock-mode").flatMap { mode in
                headers.first(name: "x-amz-object-lock-retain-until-date").flatMap(UTCTime.parseISO8601).map {
                    Retention(mode: mode, retainUntil: $0)
                }
            },
            legalHold: headers.first(name: "x-amz-object-lock-legal-hold").map { $0 == "ON" }
        )
    }

    /// Deletes an object (S3 answers success for a key that does not exist).
    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await send(.DELETE, path(bucket, key))
    }

    /// Creates a bucket in `region` (the client's region when nil).
    public func createBucket(_ bucket: String, region: String? = nil) async throws {
        let region = region ?? self.region
        var body = Data()
        if region != "us-east-1" {
            body = Data(
                ("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>").utf8
            )
        }
        _ = try await send(.PUT, path(bucket), body: body)
    }

    /// Deletes an empty bucket.
    public func deleteBucket(_ bucket: String) async throws {
        _ = try await send(.DELETE, path(bucket))
    }

    /// Whether the bucket exists and may be used: `HEAD` on it; returns the region S3 names in
    /// `x-amz-bucket-region`, if it does.
    ///
    /// - Throws: ``AWSError`` with code `NotFound` (404) when there is no such bucket.
    @discardableResult
    public func headBucket(_ bucket: String) async throws -> String? {
        try await send(.HEAD, path(bucket)).headers.first(name: "x-amz-bucket-region")
    }

    /// The bucket's region (`GetBucketLocation`): an empty constraint is `us-east-1`, `EU` is `eu-west-1`.
    public func bucketLocation(_ bucket: String) async throws -> String {
        let body = try await send(.GET, path(bucket), query: [("location", "")]).body
        guard let root = try? XMLTree.parse(body), root.name == "LocationConstraint" else {
            throw AWSError(code: "MalformedResponse", message: "not a LocationConstraint document", status: 200)
        }
        switch root.text.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "": return "us-east-1"
        case "EU": return "eu-west-1"
        case let region: return region
        }
    }

    /// The buckets of the caller (`ListBuckets`), by name.
    public func listBuckets() async throws -> [Bucket] {
        try Bucket.list(xml: try await send(.GET, "/").body)
    }

    // MARK: plumbing

    func path(_ bucket: String, _ key: String? = nil) -> String {
        "/" + SigV4.encode(bucket) + (key.map { "/" + Self.encodeKey($0) } ?? "")
    }

    /// Sends a request; a non-2xx answer becomes an ``AWSError``.
    func send(
        _ method: HTTPMethod,
        _ path: String,
        query: [(String, String)] = [],
        headers: [(String, String)] = [],
        body: Data = Data()
    ) async throws -> AWSClient.Response {
        let queryString = query.map { SigV4.encode($0.0) + "=" + SigV4.encode($0.1) }.joined(separator: "&")
        let response = try await client.send(
            method: method,
            endpoint: endpoint,
            path: path,
            query: queryString,
            headers: headers,
            body: body,
            service: "s3",
            region: region
        )
        guard response.isSuccess else { throw AWSError(response: response) }
        return response
    }
}
