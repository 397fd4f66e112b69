import AWSWire
import Foundation
import Testing

@Suite struct SigV4VerifierTests {
    static let key = SigV4.Credentials(accessKeyID: "AKIATESTKEY000000001", secretAccessKey: "secret/secret+secret")
    static let now = Date(timeIntervalSince1970: 1_700_000_000)  // 20231114T221320Z
    static let body = Data(#"{"MaxResults":5}"#.utf8)

    let verifier = SigV4Verifier(credentials: { $0 == key.accessKeyID ? key : nil }, now: { now })

    func signed(
        body: Data = body,
        date: Date = now,
        credentials: SigV4.Credentials = key,
        service: String = "cloudtrail",
        extraHeaders: [(String, String)] = []
    ) -> SignableRequest {
        var request = SignableRequest(
            method: "POST",
            path: "/",
            headers: [("Host", "127.0.0.1:4600"), ("X-Amz-Target", "X.LookupEvents")] + extraHeaders,
            body: body
        )
        SigV4.sign(&request, credentials: credentials, region: "eu-west-1", service: service, date: date)
        return request
    }

    func verify(
        _ request: SignableRequest,
        body: Data = body,
        with verifier: SigV4Verifier? = nil
    ) throws(SigV4Error) -> SigV4Verifier.VerifiedIdentity {
        try (verifier ?? self.verifier).verify(
            method: request.method,
            path: request.path,
            query: request.query,
            headers: request.headers.map { ($0.name, $0.value) },
            bodySHA256Hex: SigV4.sha256Hex(body)
        )
    }

    /// The code of the error `verify` throws, nil when it accepts; fails the test when the message leaks.
    func code(
        _ request: SignableRequest,
        body: Data = body,
        with verifier: SigV4Verifier? = nil
    ) -> SigV4Error.Code? {
        do {
            _ = try verify(request, body: body, with: verifier)
            return nil
        } catch {
            #expect(!error.message.contains(Self.key.secretAccessKey))
            if let expected = self.expectedSignature(request) { #expect(!error.message.contains(expected)) }
            return error.code
        }
    }

    func expectedSignature(_ request: SignableRequest) -> String? {
        var copy = request
        copy.removeHeader("authorization")
        SigV4.sign(&copy, credentials: Self.key, region: "eu-west-1", service: "cloudtrail", date: Self.now)
        return copy.headerValue("authorization").flatMap { $0.components(separatedBy: "Signature=").last }
    }

    func replacing(_ name: String, with value: String, in request: SignableRequest) -> SignableRequest {
        var copy = request
        copy.headers = copy.headers.map { $0.name.lowercased() == name ? ($0.name, value) : $0 }
        return copy
    }

    @Test func acceptsAGoodSignatureAndReportsItsScope() throws {
        let identity = try verify(signed())
        #expect(
            identity
                == .init(
                    accessKeyID: Self.key.accessKeyID,
                    region: "eu-west-1",
                    service: "cloudtrail",
                    signedAt: Self.now
                )
        )
    }

    @Test func refusesAnUnsignedRequest() {
        var unsigned = signed()
        unsigned.removeHeader("Authorization")
        #expect(code(unsigned) == .missingAuthentication)
    }

    @Test func refusesAnUnknownKey() {
        #expect(code(signed(credentials: .init(accessKeyID: "AKIAOTHER", secretAccessKey: "x"))) == .unknownAccessKey)
    }

    @Test func refusesAWrongSignature() {
        #expect(
            code(signed(credentials: .init(accessKeyID: Self.key.accessKeyID, secretAccessKey: "nope")))
                == .signatureMismatch
        )
        #expect(code(signed(), body: Data("{ }".utf8)) == .signatureMismatch)
        #expect(code(replacing("x-amz-target", with: "X.DeleteTrail", in: signed())) == .signatureMismatch)
        var otherPath = signed()
        otherPath.path = "/x"
        #expect(code(otherPath) == .signatureMismatch)
        let garbage = replacing(
            "authorization",
            with: "AWS4-HMAC-SHA256 Credential=AKIATESTKEY000000001/20231114/eu-west-1/cloudtrail/aws4_request, "
                + "SignedHeaders=host;x-amz-date;x-amz-target, Signature=nothex",
            in: signed()
        )
        #expect(code(garbage) == .signatureMismatch)
    }

    @Test func refusesASigningTimeBeyondTheAllowedSkew() throws {
        #expect(code(signed(date: Self.now.addingTimeInterval(-16 * 60))) == .requestExpired)
        #expect(code(signed(date: Self.now.addingTimeInterval(16 * 60))) == .requestExpired)
        #expect(code(signed(date: Self.now.addingTimeInterval(-14 * 60))) == nil)
        #expect(code(signed(date: Self.now.addingTimeInterval(14 * 60))) == nil)

        let error = try #require(throws: SigV4Error.self) {
            try verify(signed(date: Self.now.addingTimeInterval(-3600)))
        }
        #expect(
            error.message
                == "Signature expired: 20231114T211320Z is now earlier than 20231114T215820Z "
                + "(20231114T221320Z - 15 min.)"
        )
        #expect(error.jsonErrorType == "InvalidSignatureException")
        #expect(error.s3ErrorCode == "RequestTimeTooSkewed")
        #expect(error.httpStatus == 403)
    }

    @Test func refusesAnExpiredPresignedURL() {
        let request = SignableRequest(method: "GET", path: "/b/k", headers: [("Host", "127.0.0.1:9000")])
        var presigned = request
        presigned.query = SigV4.presign(
            request,
            credentials: Self.key,
            region: "us-east-1",
            service: "s3",
            date: Self.now.addingTimeInterval(-600),
            expires: 300
        )
        #expect(code(presigned, body: Data()) == .requestExpired)
        presigned.query = SigV4.presign(
            request,
            credentials: Self.key,
            region: "us-east-1",
            service: "s3",
            date: Self.now.addingTimeInterval(-600),
            expires: 900
        )
        #expect(code(presigned, body: Data()) == nil)
        presigned.query = SigV4.presign(
            request,
            credentials: Self.key,
            region: "us-east-1",
            service: "s3",
            date: Self.now,
            expires: 604_801
        )
        #expect(code(presigned, body: Data()) == .incompleteSignature)
    }

    @Test func refusesAPayloadThatIsNotTheDeclaredOne() {
        var request = SignableRequest(
            method: "PUT",
            path: "/b/k",
            headers: [("Host", "127.0.0.1:9000")],
            body: Data("a".utf8)
        )
        SigV4.sign(&request, credentials: Self.key, region: "us-east-1", service: "s3", date: Self.now)
        #expect(code(request, body: Data("a".utf8)) == nil)
        #expect(code(request, body: Data("b".utf8)) == .payloadHashMismatch)
        // An unsigned payload is not compared with the body.
        var unsigned = SignableRequest(
            method: "PUT",
            path: "/b/k",
            headers: [("Host", "127.0.0.1:9000")],
            payloadHash: SigV4.unsignedPayload
        )
        SigV4.sign(&unsigned, credentials: Self.key, region: "us-east-1", service: "s3", date: Self.now)
        #expect(code(unsigned, body: Data("anything".utf8)) == nil)
    }

    @Test func refusesMalformedAuthorization() {
        let malformed = [
            "AWS4-HMAC-SHA256 Credential=AKIATESTKEY000000001",
            "AWS AKIATESTKEY000000001:c2lnbmF0dXJl",
            "AWS4-HMAC-SHA256 Credential=AKIATESTKEY000000001/20231114/eu-west-1/aws4_request, "
                + "SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=AKIATESTKEY000000001/20231114/eu-west-1/cloudtrail/aws5_request, "
                + "SignedHeaders=host, Signature=00",
        ]
        for value in malformed {
            #expect(code(replacing("authorization", with: value, in: signed())) == .incompleteSignature, "\(value)")
        }
        var noDate = signed()
        noDate.removeHeader("x-amz-date")
        #expect(code(noDate) == .incompleteSignature)
        #expect(code(replacing("x-amz-date", with: "2023-11-14T22:13:20Z", in: signed())) == .incompleteSignature)
    }

    @Test func requiresTheHostHeaderToBeSigned() {
        var request = SignableRequest(
            method: "POST",
            path: "/",
            headers: [("X-Amz-Target", "X.LookupEvents")],
            body: Self.body
        )
        SigV4.sign(&request, credentials: Self.key, region: "eu-west-1", service: "cloudtrail", date: Self.now)
        request.headers.append((name: "Host", value: "127.0.0.1:4600"))
        #expect(code(request) == .incompleteSignature)
    }

    @Test func refusesAScopeDateThatIsNotTheRequestDate() {
        let request = signed()
        let shifted = replacing(
            "authorization",
            with: request.headerValue("authorization")!.replacingOccurrences(of: "/20231114/", with: "/20231115/"),
            in: request
        )
        #expect(code(shifted) == .signatureMismatch)
    }

    @Test func toleratesSpacingAndCommaVariantsOfTheHeader() throws {
        let request = signed()
        let value = try #require(request.headerValue("authorization"))
        let variants = [
            value.replacingOccurrences(of: ", ", with: ","),
            value.replacingOccurrences(of: ", ", with: " , "),
            value.replacingOccurrences(of: ", ", with: "  "),
            "  " + value.replacingOccurrences(of: "AWS4-HMAC-SHA256 ", with: "AWS4-HMAC-SHA256   ") + " ",
        ]
        for variant in variants {
            #expect(code(replacing("authorization", with: variant, in: request)) == nil, "\(variant)")
        }
    }

    @Test func acceptsTheDateHeaderInsteadOfXAmzDate() throws {
        var request = SignableRequest(
            method: "GET",
            path: "/",
            headers: [("Host", "h"), ("Date", "Mon, 01 Jan 2001 00:00:00 GMT")]
        )
        SigV4.sign(&request, credentials: Self.key, region: "eu-west-1", service: "cloudtrail", date: Self.now)
        #expect(request.headerValue("x-amz-date") == nil)
        #expect(request.headerValue("date") == "Tue, 14 Nov 2023 22:13:20 -0000")
        #expect(code(request, body: Data()) == nil)
    }

    @Test func checksTheSessionTokenOfTemporaryCredentials() {
        let temporary = SigV4.Credentials(accessKeyID: "ASIATEMP", secretAccessKey: "s3cr3t", sessionToken: "token-1")
        let verifier = SigV4Verifier(credentials: { $0 == temporary.accessKeyID ? temporary : nil }, now: { Self.now })
        #expect(code(signed(credentials: temporary), with: verifier) == nil)
        var stolen = temporary
        stolen.sessionToken = "token-2"
        #expect(code(signed(credentials: stolen), with: verifier) == .unknownAccessKey)
        stolen.sessionToken = nil
        #expect(code(signed(credentials: stolen), with: verifier) == .unknownAccessKey)
    }

    @Test func mapsEveryCodeToAWSNames() {
        let expected: [SigV4Error.Code: (String, String, Int)] = [
            .missingAuthentication: ("MissingAuthenticationTokenException", "AccessDenied", 403),
            .incompleteSignature: ("IncompleteSignatureException", "AuthorizationHeaderMalformed", 400),
            .unknownAccessKey: ("UnrecognizedClientException", "InvalidAccessKeyId", 403),
            .signatureMismatch: ("InvalidSignatureException", "SignatureDoesNotMatch", 403),
            .requestExpired: ("InvalidSignatureException", "RequestTimeTooSkewed", 403),
            .payloadHashMismatch: ("InvalidSignatureException", "XAmzContentSHA256Mismatch", 400),
        ]
        for code in SigV4Error.Code.allCases {
            let error = SigV4Error(code: code, message: "m")
            #expect(error.jsonErrorType == expected[code]?.0)
            #expect(error.s3ErrorCode == expected[code]?.1)
            #expect(error.httpStatus == expected[code]?.2)
        }
    }
}
