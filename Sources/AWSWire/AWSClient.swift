import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A small HTTP client for AWS APIs: signs every attempt with SigV4 and retries what
/// ``RetryPolicy`` says is transient.
///
/// The caller owns the `HTTPClient` (and shuts it down). A response with an error status is
/// returned, not thrown: turn it into an ``AWSError`` with ``AWSError/init(response:)``.
public struct AWSClient: Sendable {
    /// Retry, timeout and size limits.
    public struct Configuration: Sendable {
        /// When to retry.
        public var retry: RetryPolicy
        /// The deadline of one attempt, response body included.
        public var timeout: TimeAmount
        /// The largest response body collected; a larger one fails the request (not retried).
        public var maximumResponseBytes: Int

        /// Limits with defaults: 4 attempts, 60 s per attempt, 256 MiB bodies.
        public init(
            retry: RetryPolicy = RetryPolicy(),
            timeout: TimeAmount = .seconds(60),
            maximumResponseBytes: Int = 256 * 1024 * 1024
        ) {
            self.retry = retry
            self.timeout = timeout
            self.maximumResponseBytes = maximumResponseBytes
        }
    }

    /// A response: status, headers and the whole body.
    public struct Response: Sendable {
        /// The HTTP status code.
        public var status: Int
        /// The response headers.
        public var headers: HTTPHeaders
        /// The body, collected up to ``Configuration/maximumResponseBytes``.
        public var body: Data

        /// A response from its parts.
        public init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// Whether the status is 2xx.
        public var isSuccess: Bool { (200..<300).contains(status) }
    }

    /// The HTTP client requests go through.
    public let httpClient: HTTPClient
    /// The key requests are signed with.
    public let credentials: SigV4.Credentials
    /// Retry, timeout and size limits.
    public let configuration: Configuration
    let logger: Logger

    /// A client over `httpClient`, signing with `credentials`.
    public init(
        httpClient: HTTPClient,
        credentials: SigV4.Credentials,
        configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        self.httpClient = httpClient
        self.credentials = credentials
        self.configuration = configuration
        self.logger = logger
    }

    /// A client signing with the credentials of the user's AWS configuration.
    ///
    /// - Throws: ``AWSError`` with code `MissingCredentials` when no credentials are configured.
    public init(
        httpClient: HTTPClient, awsConfiguration: AWSConfiguration, configuration: Configuration = Configuration(),
        logger: Logger
    ) throws {
        guard let credentials = awsConfiguration.credentials else {
            throw AWSError(code: "MissingCredentials", message: "no AWS credentials are configured", status: 0)
        }
        self.init(httpClient: httpClient, credentials: credentials, configuration: configuration, logger: logger)
    }

    /// Sends a signed request to `endpoint` and returns the response, whatever its status.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - endpoint: `scheme://host[:port][/base-path]`, such as `http://127.0.0.1:4566`.
    ///   - path: the path after the endpoint's, already percent-encoded, starting with `/`.
    ///   - query: the query string, already percent-encoded, without `?`.
    ///   - headers: extra headers to send and sign (`Host` is added).
    ///   - body: the request body.
    ///   - service: the SigV4 signing name, such as `s3` or `cloudtrail`.
    ///   - region: the SigV4 region.
    /// - Throws: ``AWSError`` for an unusable endpoint; the transport's error when every attempt failed.
    public func send(
        method: HTTPMethod,
        endpoint: String,
        path: String,
        query: String = "",
        headers: [(String, String)] = [],
        body: Data = Data(),
        service: String,
        region: String
    ) async throws -> Response {
        let target = try Endpoint(endpoint)
        return try await send(
            method: method,
            target: target,
            path: target.basePath + (path.isEmpty ? "/" : path),
            query: query,
            headers: headers,
            body: body,
            service: service,
            region: region
        )
    }

    /// Sends a signed request to a full URL (`scheme://host[:port]/path[?query]`, percent-encoded).
    ///
    /// - Throws: ``AWSError`` for an unusable URL; the transport's error when every attempt failed.
    public func send(
        method: HTTPMethod,
        url: String,
        headers: [(String, String)] = [],
        body: Data = Data(),
        service: String,
        region: String
    ) async throws -> Response {
        guard let parsed = URL(string: url) else {
            throw AWSError(code: "InvalidEndpoint", message: "not a URL: \(url)", status: 0)
        }
        let target = try Endpoint(url)
        let path = parsed.path(percentEncoded: true)
        return try await send(
            method: method,
            target: target,
            path: path.isEmpty ? "/" : path,
            query: parsed.query(percentEncoded: true) ?? "",
            headers: headers,
            body: body,
            service: service,
            region: region
        )
    }

    func send(
        method: HTTPMethod,
        target: Endpoint,
        path: String,
        query: String,
        headers: [(String, String)],
        body: Data,
        service: String,
        region: String,
        timeout: TimeAmount? = nil
    ) async throws -> Response {
        let payloadHash = SigV4.sha256Hex(body)
        let url = target.origin + path + (query.isEmpty ? "" : "?" + query)
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            try Task.checkCancellation()
            var signable = SignableRequest(
                method: method.rawValue,
                path: path,
                query: query,
                headers: [("Host", target.hostHeader)] + headers,
                payloadHash: payloadHash
            )
            SigV4.sign(&signable, credentials: credentials, region: region, service: service, date: Date())
            var request = HTTPClientRequest(url: url)
            request.method = method
            for header in signable.headers { request.headers.add(name: header.name, value: header.value) }
            if !body.isEmpty { request.body = .bytes(ByteBuffer(data: body)) }

            let canRetry = attempt < configuration.retry.maximumAttempts
            do {
                let response = try await httpClient.execute(
                    request, timeout: timeout ?? configuration.timeout, logger: logger)
                let buffer = try await response.body.collect(upTo: configuration.maximumResponseBytes)
                let result = Response(
                    status: Int(response.status.code),
                    headers: response.headers,
                    body: Data(buffer: buffer)
                )
                guard canRetry, RetryPolicy.isRetryable(result) else { return result }
                logger.debug(
                    "AWS request answered with a retryable status",
                    metadata: [
                        LogKey.service: "\(service)", LogKey.attempt: "\(attempt)", LogKey.status: "\(result.status)",
                    ]
                )
            } catch {
                guard canRetry, RetryPolicy.isRetryable(error) else { throw error }
                logger.debug(
                    "AWS request failed, retrying",
                    metadata: [LogKey.service: "\(service)", LogKey.attempt: "\(attempt)", LogKey.error: "\(error)"]
                )
            }
            try await Task.sleep(for: configuration.retry.delay(beforeRetry: attempt, using: &generator))
            attempt += 1
        }
    }

    enum LogKey {
        static let service = "trail.aws.service"
        static let attempt = "trail.aws.attempt"
        static let status = "trail.http.status"
        static let error = "trail.error"
    }

    /// Where requests go: the origin to connect to, the `Host` header to sign, a base path.
    struct Endpoint {
        var origin: String
        var hostHeader: String
        var basePath: String

        init(_ text: String) throws(AWSError) {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https",
                let rawHost = url.host(percentEncoded: false), !rawHost.isEmpty
            else {
                throw AWSError(code: "InvalidEndpoint", message: "not an http(s) URL: \(text)", status: 0)
            }
            let host =
                rawHost.contains(":") && !rawHost.hasPrefix("[") ? "[\(rawHost.lowercased())]" : rawHost.lowercased()
            let defaultPort = scheme == "https" ? 443 : 80
            let port = url.port.flatMap { $0 == defaultPort ? nil : $0 }
            hostHeader = port.map { "\(host):\($0)" } ?? host
            origin = "\(scheme)://" + (url.port.map { "\(host):\($0)" } ?? host)
            var base = url.path(percentEncoded: true)
            while base.hasSuffix("/") { base.removeLast() }
            basePath = base
        }
    }
}
