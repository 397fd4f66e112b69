import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A SigV4-signing HTTP client for AWS APIs, with retries.
///
/// Retries connection failures, timeouts, HTTP 5xx, 429 and throttling codes with exponential
/// backoff and full jitter. The caller owns the `HTTPClient`.
public struct AWSClient: Sendable {
    /// Retry policy.
    public struct Configuration: Sendable {
        public var maximumAttempts: Int = 4
        public var baseDelay: Duration = .milliseconds(100)
        public var maximumDelay: Duration = .seconds(5)
        public var timeout: TimeAmount = .seconds(60)
        public var maximumResponseBytes: Int = 1 << 30
        public init() {}
    }

    /// A response: status, headers and body.
    public struct Response: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: Data
    }

    public let http: HTTPClient
    public let credentials: SigV4.Credentials
    public let region: String
    public let configuration: Configuration
    let logger: Logger

    public init(
        http: HTTPClient, credentials: SigV4.Credentials, region: String, configuration: Configuration = .init(),
        logger: Logger
    ) {
        self.http = http
        self.credentials = credentials
        self.region = region
        self.configuration = configuration
        self.logger = logger
    }

    /// Sends a signed request to `endpoint` (scheme://host[:port]) and returns the response,
    /// whatever its status, after retrying retryable failures.
    public func send(
        method: HTTPMethod, endpoint: String, path: String, query: String = "", headers: [(String, String)] = [],
        body: Data = Data(), service: String
    ) async throws -> Response {
        guard let url = URL(string: endpoint), let host = url.host else {
            throw AWSError(code: "InvalidEndpoint", message: "\(endpoint) is not a URL", status: 0)
        }
        let hostHeader = url.port.map { "\(host):\($0)" } ?? host
        let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        var attempt = 0
        while true {
            attempt += 1
            var signable = SignableRequest(
                method: method.rawValue, path: path, query: query, headers: [("host", hostHeader)] + headers, body: body)
            SigV4.sign(&signable, credentials: credentials, region: region, service: service, date: Date())
            var request = HTTPClientRequest(url: base + path + (query.isEmpty ? "" : "?" + query))
            request.method = method
            for (name, value) in signable.headers where name != "host" { request.headers.add(name: name, value: value) }
            if !body.isEmpty { request.body = .bytes(ByteBuffer(data: body)) }
            do {
                let response = try await http.execute(request, timeout: configuration.timeout)
                let buffer = try await response.body.collect(upTo: configuration.maximumResponseBytes)
                let result = Response(status: Int(response.status.code), headers: response.headers, body: Data(buffer: buffer))
                if attempt < configuration.maximumAttempts, Self.isRetryable(result) {
                    try await backoff(attempt)
                    continue
                }
                return result
            } catch let error as CancellationError {
                throw error
            } catch {
                guard attempt < configuration.maximumAttempts else { throw error }
                logger.debug("retrying after a transport error", metadata: ["trail.error": "\(error)"])
                try await backoff(attempt)
            }
        }
    }

    static func isRetryable(_ r: Response) -> Bool {
        if r.status >= 500 || r.status == 429 { return true }
        guard r.status == 400 || r.status == 403 || r.status == 503 else { return false }
        let text = String(decoding: r.body.prefix(2048), as: UTF8.self)
        return ["Throttling", "ThrottlingException", "SlowDown", "RequestLimitExceeded", "TooManyRequestsException"]
            .contains { text.contains($0) }
    }

    func backoff(_ attempt: Int) async throws {
        let cap = min(configuration.maximumDelay, configuration.baseDelay * (1 << min(attempt, 20)))
        let nanos = cap.components.seconds * 1_000_000_000 + cap.components.attoseconds / 1_000_000_000
        try await Task.sleep(for: .nanoseconds(Int64.random(in: 0...max(nanos, 1))))
    }
}
