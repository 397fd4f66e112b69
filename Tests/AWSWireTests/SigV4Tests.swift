import AWSWire
import Foundation
import Testing

/// SigV4 against AWS's published examples (SigV4 and S3 documentation), confirmed with botocore.
@Suite struct SigV4Tests {
    static let docSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let s3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let aug30 = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z
    static let may24 = Date(timeIntervalSince1970: 1_369_353_600)  // 20130524T000000Z

    func signature(_ request: SignableRequest) -> String? {
        guard let auth = request.headerValue("authorization"), let r = auth.range(of: "Signature=") else { return nil }
        return String(auth[r.upperBound...])
    }

    @Test func iamListUsersExample() {
        var request = SignableRequest(
            method: "GET", path: "/", query: "Action=ListUsers&Version=2010-05-08",
            headers: [("Host", "iam.amazonaws.com"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Data())
        SigV4.sign(&request, credentials: .init(accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.docSecret),
                   region: "us-east-1", service: "iam", date: Self.aug30)
        #expect(signature(request) == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
        #expect(request.headerValue("x-amz-date") == "20150830T123600Z")
        #expect(request.headerValue("authorization")?.contains("SignedHeaders=content-type;host;x-amz-date,") == true)
    }

    @Test func s3GetObjectExample() {
        var request = SignableRequest(
            method: "GET", path: "/test.txt", headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")],
            body: Data())
        SigV4.sign(&request, credentials: .init(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: Self.s3Secret),
                   region: "us-east-1", service: "s3", date: Self.may24)
        #expect(signature(request) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(request.headerValue("x-amz-content-sha256") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func s3PresignedExample() {
        let request = SignableRequest(
            method: "GET", path: "/test.txt", headers: [("Host", "examplebucket.s3.amazonaws.com")], body: Data())
        let query = SigV4.presign(
            request, credentials: .init(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: Self.s3Secret),
            region: "us-east-1", service: "s3", date: Self.may24, expires: 86400)
        #expect(query.hasSuffix("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"))
        // and the verifier accepts it within its validity, refuses it after
        let verifier = SigV4Verifier(
            credentials: { $0 == "AKIAIOSFODNN7EXAMPLE" ? .init(accessKeyID: $0, secretAccessKey: Self.s3Secret) : nil },
            now: { Self.may24.addingTimeInterval(3600) })
        let identity = try? verifier.verify(
            method: "GET", path: "/test.txt", query: query, headers: [("host", "examplebucket.s3.amazonaws.com")],
            bodySHA256Hex: SigV4.sha256Hex(Data()))
        #expect(identity?.service == "s3")
        let late = SigV4Verifier(
            credentials: { .init(accessKeyID: $0, secretAccessKey: Self.s3Secret) },
            now: { Self.may24.addingTimeInterval(86401) })
        #expect(throws: SigV4Error.self) {
            try late.verify(
                method: "GET", path: "/test.txt", query: query, headers: [("host", "examplebucket.s3.amazonaws.com")],
                bodySHA256Hex: SigV4.sha256Hex(Data()))
        }
    }

    @Test func credentialsNeverPrintTheirSecret() {
        let c = SigV4.Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.docSecret)
        #expect(!"\(c)".contains(Self.docSecret))
        #expect(!String(reflecting: c).contains(Self.docSecret))
    }
}

@Suite struct SigV4VerifierTests {
    static let key = SigV4.Credentials(accessKeyID: "AKIATESTKEY000000001", secretAccessKey: "secret/secret+secret")
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    let verifier = SigV4Verifier(credentials: { $0 == key.accessKeyID ? key : nil }, now: { now })

    func signed(body: String = "{}", date: Date = now, credentials: SigV4.Credentials = key) -> SignableRequest {
        var r = SignableRequest(
            method: "POST", path: "/", headers: [("host", "127.0.0.1:4600"), ("x-amz-target", "X.LookupEvents")],
            body: Data(body.utf8))
        SigV4.sign(&r, credentials: credentials, region: "eu-west-1", service: "cloudtrail", date: date)
        return r
    }

    func verify(_ r: SignableRequest, body: String = "{}") throws(SigV4Error) -> SigV4Verifier.VerifiedIdentity {
        try verifier.verify(
            method: r.method, path: r.path, query: r.query, headers: r.headers.map { ($0.name, $0.value) },
            bodySHA256Hex: SigV4.sha256Hex(Data(body.utf8)))
    }

    func code(_ body: () throws -> Void) -> SigV4Error.Code? {
        do {
            try body()
            return nil
        } catch {
            return (error as? SigV4Error)?.code
        }
    }

    @Test func acceptsAGoodSignatureAndReportsTheScope() throws {
        let identity = try verify(signed())
        #expect(identity.region == "eu-west-1")
        #expect(identity.service == "cloudtrail")
        #expect(identity.accessKeyID == Self.key.accessKeyID)
    }

    @Test func refusesWhatIsNotRight() {
        var unsigned = signed()
        unsigned.headers.removeAll { $0.name == "authorization" }
        #expect(code { _ = try verify(unsigned) } == .missingAuthentication)

        let stranger = signed(credentials: .init(accessKeyID: "AKIAOTHER", secretAccessKey: "x"))
        #expect(code { _ = try verify(stranger) } == .unknownAccessKey)

        let wrongSecret = signed(credentials: .init(accessKeyID: Self.key.accessKeyID, secretAccessKey: "nope"))
        #expect(code { _ = try verify(wrongSecret) } == .signatureMismatch)

        #expect(code { _ = try verify(signed(), body: "{ }") } == .signatureMismatch)

        var tampered = signed()
        tampered.headers = tampered.headers.map { $0.name == "x-amz-target" ? ($0.name, "X.DeleteTrail") : $0 }
        #expect(code { _ = try verify(tampered) } == .signatureMismatch)

        let old = signed(date: Self.now.addingTimeInterval(-16 * 60))
        #expect(code { _ = try verify(old) } == .requestExpired)
        let fresh = signed(date: Self.now.addingTimeInterval(-14 * 60))
        #expect(code { _ = try verify(fresh) } == nil)

        var malformed = signed()
        malformed.headers = malformed.headers.map {
            $0.name == "authorization" ? ($0.name, "AWS4-HMAC-SHA256 Credential=AKIATESTKEY000000001") : $0
        }
        #expect(code { _ = try verify(malformed) } == .incompleteSignature)

        var hashed = SignableRequest(
            method: "PUT", path: "/b/k", headers: [("host", "h"), ("x-amz-content-sha256", SigV4.sha256Hex(Data("a".utf8)))],
            body: Data("a".utf8))
        SigV4.sign(&hashed, credentials: Self.key, region: "us-east-1", service: "s3", date: Self.now)
        #expect(code {
            _ = try verifier.verify(
                method: "PUT", path: "/b/k", query: "", headers: hashed.headers.map { ($0.name, $0.value) },
                bodySHA256Hex: SigV4.sha256Hex(Data("b".utf8)))
        } == .payloadHashMismatch)
    }

    @Test func errorsMapToAWSNames() {
        #expect(SigV4Error(.missingAuthentication, "").jsonErrorType == "MissingAuthenticationTokenException")
        #expect(SigV4Error(.unknownAccessKey, "").jsonErrorType == "UnrecognizedClientException")
        #expect(SigV4Error(.signatureMismatch, "").s3ErrorCode == "SignatureDoesNotMatch")
        #expect(SigV4Error(.requestExpired, "").s3ErrorCode == "RequestTimeTooSkewed")
        #expect(SigV4Error(.unknownAccessKey, "").httpStatus == 403)
    }
}
