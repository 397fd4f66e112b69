import AWSWire
import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import Testing

/// ``AWSClient`` and ``S3Client`` over a real socket: what AsyncHTTPClient sends verifies, and retries happen.
@Suite(
    .enabled(
        if: ScriptedServer.isAvailable || Botocore.isRequired,
        "python3 was not found for the loopback server (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    )
)
struct AWSClientTests {
    static let key = SigV4.Credentials(accessKeyID: "AKIATESTKEY000000002", secretAccessKey: "client/secret+key")
    static let logger = Logger(label: "trail.tests", factory: { _ in SwiftLogNoOpLogHandler() })
    static let fast = AWSClient.Configuration(retry: .init(baseDelay: .milliseconds(1), maximumDelay: .milliseconds(5)))

    let verifier = SigV4Verifier(credentials: { $0 == key.accessKeyID ? key : nil })

    func verify(_ request: ScriptedServer.Received) throws(SigV4Error) -> SigV4Verifier.VerifiedIdentity {
        try verifier.verify(
            method: request.method,
            path: request.path,
            query: request.query,
            headers: request.headers,
            bodySHA256Hex: SigV4.sha256Hex(request.body)
        )
    }

    @Test func retriesAThrottledRequestAndEveryAttemptVerifies() async throws {
        let server = try ScriptedServer(responses: [
            [
                "status": 503,
                "body": "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>",
            ],
            ["status": 200, "headers": [["ETag", "\"abc\""]], "body": "ok"],
        ])
        defer { server.stop() }
        let response = try await HTTPClient.withHTTPClient { http in
            try await AWSClient(httpClient: http, credentials: Self.key, configuration: Self.fast, logger: Self.logger)
                .send(
                    method: .PUT,
                    endpoint: server.endpoint,
                    path: "/bucket/a%20b%2Bc/%C3%A9",
                    query: "y=a%2Fb&x=1",
                    headers: [("Content-Type", "text/plain")],
                    body: Data("hello".utf8),
                    service: "s3",
                    region: "eu-west-1"
                )
        }
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "ok")
        #expect(response.headers.first(name: "etag") == "\"abc\"")

        let received = try server.received()
        #expect(received.count == 2)
        for request in received {
            #expect(request.method == "PUT")
            #expect(request.path == "/bucket/a%20b%2Bc/%C3%A9")
            #expect(request.query == "y=a%2Fb&x=1")
            #expect(request.header("host") == "127.0.0.1:\(server.port)")
            #expect(request.body == Data("hello".utf8))
            let identity = try verify(request)
            #expect(identity.region == "eu-west-1" && identity.service == "s3")
        }
    }

    @Test func returnsAClientErrorWithoutRetrying() async throws {
        let server = try ScriptedServer(responses: [
            [
                "status": 400, "headers": [["x-amzn-RequestId", "req-7"]],
                "body": #"{"__type":"com.amazonaws.cloudtrail#InvalidTrailNameException","message":"bad name"}"#,
            ]
        ])
        defer { server.stop() }
        let response = try await HTTPClient.withHTTPClient { http in
            try await AWSClient(httpClient: http, credentials: Self.key, configuration: Self.fast, logger: Self.logger)
                .send(
                    method: .POST,
                    url: server.endpoint + "/?Action=x",
                    headers: [("X-Amz-Target", "CloudTrail_20131101.GetTrail")],
                    body: Data("{}".utf8),
                    service: "cloudtrail",
                    region: "us-east-1"
                )
        }
        #expect(
            AWSError(response: response)
                == .init(code: "InvalidTrailNameException", message: "bad name", status: 400, requestID: "req-7")
        )
        let received = try server.received()
        #expect(received.count == 1)
        #expect(received.first?.query == "Action=x")
        for request in received {
            #expect(throws: Never.self) { try verify(request) }
        }
    }

    @Test func givesUpAfterTheLastAttempt() async throws {
        let server = try ScriptedServer(responses: [["status": 500, "body": ""]])
        defer { server.stop() }
        let response = try await HTTPClient.withHTTPClient { http in
            try await AWSClient(httpClient: http, credentials: Self.key, configuration: Self.fast, logger: Self.logger)
                .send(
                    method: .GET,
                    endpoint: server.endpoint + "/base/",
                    path: "/x",
                    service: "trailkeeper",
                    region: "us-east-1"
                )
        }
        #expect(response.status == 500)
        let received = try server.received()
        #expect(received.count == 4)
        #expect(received.allSatisfy { $0.path == "/base/x" })
    }

    @Test func s3ClientListsReadsAndReportsErrors() async throws {
        let listing = """
            <ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated>\
            <Contents><Key>AWSLogs/a b.json.gz</Key><Size>3</Size><ETag>"e"</ETag></Contents></ListBucketResult>
            """
        let server = try ScriptedServer(responses: [
            ["status": 200, "body": listing],
            ["status": 200, "body": "abc"],
            ["status": 404, "body": ""],
        ])
        defer { server.stop() }
        let s3 = { (http: HTTPClient) in
            S3Client(
                client: AWSClient(
                    httpClient: http,
                    credentials: Self.key,
                    configuration: Self.fast,
                    logger: Self.logger
                ),
                endpoint: server.endpoint,
                region: "us-east-1"
            )
        }
        let (page, bytes, missing) = try await HTTPClient.withHTTPClient { http in
            let client = s3(http)
            let page = try await client.listObjectsV2(bucket: "b", prefix: "AWSLogs/", maxKeys: 5)
            let bytes = try await client.getObject(bucket: "b", key: "AWSLogs/a b.json.gz", range: 0...2)
            let missing = await #expect(throws: AWSError.self) { try await client.headObject(bucket: "b", key: "nope") }
            return (page, bytes, missing)
        }
        #expect(page.objects.map(\.key) == ["AWSLogs/a b.json.gz"])
        #expect(bytes == Data("abc".utf8))
        #expect(missing?.code == "NotFound" && missing?.status == 404)

        let received = try server.received()
        #expect(received.map(\.method) == ["GET", "GET", "HEAD"])
        #expect(received.map(\.path) == ["/b", "/b/AWSLogs/a%20b.json.gz", "/b/nope"])
        #expect(received.first?.query == "list-type=2&encoding-type=url&max-keys=5&prefix=AWSLogs%2F")
        #expect(received.dropFirst().first?.header("range") == "bytes=0-2")
        for request in received {
            #expect(throws: Never.self) { try verify(request) }
        }
    }
}
