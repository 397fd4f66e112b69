import AWSWire
import Foundation
import Testing

/// Our signer and verifier against botocore, on requests with awkward paths, queries and headers.
@Suite(
    .enabled(
        if: Botocore.isAvailable || Botocore.isRequired,
        "python3 with botocore was not found (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    )
)
struct BotocoreDifferentialTests {
    struct Case: Sendable {
        var method: String
        var scheme = "http"
        var host: String
        var path: String
        var query = ""
        var headers: [(String, String)] = []
        var body = ""
        var service: String
        var region = "us-east-1"
        var token: String?
        var expires = 900
    }

    static let key = "AKIAIOSFODNN7EXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let date = Date(timeIntervalSince1970: 1_714_568_535)  // 20240501T130215Z

    static let headerCases: [Case] = [
        Case(
            method: "POST",
            host: "127.0.0.1:4600",
            path: "/",
            headers: [
                ("X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"),
                ("Content-Type", "application/x-amz-json-1.1"), ("User-Agent", "aws-cli/2.15 botocore/1.34"),
            ],
            body: #"{"MaxResults": 5}"#,
            service: "cloudtrail"
        ),
        Case(
            method: "POST",
            host: "127.0.0.1:4600",
            path: "/PutAuditEvents",
            query: "channelArn=arn%3Aaws%3Acloudtrail%3Aus-east-1%3A123456789012%3Achannel%2Fabc&externalId=ext-1",
            headers: [("Content-Type", "application/json")],
            body: #"{"auditEvents":[]}"#,
            service: "cloudtrail-data",
            region: "eu-west-1"
        ),
        Case(
            method: "GET",
            host: "localhost:9000",
            path: "/my-bucket/some%20dir/caf%C3%A9%2Bx%20%E2%9C%93.json.gz",
            headers: [("Range", "bytes=0-99")],
            service: "s3",
            region: "us-west-2"
        ),
        Case(
            method: "GET",
            host: "localhost:9000",
            path: "/my-bucket",
            query: "list-type=2&prefix=AWSLogs%2F123%2F&continuation-token=a%2Bb%3D%3D&max-keys=1000",
            service: "s3"
        ),
        Case(
            method: "PUT",
            host: "localhost:9000",
            path: "/b/k%7E~/%2E%2E/x",
            headers: [("x-amz-meta-Note", "  two   spaces\tand a tab  "), ("Content-Type", "application/gzip")],
            body: "payload",
            service: "s3",
            token: "SESSION/TOKEN+=="
        ),
        Case(
            method: "POST",
            host: "sqs.local:9324",
            path: "/123456789012/queue%20name",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Custom", "one"), ("x-custom", "two")],
            body: "Action=ReceiveMessage&WaitTimeSeconds=20",
            service: "sqs"
        ),
        Case(
            method: "GET",
            scheme: "https",
            host: "example.amazonaws.com",
            path: "/a/./b/../c//d%2Fe~f%20g/",
            query: "q=a%20b%26c&empty=&flag&z=%E2%82%AC&B=1&a=2&a=1&%C3%A9=x",
            headers: [("X-Amz-Meta", "ünïcödé")],
            service: "service"
        ),
        Case(
            method: "DELETE",
            host: "127.0.0.1:4600",
            path: "/v1/things/%F0%9F%8C%8D",
            headers: [("Date", "Thu, 01 Jan 1970 00:00:00 GMT")],
            service: "trailkeeper",
            token: "tok"
        ),
    ]

    static let presignCases: [Case] = [
        Case(method: "GET", host: "localhost:9000", path: "/my-bucket/a%20b/%C3%A9.json", service: "s3", expires: 600),
        Case(method: "PUT", host: "localhost:9000", path: "/my-bucket/k", service: "s3", token: "SESSION/TOKEN+="),
        Case(
            method: "GET",
            host: "127.0.0.1:4600",
            path: "/",
            query: "Action=ListThings&Version=2024-05-01",
            service: "trailkeeper",
            expires: 3600
        ),
    ]

    static func pythonCase(_ c: Case, kind: String) -> [String: Any] {
        var object: [String: Any] = [
            "kind": kind, "method": c.method,
            "url": "\(c.scheme)://\(c.host)\(c.path)" + (c.query.isEmpty ? "" : "?" + c.query),
            "headers": c.headers.map { [$0.0, $0.1] }, "body": c.body, "service": c.service, "region": c.region,
            "key": key, "secret": secret, "time": Int(date.timeIntervalSince1970), "expires": c.expires,
        ]
        if let token = c.token { object["token"] = token }
        return object
    }

    func credentials(_ c: Case) -> SigV4.Credentials {
        .init(accessKeyID: Self.key, secretAccessKey: Self.secret, sessionToken: c.token)
    }

    func verifier(secret: String = secret, token: String? = nil) -> SigV4Verifier {
        SigV4Verifier(
            credentials: {
                $0 == Self.key ? .init(accessKeyID: $0, secretAccessKey: secret, sessionToken: token) : nil
            },
            now: { Self.date }
        )
    }

    /// Fails (rather than skips) when TRAILKEEPER_REQUIRE_INTEGRATION=1 and botocore is missing.
    func requireBotocore() throws {
        try #require(
            Botocore.isAvailable,
            "TRAILKEEPER_REQUIRE_INTEGRATION=1 but python3 with botocore is not available"
        )
    }

    @Test func headerSignaturesMatchBotocoreAndBotocoresVerify() throws {
        try requireBotocore()
        let answers = try Botocore.sign(Self.headerCases.map { Self.pythonCase($0, kind: "header") })
        try #require(answers.count == Self.headerCases.count)
        for (c, answer) in zip(Self.headerCases, answers) {
            let label = Comment(rawValue: "\(c.method) \(c.path)?\(c.query) (\(c.service))")
            let theirs = try #require(answer["headers"] as? [[String]]).map { ($0[0], $0[1]) }

            var ours = SignableRequest(
                method: c.method,
                path: c.path,
                query: c.query,
                headers: [("Host", c.host)] + c.headers,
                body: Data(c.body.utf8)
            )
            SigV4.sign(&ours, credentials: credentials(c), region: c.region, service: c.service, date: Self.date)
            let oursWithoutHost = ours.headers.filter { $0.name != "Host" }.map { "\($0.name): \($0.value)" }
            #expect(oursWithoutHost == theirs.map { "\($0.0): \($0.1)" }, label)

            // botocore's request as the server receives it: its headers plus the Host the client adds.
            let received = [("Host", c.host)] + theirs
            let hash = SigV4.sha256Hex(Data(c.body.utf8))
            let tokenCheck = verifier(token: c.token)
            #expect(throws: Never.self, label) {
                try tokenCheck.verify(
                    method: c.method,
                    path: c.path,
                    query: c.query,
                    headers: received,
                    bodySHA256Hex: hash
                )
            }
            let changedBody = SigV4.sha256Hex(Data((c.body + " ").utf8))
            #expect(throws: SigV4Error.self, label) {
                try tokenCheck.verify(
                    method: c.method,
                    path: c.path,
                    query: c.query,
                    headers: received,
                    bodySHA256Hex: changedBody
                )
            }
            let changedHeader = received.map { $0.0 == "Host" ? ($0.0, c.host + "0") : $0 }
            #expect(throws: SigV4Error.self, label) {
                try tokenCheck.verify(
                    method: c.method,
                    path: c.path,
                    query: c.query,
                    headers: changedHeader,
                    bodySHA256Hex: hash
                )
            }
            #expect(throws: SigV4Error.self, label) {
                try tokenCheck.verify(
                    method: c.method,
                    path: c.path + "x",
                    query: c.query,
                    headers: received,
                    bodySHA256Hex: hash
                )
            }
            let otherSecret = verifier(secret: Self.secret + "x", token: c.token)
            #expect(throws: SigV4Error.self, label) {
                try otherSecret.verify(
                    method: c.method,
                    path: c.path,
                    query: c.query,
                    headers: received,
                    bodySHA256Hex: hash
                )
            }
            let noKey = SigV4Verifier(credentials: { _ in nil }, now: { Self.date })
            #expect(throws: SigV4Error.self, label) {
                try noKey.verify(method: c.method, path: c.path, query: c.query, headers: received, bodySHA256Hex: hash)
            }
        }
    }

    @Test func presignedURLsMatchBotocoreAndBotocoresVerify() throws {
        try requireBotocore()
        let answers = try Botocore.sign(Self.presignCases.map { Self.pythonCase($0, kind: "presign") })
        try #require(answers.count == Self.presignCases.count)
        for (c, answer) in zip(Self.presignCases, answers) {
            let label = Comment(rawValue: "\(c.method) \(c.path) (\(c.service))")
            let url = try #require(answer["url"] as? String)
            let theirQuery = try #require(url.split(separator: "?", maxSplits: 1).last.map(String.init))

            let request = SignableRequest(
                method: c.method,
                path: c.path,
                query: c.query,
                headers: [("Host", c.host)],
                body: Data(c.body.utf8)
            )
            let ourQuery = SigV4.presign(
                request,
                credentials: credentials(c),
                region: c.region,
                service: c.service,
                date: Self.date,
                expires: c.expires
            )
            #expect(ourQuery == theirQuery, label)

            let headers = [("Host", c.host)]
            let hash = SigV4.sha256Hex(Data())
            let check = verifier(token: c.token)
            #expect(throws: Never.self, label) {
                try check.verify(
                    method: c.method,
                    path: c.path,
                    query: theirQuery,
                    headers: headers,
                    bodySHA256Hex: hash
                )
            }
            #expect(throws: SigV4Error.self, label) {
                try check.verify(
                    method: c.method,
                    path: c.path + "x",
                    query: theirQuery,
                    headers: headers,
                    bodySHA256Hex: hash
                )
            }
            #expect(throws: SigV4Error.self, label) {
                try check.verify(
                    method: c.method,
                    path: c.path,
                    query: theirQuery,
                    headers: [("Host", "evil:1")],
                    bodySHA256Hex: hash
                )
            }
            #expect(throws: SigV4Error.self, label) {
                try verifier(secret: Self.secret + "x", token: c.token).verify(
                    method: c.method,
                    path: c.path,
                    query: theirQuery,
                    headers: headers,
                    bodySHA256Hex: hash
                )
            }
            let late = SigV4Verifier(
                credentials: { .init(accessKeyID: $0, secretAccessKey: Self.secret, sessionToken: c.token) },
                now: { Self.date.addingTimeInterval(Double(c.expires + 1)) }
            )
            let error = try #require(throws: SigV4Error.self, label) {
                try late.verify(
                    method: c.method,
                    path: c.path,
                    query: theirQuery,
                    headers: headers,
                    bodySHA256Hex: hash
                )
            }
            #expect(error.code == .requestExpired, label)
        }
    }
}
