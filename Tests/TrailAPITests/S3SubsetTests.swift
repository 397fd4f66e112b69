import AWSWire
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import ObjectStorage
import Testing
import TrailAPI
import TrailModel

/// Real SigV4 for `s3` (and `Authorization: test …` for the other routes' helpers).
struct S3TestAuthenticator: RequestAuthenticator {
    static let key = SigV4.Credentials(accessKeyID: "AKIAS3SUBSETTEST0001", secretAccessKey: "s3/subset+secret")
    let verifier = SigV4Verifier(credentials: { $0 == key.accessKeyID ? key : nil })

    func authenticate(_ request: AuthenticationRequest) throws(AuthenticationFailure) -> AuthenticatedCaller {
        if let value = request.headers.first(where: { $0.name == "authorization" })?.value, value.hasPrefix("test ") {
            return try TestAuthenticator().authenticate(request)
        }
        do {
            let identity = try verifier.verify(
                method: request.method, path: request.rawPath, query: request.rawQuery,
                headers: request.headers.map { ($0.name, $0.value) }, bodySHA256Hex: request.bodySHA256)
            return AuthenticatedCaller(
                accessKeyID: identity.accessKeyID, region: identity.region, service: identity.service,
                chunkSignatures: identity.chunkSignatures)
        } catch {
            throw AuthenticationFailure(
                jsonType: error.jsonErrorType, s3Code: error.s3ErrorCode, status: error.httpStatus, message: error.message)
        }
    }
}

/// One S3 answer.
struct S3Answer {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }

    /// The text of every `<name>` element, in order.
    func elements(_ name: String) -> [String] {
        var out: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(name)>"), let close = rest.range(of: "</\(name)>", range: open.upperBound..<rest.endIndex) {
            out.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return out
    }

    /// The error code of an S3 error document.
    var code: String? { elements("Code").first }
}

@Suite struct S3SubsetTests {
    let api = TestAPI()
    let root = NSTemporaryDirectory() + "trailkeeper-s3-" + UUID().uuidString

    /// Runs `body` against the router with a ``FileObjectStore`` (or `objects`) behind the S3 subset.
    func test(
        objects: (any ObjectStore)? = nil, objectBodyLimit: Int = 256 * 1_048_576,
        _ body: @escaping @Sendable (any TestClientProtocol, any ObjectStore) async throws -> Void
    ) async throws {
        let store = try objects ?? FileObjectStore(root: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let now = api.now
        let context = TrailAPIContext(
            store: api.store, objects: store, deliverer: api.deliverer, identity: TestAPI.identity,
            authenticator: S3TestAuthenticator(), configuration: .init(objectBodyLimit: objectBodyLimit), now: { now })
        let app = Application(router: buildRouter(context))
        try await app.test(.router) { client in try await body(client, store) }
    }

    // MARK: routing

    @Test func otherRoutesKeepTheirMeaning() async throws {
        try await test { client, _ in
            let health = try await client.execute(uri: "/health", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(health.0 == .ok)
            #expect(health.1 == "{\"status\":\"ok\"}")
            let (status, lookup) = try await client.cloudTrail("LookupEvents", [:])
            #expect(status == .ok)
            #expect(lookup["Events"] != nil)
            let stats = try await client.execute(uri: "/v1/stats", method: .get, headers: [.authorization: "test us-east-1"]) {
                $0.status
            }
            #expect(stats == .ok)
            // Reserved bucket names are not S3 buckets: plain 404s.
            for (uri, method) in [("/v1/nothing", HTTPRequest.Method.get), ("/health", .head), ("/metrics/x", .put), ("/console", .get)] {
                let answer = try await client.s3(method, uri)
                #expect(answer.status == .notFound, "\(method) \(uri)")
                #expect(answer.header("x-amz-request-id") == nil)
            }
            let buckets = try await client.s3(.get, "/")
            #expect(buckets.status == .ok)
            #expect(buckets.text.contains("<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"))
        }
    }

    // MARK: buckets

    @Test func bucketLifecycle() async throws {
        try await test { client, _ in
            let created = try await client.s3(.put, "/trail-logs")
            #expect(created.status == .ok)
            #expect(created.header("Location") == "/trail-logs")
            let again = try await client.s3(.put, "/trail-logs")
            #expect(again.status == .conflict)
            #expect(again.code == "BucketAlreadyOwnedByYou")
            #expect(again.elements("Resource") == ["/trail-logs"])
            #expect(again.elements("RequestId") == [again.header("x-amz-request-id")!])

            let config = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"
            #expect(try await client.s3(.put, "/trail-logs-eu", body: Data(config.utf8)).status == .ok)
            let euWest = try await client.s3(.get, "/trail-logs-eu", query: "location")
            #expect(euWest.text.hasSuffix("<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">eu-west-1</LocationConstraint>"))
            let usEast = try await client.s3(.get, "/trail-logs", query: "location")
            #expect(usEast.text.contains("<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"))

            let head = try await client.s3(.head, "/trail-logs-eu")
            #expect(head.status == .ok)
            #expect(head.header("x-amz-bucket-region") == "eu-west-1")
            let missing = try await client.s3(.head, "/no-such-bucket")
            #expect(missing.status == .notFound)
            #expect(missing.body.isEmpty)

            let list = try await client.s3(.get, "/")
            #expect(list.elements("Name") == ["trail-logs", "trail-logs-eu"])
            #expect(list.elements("BucketRegion") == ["us-east-1", "eu-west-1"])

            #expect(try await client.s3(.put, "/trail-logs/k", body: Data("x".utf8)).status == .ok)
            let notEmpty = try await client.s3(.delete, "/trail-logs")
            #expect(notEmpty.status == .conflict)
            #expect(notEmpty.code == "BucketNotEmpty")
            #expect(try await client.s3(.delete, "/trail-logs/k").status == .noContent)
            #expect(try await client.s3(.delete, "/trail-logs").status == .noContent)
            #expect(try await client.s3(.get, "/trail-logs").code == "NoSuchBucket")

            #expect(try await client.s3(.put, "/Bad_Name").code == "InvalidBucketName")
            let badXML = try await client.s3(.put, "/other-bucket", body: Data("not xml".utf8))
            #expect(badXML.code == "MalformedXML")
        }
    }

    // MARK: objects

    @Test func objectRoundTripWithMetadata() async throws {
        try await test { client, objects in
            _ = try await client.s3(.put, "/trail-logs")
            let body = Data("{\"Records\":[]}".utf8)
            let md5 = Insecure.MD5.hash(data: body).map { String(format: "%02x", $0) }.joined()
            let key = "AWSLogs/1/dir/a b+c%d é.json"
            let path = "/trail-logs/" + S3Client.encodeKey(key)
            let put = try await client.s3(
                .put, path, headers: ["Content-Type": "application/json", "x-amz-meta-Signature": "AbC", "x-amz-meta-two": "2"],
                body: body)
            #expect(put.status == .ok)
            #expect(put.header("ETag") == "\"\(md5)\"")
            #expect(put.header("x-amz-request-id") != nil)
            let stored = try await objects.headObject(bucket: "trail-logs", key: key)
            #expect(stored.metadata == ["signature": "AbC", "two": "2"])

            let get = try await client.s3(.get, path)
            #expect(get.status == .ok)
            #expect(get.body == body)
            #expect(get.header("ETag") == "\"\(md5)\"")
            #expect(get.header("Content-Type") == "application/json")
            #expect(get.header("Content-Length") == String(body.count))
            #expect(get.header("x-amz-meta-signature") == "AbC")
            #expect(get.header("Accept-Ranges") == "bytes")
            let modified = try #require(get.header("Last-Modified"))
            #expect(modified.hasSuffix(" GMT") && modified.count == 29)

            let head = try await client.s3(.head, path)
            #expect(head.status == .ok)
            #expect(head.body.isEmpty)
            #expect(head.header("Content-Length") == String(body.count))
            #expect(head.header("x-amz-meta-two") == "2")
            #expect(head.header("Last-Modified") == modified)

            let overridden = try await client.s3(.get, path, query: "response-content-type=text%2Fplain")
            #expect(overridden.header("Content-Type") == "text/plain")

            #expect(try await client.s3(.delete, path).status == .noContent)
            #expect(try await client.s3(.delete, path).status == .noContent)
            let gone = try await client.s3(.get, path)
            #expect(gone.status == .notFound)
            #expect(gone.code == "NoSuchKey")
            #expect(gone.elements("Key") == [key])
            let goneHead = try await client.s3(.head, path)
            #expect(goneHead.status == .notFound)
            #expect(goneHead.body.isEmpty)
            #expect(try await client.s3(.get, "/no-such-bucket/k").code == "NoSuchBucket")
        }
    }

    @Test func objectsWithoutContentTypeAreBinary() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            _ = try await client.s3(.put, "/trail-logs/plain", body: Data([0, 1, 2]))
            #expect(try await client.s3(.get, "/trail-logs/plain").header("Content-Type") == "binary/octet-stream")
        }
    }

    @Test func ranges() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let body = Data((0..<100).map { UInt8($0) })
            _ = try await client.s3(.put, "/trail-logs/r", body: body)
            let cases: [(String, Range<Int>)] = [("bytes=0-4", 0..<5), ("bytes=95-", 95..<100), ("bytes=-3", 97..<100), ("bytes=90-1000", 90..<100)]
            for (range, expected) in cases {
                let answer = try await client.s3(.get, "/trail-logs/r", headers: ["Range": range])
                #expect(answer.status == .partialContent, "\(range)")
                #expect(answer.body == body.subdata(in: expected))
                #expect(answer.header("Content-Range") == "bytes \(expected.lowerBound)-\(expected.upperBound - 1)/100")
                #expect(answer.header("Content-Length") == String(expected.count))
            }
            let bad = try await client.s3(.get, "/trail-logs/r", headers: ["Range": "bytes=100-200"])
            #expect(bad.status == .rangeNotSatisfiable)
            #expect(bad.code == "InvalidRange")
            #expect(bad.elements("ActualObjectSize") == ["100"])
            let multiple = try await client.s3(.get, "/trail-logs/r", headers: ["Range": "bytes=0-1,5-6"])
            #expect(multiple.status == .ok)
            #expect(multiple.body == body)
            let headRange = try await client.s3(.head, "/trail-logs/r", headers: ["Range": "bytes=10-19"])
            #expect(headRange.status == .partialContent)
            #expect(headRange.header("Content-Length") == "10")
        }
    }

    @Test func conditionalRequests() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let etag = try #require(try await client.s3(.put, "/trail-logs/c", body: Data("c".utf8)).header("ETag"))
            #expect(try await client.s3(.get, "/trail-logs/c", headers: ["If-None-Match": etag]).status == .notModified)
            #expect(try await client.s3(.get, "/trail-logs/c", headers: ["If-Match": etag]).status == .ok)
            let failed = try await client.s3(.get, "/trail-logs/c", headers: ["If-Match": "\"0000\""])
            #expect(failed.status == .preconditionFailed)
            #expect(failed.code == "PreconditionFailed")
            let future = "Fri, 01 Jan 2100 00:00:00 GMT"
            #expect(try await client.s3(.get, "/trail-logs/c", headers: ["If-Modified-Since": future]).status == .notModified)
            #expect(
                try await client.s3(.put, "/trail-logs/c", headers: ["If-None-Match": "*"], body: Data("d".utf8)).status
                    == .preconditionFailed)
        }
    }

    @Test func keysThatCannotBeFilesAreRefused() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let answer = try await client.s3(.put, "/trail-logs/a//b", body: Data("x".utf8))
            #expect(answer.status == .badRequest)
            #expect(answer.code == "InvalidArgument")
            let long = try await client.s3(.put, "/trail-logs/" + String(repeating: "k", count: 1025), body: Data())
            #expect(long.code == "KeyTooLongError")
        }
    }

    // MARK: listing

    static let listedKeys = ["a-c", "a/b", "a/c/d", "a0", "b", "c d/e+f", "é/x", "Z"]

    func putListedKeys(_ client: some TestClientProtocol) async throws {
        _ = try await client.s3(.put, "/list-bucket")
        for key in Self.listedKeys {
            #expect(try await client.s3(.put, "/list-bucket/" + S3Client.encodeKey(key), body: Data(key.utf8)).status == .ok)
        }
    }

    @Test func listObjectsV2PagesInByteOrderWithURLEncoding() async throws {
        try await test { client, _ in
            try await putListedKeys(client)
            let all = try await client.s3(.get, "/list-bucket", query: "list-type=2&encoding-type=url")
            #expect(all.elements("Key") == ["Z", "a-c", "a/b", "a/c/d", "a0", "b", "c%20d/e%2Bf", "%C3%A9/x"])
            #expect(all.elements("KeyCount") == ["8"])
            #expect(all.elements("EncodingType") == ["url"])
            #expect(all.elements("ETag").allSatisfy { $0.hasPrefix("&quot;") && $0.hasSuffix("&quot;") && $0.count == 44 })

            var keys: [String] = []
            var token: String?
            var pages = 0
            repeat {
                var query = "list-type=2&max-keys=3&delimiter=%2F"
                if let token { query += "&continuation-token=" + SigV4.encode(token) }
                let page = try await client.s3(.get, "/list-bucket", query: query)
                #expect(page.status == .ok)
                keys += page.elements("Key") + page.elements("Prefix").filter { !$0.isEmpty }
                token = page.elements("NextContinuationToken").first
                #expect((token != nil) == (page.elements("IsTruncated") == ["true"]))
                pages += 1
            } while token != nil
            #expect(keys == ["Z", "a-c", "a/", "a0", "b", "c d/", "é/"])
            #expect(pages == 3)

            let prefixed = try await client.s3(.get, "/list-bucket", query: "list-type=2&prefix=a%2F&delimiter=%2F&start-after=a%2Fa")
            #expect(prefixed.elements("Key") == ["a/b"])
            #expect(prefixed.elements("Prefix") == ["a/", "a/c/"])
            #expect(prefixed.elements("StartAfter") == ["a/a"])

            let badToken = try await client.s3(.get, "/list-bucket", query: "list-type=2&continuation-token=%%%")
            #expect(badToken.code == "InvalidArgument")
            let badMax = try await client.s3(.get, "/list-bucket", query: "list-type=2&max-keys=-1")
            #expect(badMax.code == "InvalidArgument")
        }
    }

    @Test func listObjectsV1WithMarkers() async throws {
        try await test { client, _ in
            try await putListedKeys(client)
            let first = try await client.s3(.get, "/list-bucket", query: "max-keys=2")
            #expect(first.elements("Key") == ["Z", "a-c"])
            #expect(first.elements("IsTruncated") == ["true"])
            #expect(first.elements("NextMarker").isEmpty)
            #expect(first.elements("ID").count == 2)
            let second = try await client.s3(.get, "/list-bucket", query: "max-keys=2&marker=a-c")
            #expect(second.elements("Key") == ["a/b", "a/c/d"])
            let grouped = try await client.s3(.get, "/list-bucket", query: "delimiter=%2F&max-keys=3&encoding-type=url")
            #expect(grouped.elements("Key") == ["Z", "a-c"])
            #expect(grouped.elements("Prefix").filter { !$0.isEmpty } == ["a/"])
            #expect(grouped.elements("NextMarker") == ["a/"])
            let rest = try await client.s3(.get, "/list-bucket", query: "delimiter=%2F&marker=a%2F")
            #expect(rest.elements("Key") == ["a0", "b"])
            #expect(rest.elements("Prefix").filter { !$0.isEmpty } == ["c d/", "é/"])
            #expect(rest.elements("IsTruncated") == ["false"])
        }
    }

    // MARK: authentication and payloads

    @Test func requestsMustBeSigned() async throws {
        try await test { client, _ in
            let unsigned = try await client.s3(.get, "/", sign: .none)
            #expect(unsigned.status == .forbidden)
            #expect(unsigned.code == "AccessDenied")
            let wrong = try await client.s3(.get, "/", sign: .key(SigV4.Credentials(accessKeyID: S3TestAuthenticator.key.accessKeyID, secretAccessKey: "wrong")))
            #expect(wrong.status == .forbidden)
            #expect(wrong.code == "SignatureDoesNotMatch")
            let unknown = try await client.s3(.get, "/", sign: .key(SigV4.Credentials(accessKeyID: "AKIAUNKNOWN000000000", secretAccessKey: "x")))
            #expect(unknown.code == "InvalidAccessKeyId")
            _ = try await client.s3(.put, "/trail-logs")
            let mismatch = try await client.s3(
                .put, "/trail-logs/k", headers: ["x-amz-content-sha256": String(repeating: "0", count: 64)], body: Data("x".utf8),
                sign: .declaredHash)
            #expect(mismatch.code == "XAmzContentSHA256Mismatch")
            let unsignedPayload = try await client.s3(
                .put, "/trail-logs/u", headers: ["x-amz-content-sha256": "UNSIGNED-PAYLOAD"], body: Data("u".utf8), sign: .declaredHash)
            #expect(unsignedPayload.status == .ok)
            #expect(try await client.s3(.get, "/trail-logs/u").body == Data("u".utf8))
        }
    }

    @Test func checksumsAreChecked() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let body = Data("hello\n".utf8)
            // What the AWS CLI sends for "hello\n" (captured): CRC32 NjowIA==.
            let good = try await client.s3(
                .put, "/trail-logs/crc", headers: ["x-amz-checksum-crc32": "NjowIA==", "x-amz-sdk-checksum-algorithm": "CRC32"], body: body)
            #expect(good.status == .ok)
            #expect(good.header("x-amz-checksum-crc32") == "NjowIA==")
            let bad = try await client.s3(.put, "/trail-logs/crc", headers: ["x-amz-checksum-crc32": "AAAAAA=="], body: body)
            #expect(bad.status == .badRequest)
            #expect(bad.code == "BadDigest")
            let sha = Data(SHA256.hash(data: body)).base64EncodedString()
            #expect(try await client.s3(.put, "/trail-logs/sha", headers: ["x-amz-checksum-sha256": sha], body: body).status == .ok)
            let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
            #expect(try await client.s3(.put, "/trail-logs/md5", headers: ["Content-MD5": md5], body: body).status == .ok)
            #expect(try await client.s3(.put, "/trail-logs/md5", headers: ["Content-MD5": sha], body: body).code == "InvalidDigest")
            let otherMD5 = Data(Insecure.MD5.hash(data: Data("x".utf8))).base64EncodedString()
            #expect(try await client.s3(.put, "/trail-logs/md5", headers: ["Content-MD5": otherMD5], body: body).code == "BadDigest")
        }
    }

    @Test(arguments: [
        ("123456789", "crc32", "y/Q5Jg=="), ("123456789", "crc32c", "4waSgw=="), ("123456789", "crc64nvme", "rosUhgp5mIg="),
    ])
    func checksumVectors(_ input: String, _ algorithm: String, _ expected: String) async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let answer = try await client.s3(.put, "/trail-logs/v", headers: ["x-amz-checksum-\(algorithm)": expected], body: Data(input.utf8))
            #expect(answer.status == .ok, "\(answer.text)")
        }
    }

    @Test func unsignedAWSChunkedBodiesWithTrailers() async throws {
        try await test { client, objects in
            _ = try await client.s3(.put, "/trail-logs")
            let payload = Data("hello\n".utf8) + Data(repeating: 65, count: 70_000)
            let crc = Data(SHA256.hash(data: payload)).base64EncodedString()
            var chunked = Data()
            for chunk in [payload.prefix(65_536), payload.dropFirst(65_536)] {
                chunked += Data((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + Data("\r\n".utf8)
            }
            chunked += Data("0\r\nx-amz-checksum-sha256:\(crc)\r\n\r\n".utf8)
            let headers = [
                "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding": "aws-chunked",
                "x-amz-decoded-content-length": String(payload.count), "x-amz-trailer": "x-amz-checksum-sha256",
            ]
            let answer = try await client.s3(.put, "/trail-logs/chunked", headers: headers, body: chunked, sign: .declaredHash)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(try await objects.getObject(bucket: "trail-logs", key: "chunked").body == payload)

            var corrupt = chunked
            corrupt[10] ^= 1
            let bad = try await client.s3(.put, "/trail-logs/chunked", headers: headers, body: corrupt, sign: .declaredHash)
            #expect(bad.code == "BadDigest")

            // Claiming signed chunks for chunks that carry no signatures stores nothing.
            var signedHeaders = headers
            signedHeaders["x-amz-content-sha256"] = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
            let signed = try await client.s3(.put, "/trail-logs/signed", headers: signedHeaders, body: chunked, sign: .declaredHash)
            #expect(signed.status == .forbidden)
            #expect(signed.code == "SignatureDoesNotMatch")
            #expect(try await client.s3(.head, "/trail-logs/signed").status == .notFound)
        }
    }

    @Test func bodiesOverTheLimitAreRefused() async throws {
        try await test(objectBodyLimit: 1000) { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            #expect(try await client.s3(.put, "/trail-logs/small", body: Data(count: 1000)).status == .ok)
            let large = try await client.s3(.put, "/trail-logs/large", body: Data(count: 1001))
            #expect(large.status == .badRequest)
            #expect(large.code == "EntityTooLarge")
        }
    }

    @Test func unsupportedOperations() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let patch = try await client.s3(.patch, "/trail-logs/x")
            #expect(patch.status == .methodNotAllowed)
            #expect(patch.code == "MethodNotAllowed")
            #expect(try await client.s3(.delete, "/").code == "MethodNotAllowed")
        }
    }
}

/// How ``TestClientProtocol/s3(_:_:query:headers:body:sign:)`` signs.
enum S3Signing {
    /// SigV4 with the test key over the body's SHA-256.
    case body
    /// SigV4 with the test key over the `x-amz-content-sha256` the caller set.
    case declaredHash
    /// SigV4 with another key.
    case key(SigV4.Credentials)
    /// Not signed.
    case none
}

extension TestClientProtocol {
    /// Sends an S3 request, SigV4-signed for `s3` in us-east-1 as botocore would sign it.
    func s3(
        _ method: HTTPRequest.Method, _ path: String, query: String = "", headers: [String: String] = [:], body: Data = Data(),
        sign: S3Signing = .body
    ) async throws -> S3Answer {
        var request = SignableRequest(
            method: method.rawValue, path: path, query: query,
            headers: [("Host", "localhost")] + headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, body: body)
        switch sign {
        case .body: SigV4.sign(&request, credentials: S3TestAuthenticator.key, region: "us-east-1", service: "s3", date: Date())
        case .declaredHash:
            request.payloadHash = request.headerValue("x-amz-content-sha256") ?? request.payloadHash
            SigV4.sign(&request, credentials: S3TestAuthenticator.key, region: "us-east-1", service: "s3", date: Date())
        case .key(let key): SigV4.sign(&request, credentials: key, region: "us-east-1", service: "s3", date: Date())
        case .none: break
        }
        return try await send(request, body: body)
    }

    /// Sends a request signed (or not) already, with `body` as it goes on the wire.
    func send(_ request: SignableRequest, body: Data) async throws -> S3Answer {
        var fields = HTTPFields()
        for (name, value) in request.headers where name.lowercased() != "host" {
            fields.append(HTTPField(name: HTTPField.Name(name)!, value: value))
        }
        return try await execute(
            uri: request.path + (request.query.isEmpty ? "" : "?" + request.query),
            method: HTTPRequest.Method(request.method)!, headers: fields, body: ByteBuffer(data: body)
        ) { response in
            S3Answer(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
    }
}
