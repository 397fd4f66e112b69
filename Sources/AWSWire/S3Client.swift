import AsyncHTTPClient
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

        /// An object from its parts.
        public init(key: String, size: Int64, eTag: String, lastModified: Date?) {
            self.key = key
            self.size = size
            self.eTag = eTag
            self.lastModified = lastModified
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

        /// A head from its parts.
        public init(
            contentLength: Int64,
            eTag: String? = nil,
            contentType: String? = nil,
            lastModified: Date? = nil,
            metadata: [String: String] = [:]
        ) {
            self.contentLength = contentLength
            self.eTag = eTag
            self.contentType = contentType
            self.lastModified = lastModified
            self.metadata = metadata
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
        httpClient: HTTPClient,
        configuration: AWSConfiguration,
        clientConfiguration: AWSClient.Configuration = .init(),
        logger: Logger
    ) throws {
        guard let credentials = configuration.credentials else {
            throw AWSError(code: "MissingCredentials", message: "no AWS credentials are configured", status: 0)
        }
        self.client = AWSClient(
            httpClient: httpClient,
            credentials: credentials,
            configuration: clientConfiguration,
            logger: logger
        )
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
    public func listObjectsV2(
        bucket: String,
        prefix: String? = nil,
        continuationToken: String? = nil,
        maxKeys: Int? = nil,
        delimiter: String? = nil
    ) async throws -> ListPage {
        var query = [("list-type", "2")]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let maxKeys { query.append(("max-keys", String(maxKeys))) }
        if let prefix, !prefix.isEmpty { query.append(("prefix", prefix)) }
        return try ListPage(xml: try await send(.GET, path(bucket), query: query).body)
    }

    /// The object's bytes, or the bytes of `range` (inclusive offsets).
    public func getObject(bucket: String, key: String, range: ClosedRange<Int>? = nil) async throws -> Data {
        var headers: [(String, String)] = []
        if let range { headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        return try await send(.GET, path(bucket, key), headers: headers).body
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
        var headers: [(String, String)] = metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-\($0.key)", $0.value) }
        if let contentType { headers.append(("Content-Type", contentType)) }
        return try await send(.PUT, path(bucket, key), headers: headers, body: body).headers.first(name: "ETag")
    }

    /// What S3 knows of an object, without its bytes.
    ///
    /// - Throws: ``AWSError`` with code `NotFound` (404) when there is no such object.
    public func headObject(bucket: String, key: String) async throws -> ObjectHead {
        let headers = try await send(.HEAD, path(bucket, key)).headers
        var metadata: [String: String] = [:]
        for (name, value) in headers where name.lowercased().hasPrefix("x-amz-meta-") {
            metadata[String(name.lowercased().dropFirst("x-amz-meta-".count))] = value
        }
        return ObjectHead(
            contentLength: headers.first(name: "Content-Length").flatMap { Int64($0) } ?? 0,
            eTag: headers.first(name: "ETag"),
            contentType: headers.first(name: "Content-Type"),
            lastModified: headers.first(name: "Last-Modified").flatMap(UTCTime.parseHTTPDate),
            metadata: metadata
        )
    }

    /// Deletes an object (S3 answers success for a key that does not exist).
    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await send(.DELETE, path(bucket, key))
    }

    /// Creates a bucket in the client's region.
    public func createBucket(_ bucket: String) async throws {
        var body = Data()
        if region != "us-east-1" {
            body = Data(
                ("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>").utf8
            )
        }
        _ = try await send(.PUT, path(bucket), body: body)
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
