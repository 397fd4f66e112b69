import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A minimal S3 client (path-style addressing) on ``AWSClient``.
public struct S3Client: Sendable {
    /// One object of a listing.
    public struct Object: Sendable, Hashable {
        public var key: String
        public var size: Int
        public var eTag: String
        public var lastModified: String
    }

    /// One page of ListObjectsV2.
    public struct ListPage: Sendable {
        public var objects: [Object]
        public var commonPrefixes: [String]
        public var isTruncated: Bool
        public var nextContinuationToken: String?
    }

    public let client: AWSClient
    public let endpoint: String

    public init(client: AWSClient, endpoint: String) {
        self.client = client
        self.endpoint = endpoint
    }

    /// A client from the user's configuration (`AWS_ENDPOINT_URL_S3`, credentials, region).
    public init(httpClient: HTTPClient, configuration: AWSConfiguration, logger: Logger) throws {
        guard let credentials = configuration.credentials else {
            throw AWSError(code: "MissingCredentials", message: "no AWS credentials found", status: 0)
        }
        self.client = AWSClient(http: httpClient, credentials: credentials, region: configuration.region, logger: logger)
        self.endpoint = configuration.endpoint(for: "S3") ?? "https://s3.\(configuration.region).amazonaws.com"
    }

    /// S3's key encoding: every byte but unreserved characters and `/`.
    public static func encodeKey(_ key: String) -> String {
        SigV4.encode(key, keepSlash: true)
    }

    func path(_ bucket: String, _ key: String? = nil) -> String {
        guard let key else { return "/" + SigV4.encode(bucket) }
        return "/" + SigV4.encode(bucket) + "/" + Self.encodeKey(key)
    }

    func check(_ r: AWSClient.Response) throws {
        guard (200..<300).contains(r.status) else { throw AWSError(xml: r.body, status: r.status) }
    }

    public func listObjectsV2(
        bucket: String, prefix: String = "", continuationToken: String? = nil, maxKeys: Int = 1000, delimiter: String? = nil
    ) async throws -> ListPage {
        var query = ["list-type=2", "max-keys=\(maxKeys)"]
        if !prefix.isEmpty { query.append("prefix=" + SigV4.encode(prefix)) }
        if let continuationToken { query.append("continuation-token=" + SigV4.encode(continuationToken)) }
        if let delimiter { query.append("delimiter=" + SigV4.encode(delimiter)) }
        let r = try await client.send(
            method: .GET, endpoint: endpoint, path: path(bucket), query: query.joined(separator: "&"), service: "s3")
        try check(r)
        return try ListObjectsParser.parse(r.body)
    }

    public func getObject(bucket: String, key: String, range: ClosedRange<Int>? = nil) async throws -> Data {
        var headers: [(String, String)] = []
        if let range { headers.append(("range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        let r = try await client.send(method: .GET, endpoint: endpoint, path: path(bucket, key), headers: headers, service: "s3")
        try check(r)
        return r.body
    }

    public func putObject(
        bucket: String, key: String, body: Data, metadata: [String: String] = [:], contentType: String? = nil
    ) async throws {
        var headers: [(String, String)] = metadata.map { ("x-amz-meta-\($0.key)", $0.value) }
        if let contentType { headers.append(("content-type", contentType)) }
        let r = try await client.send(method: .PUT, endpoint: endpoint, path: path(bucket, key), headers: headers, body: body, service: "s3")
        try check(r)
    }

    public func createBucket(_ bucket: String) async throws {
        let r = try await client.send(method: .PUT, endpoint: endpoint, path: path(bucket), service: "s3")
        try check(r)
    }
}

/// Parses ListObjectsV2 XML.
enum ListObjectsParser {
    final class Delegate: NSObject, XMLParserDelegate {
        var page = S3Client.ListPage(objects: [], commonPrefixes: [], isTruncated: false, nextContinuationToken: nil)
        var text = ""
        var current: [String: String] = [:]
        var inContents = false
        var inPrefixes = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            text = ""
            if name == "Contents" {
                inContents = true
                current = [:]
            } else if name == "CommonPrefixes" {
                inPrefixes = true
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if inContents {
                if name == "Contents" {
                    inContents = false
                    page.objects.append(
                        S3Client.Object(
                            key: current["Key"] ?? "", size: Int(current["Size"] ?? "") ?? 0, eTag: current["ETag"] ?? "",
                            lastModified: current["LastModified"] ?? ""))
                } else {
                    current[name] = text
                }
            } else if inPrefixes {
                if name == "Prefix" { page.commonPrefixes.append(text) }
                if name == "CommonPrefixes" { inPrefixes = false }
            } else if name == "IsTruncated" {
                page.isTruncated = text == "true"
            } else if name == "NextContinuationToken" {
                page.nextContinuationToken = text
            }
        }
    }

    static func parse(_ data: Data) throws -> S3Client.ListPage {
        let parser = XMLParser(data: data)
        let delegate = Delegate()
        parser.delegate = delegate
        guard parser.parse() else {
            throw AWSError(code: "MalformedXML", message: "the ListObjectsV2 response is not XML", status: 200)
        }
        return delegate.page
    }
}
