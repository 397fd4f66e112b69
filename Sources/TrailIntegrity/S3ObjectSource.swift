import AWSWire
import Foundation
// HTTPMethod of AWSClient's API (a dependency of AWSWire).
import NIOHTTP1
import Synchronization

/// Reads digests and log files through any S3 API with AWSWire's signed, retrying client,
/// path-style, as the CLI does: each bucket's region comes from `GetBucketLocation` (asked in
/// ``locationRegion``, cached), and requests for the bucket are signed for that region.
///
/// Listings use `ListObjectsV2` with `start-after`, which returns the keys the CLI's
/// `ListObjects` with `Marker` returns; failures still name the CLI's operation.
final class S3ObjectSource: ObjectSource {
    private let client: AWSClient?
    private let configuredEndpoint: String?
    private let locationRegion: String
    private let regions = Mutex<[String: String]>([:])

    /// A source that sends with `client` (none when no credentials are configured: every call then
    /// fails as the CLI's do) to `endpoint`, or to `https://s3.<region>.amazonaws.com` when nil.
    init(client: AWSClient?, endpoint: String?, locationRegion: String) {
        self.client = client
        configuredEndpoint = endpoint
        self.locationRegion = locationRegion
    }

    private func endpoint(region: String) -> String {
        configuredEndpoint ?? "https://s3.\(region).amazonaws.com"
    }

    func visitKeys(
        bucket: String,
        prefix: String,
        startAfter: String,
        _ visit: (String) -> Bool
    ) async throws(SourceFailure) {
        let region = try await region(of: bucket)
        var token: String?
        while true {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token {
                query.append(("continuation-token", token))
            } else {
                query.append(("start-after", startAfter))
            }
            let response = try await send(
                path: "/" + SigV4.encode(bucket),
                query: query,
                region: region,
                operation: "ListObjects"
            )
            let page: S3Client.ListPage
            do {
                page = try S3Client.ListPage(xml: response.body)
            } catch {
                throw SourceFailure(
                    kind: .other("Unable to parse response from S3: \(error)"),
                    operation: "ListObjects"
                )
            }
            for object in page.objects where !visit(object.key) { return }
            guard page.isTruncated, let next = page.nextContinuationToken else { return }
            token = next
        }
    }

    func object(bucket: String, key: String) async throws(SourceFailure) -> SourceObject {
        let region = try await region(of: bucket)
        let response = try await send(
            path: "/" + SigV4.encode(bucket) + "/" + S3Client.encodeKey(key),
            query: [],
            region: region,
            operation: "GetObject"
        )
        var metadata: [String: String] = [:]
        for (name, value) in response.headers where name.lowercased().hasPrefix("x-amz-meta-") {
            // botocore keeps the rest of the header name as the server sent it.
            metadata[String(name.dropFirst("x-amz-meta-".count))] = value
        }
        return SourceObject(body: response.body, metadata: metadata)
    }

    /// The bucket's region: `GetBucketLocation`'s `LocationConstraint`, `us-east-1` when empty.
    private func region(of bucket: String) async throws(SourceFailure) -> String {
        if let known = regions.withLock({ $0[bucket] }) { return known }
        let response = try await send(
            path: "/" + SigV4.encode(bucket),
            query: [("location", "")],
            region: locationRegion,
            operation: "GetBucketLocation"
        )
        let region = Self.locationConstraint(in: response.body).flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
        regions.withLock { $0[bucket] = region }
        return region
    }

    /// The text of the `LocationConstraint` element (empty for `<LocationConstraint/>`).
    static func locationConstraint(in body: Data) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let open = text.range(of: "<LocationConstraint") else { return nil }
        guard let close = text[open.upperBound...].firstIndex(of: ">") else { return nil }
        if text[text.index(before: close)] == "/" { return "" }
        let contentStart = text.index(after: close)
        guard let end = text[contentStart...].range(of: "</LocationConstraint>") else { return nil }
        return text[contentStart..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func send(
        path: String,
        query: [(String, String)],
        region: String,
        operation: String
    ) async throws(SourceFailure) -> AWSClient.Response {
        guard let client else { throw SourceFailure(kind: .noCredentials, operation: operation) }
        let endpoint = endpoint(region: region)
        let queryString = query.map { SigV4.encode($0.0) + "=" + SigV4.encode($0.1) }.joined(separator: "&")
        let response: AWSClient.Response
        do {
            response = try await client.send(
                method: .GET,
                endpoint: endpoint,
                path: path,
                query: queryString,
                service: "s3",
                region: region
            )
        } catch let error as AWSError {
            throw SourceFailure(kind: .other(error.message), operation: operation)
        } catch {
            throw SourceFailure(
                kind: .other("Could not connect to the endpoint URL: \"\(endpoint)\(path)\""),
                operation: operation
            )
        }
        guard response.isSuccess else { throw Self.serviceFailure(response, operation: operation, client: client) }
        return response
    }

    /// botocore's `ClientError` for an error answer: the error document's code and message, or the
    /// bare status and its reason phrase when the answer has no error document; after retries,
    /// with botocore's `(reached max retries: N)`.
    static func serviceFailure(_ response: AWSClient.Response, operation: String, client: AWSClient) -> SourceFailure {
        let error = AWSError(response: response)
        var failure: SourceFailure
        if error.code == "HTTP\(response.status)" || (error.code == "NotFound" && response.body.isEmpty) {
            failure = SourceFailure(
                kind: .service(code: String(response.status), message: reasonPhrase(response.status)),
                operation: operation
            )
        } else {
            failure = SourceFailure(kind: .service(code: error.code, message: error.message), operation: operation)
        }
        if AWSClient.RetryPolicy.isRetryable(response) {
            failure.retries = max(0, client.configuration.retry.maximumAttempts - 1)
        }
        return failure
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 412: "Precondition Failed"
        case 416: "Requested Range Not Satisfiable"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        default: "Unknown"
        }
    }
}
