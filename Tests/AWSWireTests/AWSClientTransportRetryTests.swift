import AWSWire
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// ``AWSClient`` retries what fails below HTTP: timeouts and refused connections, a bounded number of times.
@Suite(
    .enabled(
        if: ScriptedServer.isAvailable || Botocore.isRequired,
        "python3 was not found for the loopback server (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    )
)
struct AWSClientTransportRetryTests {
    static let key = SigV4.Credentials(accessKeyID: "AKIATESTKEY000000002", secretAccessKey: "client/secret+key")

    /// Counts the client's "retrying" log lines.
    final class RetryCounter: LogHandler, @unchecked Sendable {
        // Safe: `retries` is a Mutex; `metadata` and `logLevel` are only set before the client is used.
        let retries = Mutex(0)
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            if event.message.description.contains("retrying") || event.message.description.contains("retryable") {
                retries.withLock { $0 += 1 }
            }
        }
    }

    @Test func aTimedOutAttemptIsRetried() async throws {
        let server = try ScriptedServer(responses: [
            // Held back far beyond the attempt's deadline, so that a loaded machine cannot make it in time.
            ["status": 200, "body": "late", "delay": 30],
            ["status": 200, "body": "on time"],
        ])
        defer { server.stop() }
        let counter = RetryCounter()
        let configuration = AWSClient.Configuration(
            retry: .init(maximumAttempts: 3, baseDelay: .milliseconds(1), maximumDelay: .milliseconds(5)),
            timeout: .milliseconds(500))
        let response = try await HTTPClient.withHTTPClient { http in
            try await AWSClient(
                httpClient: http, credentials: Self.key, configuration: configuration,
                logger: Logger(label: "t", factory: { _ in counter })
            ).send(method: .GET, endpoint: server.endpoint, path: "/x", service: "s3", region: "us-east-1")
        }
        #expect(String(decoding: response.body, as: UTF8.self) == "on time")
        #expect(try server.received().count == 2)
        #expect(counter.retries.withLock { $0 } == 1)
    }

    @Test func aRefusedConnectionIsRetriedThenTheErrorIsThrown() async throws {
        // A port nothing listens on: bind, read the port, close.
        let port = try Self.closedPort()
        let counter = RetryCounter()
        // AsyncHTTPClient keeps reconnecting until the attempt's deadline: keep it short.
        let configuration = AWSClient.Configuration(
            retry: .init(maximumAttempts: 3, baseDelay: .milliseconds(1), maximumDelay: .milliseconds(5)),
            timeout: .milliseconds(300))
        await #expect(throws: (any Error).self) {
            try await HTTPClient.withHTTPClient { http in
                _ = try await AWSClient(
                    httpClient: http, credentials: Self.key, configuration: configuration,
                    logger: Logger(label: "t", factory: { _ in counter })
                ).send(method: .GET, endpoint: "http://127.0.0.1:\(port)", path: "/", service: "s3", region: "us-east-1")
            }
        }
        #expect(counter.retries.withLock { $0 } == 2, "three attempts: two retries")
    }

    @Test func throttlingAnd429AreRetriedUntilTheyClear() async throws {
        let server = try ScriptedServer(responses: [
            ["status": 400, "body": #"{"__type":"com.amazonaws.sqs#ThrottlingException","message":"slow"}"#],
            ["status": 429, "body": ""],
            ["status": 200, "body": "{}"],
        ])
        defer { server.stop() }
        let configuration = AWSClient.Configuration(
            retry: .init(maximumAttempts: 5, baseDelay: .milliseconds(1), maximumDelay: .milliseconds(5)))
        let queues = try await HTTPClient.withHTTPClient { http in
            try await SQSClient(
                client: AWSClient(
                    httpClient: http, credentials: Self.key, configuration: configuration,
                    logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })),
                endpoint: server.endpoint, region: "eu-west-1"
            ).listQueues()
        }
        #expect(queues.queueURLs.isEmpty)
        let received = try server.received()
        #expect(received.count == 3)
        #expect(received.allSatisfy { $0.header("x-amz-target") == "AmazonSQS.ListQueues" })
        #expect(received.allSatisfy { $0.header("content-type") == "application/x-amz-json-1.0" })
    }

    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
