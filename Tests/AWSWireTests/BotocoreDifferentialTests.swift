import AWSWire
import Foundation
import Testing

/// Our signer and verifier against botocore on requests with awkward paths, queries and headers.
enum Botocore {
    static var isAvailable: Bool {
        ProcessInfo.processInfo.environment["TRAILKEEPER_REQUIRE_INTEGRATION"] == "1" || run(["-c", "import botocore"]) == 0
    }

    static func run(_ args: [String], input: Data? = nil) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}

@Suite(.enabled(if: Botocore.isAvailable, "needs python3 with botocore"))
struct BotocoreDifferentialTests {

    struct Case {
        var method: String
        var host: String
        var path: String
        var query: String
        var headers: [(String, String)]
        var body: String
        var service: String
        var region: String
        var token: String?
    }

    static let cases: [Case] = [
        Case(method: "POST", host: "127.0.0.1:4600", path: "/", query: "", headers: [("X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"), ("Content-Type", "application/x-amz-json-1.1")], body: "{\"MaxResults\": 5}", service: "cloudtrail", region: "us-east-1"),
        Case(method: "POST", host: "127.0.0.1:4600", path: "/PutAuditEvents", query: "channelArn=arn%3Aaws%3Acloudtrail%3Aus-east-1%3A123456789012%3Achannel%2Fabc&externalId=ext-1", headers: [("Content-Type", "application/json")], body: "{\"auditEvents\":[]}", service: "cloudtrail-data", region: "eu-west-1"),
        Case(method: "GET", host: "localhost:9000", path: "/my-bucket/some%20dir/caf%C3%A9%2Bx.json.gz", query: "", headers: [("Range", "bytes=0-99")], body: "", service: "s3", region: "us-west-2"),
        Case(method: "GET", host: "localhost:9000", path: "/my-bucket", query: "list-type=2&prefix=AWSLogs%2F123%2F&continuation-token=a%2Bb%3D%3D&max-keys=1000", headers: [], body: "", service: "s3", region: "us-east-1"),
        Case(method: "PUT", host: "localhost:9000", path: "/b/k%7E~", query: "", headers: [("x-amz-meta-Note", "  two   spaces  "), ("Content-Type", "application/gzip")], body: "payload", service: "s3", region: "us-east-1", token: "SESSIONTOKEN/+="),
        Case(method: "POST", host: "sqs.local:9324", path: "/123456789012/queue%20name", query: "", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "Action=ReceiveMessage&WaitTimeSeconds=20", service: "sqs", region: "us-east-1"),
    ]

    static let credentials = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

    func botocoreHeaders() throws -> [[String: String]] {
        let script = try #require(Bundle.module.url(forResource: "Resources/botocore_sign", withExtension: "py"))
        let input = Self.cases.map { c -> [String: Any] in
            var d: [String: Any] = [
                "method": c.method, "url": "http://\(c.host)\(c.path)\(c.query.isEmpty ? "" : "?" + c.query)",
                "headers": Dictionary(uniqueKeysWithValues: c.headers.map { ($0.0, $0.1) }), "body": c.body,
                "service": c.service, "region": c.region, "key": Self.credentials.0, "secret": Self.credentials.1,
            ]
            if let t = c.token { d["token"] = t }
            return d
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script.path]
        let stdin = Pipe()
        let stdout = Pipe()
        p.standardInput = stdin
        p.standardOutput = stdout
        try p.run()
        stdin.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: input))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: String]])
    }

    @Test func signaturesMatchBotocoreAndVerify() throws {
        let expected = try botocoreHeaders()
        let date = Date(timeIntervalSince1970: 1_714_568_535)  // 2024-05-01T13:02:15Z
        let verifier = SigV4Verifier(
            credentials: { $0 == Self.credentials.0 ? .init(accessKeyID: $0, secretAccessKey: Self.credentials.1) : nil },
            now: { date })
        for (c, theirs) in zip(Self.cases, expected) {
            var ours = SignableRequest(
                method: c.method, path: c.path, query: c.query, headers: [("host", c.host)] + c.headers, body: Data(c.body.utf8))
            SigV4.sign(
                &ours, credentials: .init(accessKeyID: Self.credentials.0, secretAccessKey: Self.credentials.1, sessionToken: c.token),
                region: c.region, service: c.service, date: date)
            #expect(ours.headerValue("authorization") == theirs["Authorization"], "\(c.method) \(c.path)")

            // botocore's request verifies; a one-byte change anywhere does not.
            let headers = [("host", c.host)] + theirs.map { ($0.key, $0.value) }
            let hash = SigV4.sha256Hex(Data(c.body.utf8))
            #expect(throws: Never.self) {
                try verifier.verify(method: c.method, path: c.path, query: c.query, headers: headers, bodySHA256Hex: hash)
            }
            #expect(throws: SigV4Error.self) {
                try verifier.verify(method: c.method, path: c.path + "x", query: c.query, headers: headers, bodySHA256Hex: hash)
            }
            #expect(throws: SigV4Error.self) {
                try verifier.verify(
                    method: c.method, path: c.path, query: c.query, headers: headers,
                    bodySHA256Hex: SigV4.sha256Hex(Data((c.body + " ").utf8)))
            }
            #expect(throws: SigV4Error.self) {
                try verifier.verify(
                    method: c.method, path: c.path, query: c.query,
                    headers: headers.map { $0.0.lowercased() == "host" ? ($0.0, "evil:1") : $0 }, bodySHA256Hex: hash)
            }
        }
    }
}
