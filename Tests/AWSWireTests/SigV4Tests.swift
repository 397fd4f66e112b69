import AWSWire
import Foundation
import Testing

/// SigV4 signing against AWS's published examples.
///
/// - `get-vanilla`, `get-vanilla-query-order-value`, `get-slash-pointless-dot`: AWS's SigV4 test
///   suite (aws-sig-v4-test-suite, credentials AKIDEXAMPLE, service `service`, 20150830T123600Z).
/// - IAM `ListUsers`: the worked example of the SigV4 documentation ("Create a signed AWS API request").
/// - S3 `GET /test.txt` with `Range` and the presigned `GET`: the examples of the S3 API reference
///   ("Signature Calculations for the Authorization Header", "Authenticating Requests: Using Query Parameters").
@Suite struct SigV4Tests {
    static let suiteCredentials = SigV4.Credentials(
        accessKeyID: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    static let s3Credentials = SigV4.Credentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    )
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z
    static let s3Date = Date(timeIntervalSince1970: 1_369_353_600)  // 20130524T000000Z

    struct SuiteVector: Sendable, CustomTestStringConvertible {
        var name: String
        var path: String
        var query: String
        var signature: String
        var testDescription: String { name }
    }

    static let suite: [SuiteVector] = [
        SuiteVector(
            name: "get-vanilla",
            path: "/",
            query: "",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ),
        SuiteVector(
            name: "get-vanilla-query-order-value",
            path: "/",
            query: "Param1=value2&Param1=value1",
            signature: "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"
        ),
        SuiteVector(
            name: "get-slash-pointless-dot",
            path: "/./example",
            query: "",
            signature: "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"
        ),
    ]

    @Test("AWS SigV4 test suite", arguments: suite)
    func testSuiteVector(_ vector: SuiteVector) {
        var request = SignableRequest(
            method: "GET",
            path: vector.path,
            query: vector.query,
            headers: [("Host", "example.amazonaws.com")]
        )
        SigV4.sign(
            &request,
            credentials: Self.suiteCredentials,
            region: "us-east-1",
            service: "service",
            date: Self.suiteDate
        )
        #expect(request.headerValue("X-Amz-Date") == "20150830T123600Z")
        #expect(
            request.headerValue("Authorization")
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=\(vector.signature)"
        )
    }

    @Test func iamListUsersDocumentationExample() {
        var request = SignableRequest(
            method: "GET",
            path: "/",
            query: "Action=ListUsers&Version=2010-05-08",
            headers: [
                ("Host", "iam.amazonaws.com"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ]
        )
        SigV4.sign(
            &request,
            credentials: Self.suiteCredentials,
            region: "us-east-1",
            service: "iam",
            date: Self.suiteDate
        )
        #expect(
            request.headerValue("authorization")
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        )
    }

    @Test func s3GetObjectDocumentationExample() {
        var request = SignableRequest(
            method: "GET",
            path: "/test.txt",
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")]
        )
        SigV4.sign(&request, credentials: Self.s3Credentials, region: "us-east-1", service: "s3", date: Self.s3Date)
        #expect(
            request.headerValue("x-amz-content-sha256")
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
        #expect(
            request.headerValue("Authorization")
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    }

    @Test func s3PresignedGetDocumentationExample() throws {
        let request = SignableRequest(
            method: "GET",
            path: "/test.txt",
            headers: [("Host", "examplebucket.s3.amazonaws.com")]
        )
        let query = SigV4.presign(
            request,
            credentials: Self.s3Credentials,
            region: "us-east-1",
            service: "s3",
            date: Self.s3Date,
            expires: 86400
        )
        #expect(
            query
                == "X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        )

        // The verifier takes the documented URL for as long as it is valid, and no longer.
        let key = Self.s3Credentials
        func verify(at date: Date) throws(SigV4Error) -> SigV4Verifier.VerifiedIdentity {
            try SigV4Verifier(credentials: { $0 == key.accessKeyID ? key : nil }, now: { date }).verify(
                method: "GET",
                path: "/test.txt",
                query: query,
                headers: [("host", "examplebucket.s3.amazonaws.com")],
                bodySHA256Hex: SigV4.sha256Hex(Data())
            )
        }
        let identity = try verify(at: Self.s3Date.addingTimeInterval(86_400))
        #expect(
            identity == .init(accessKeyID: key.accessKeyID, region: "us-east-1", service: "s3", signedAt: Self.s3Date)
        )
        #expect(throws: SigV4Error.self) { try verify(at: Self.s3Date.addingTimeInterval(86_401)) }
    }

    @Test func sessionTokensAreSignedAndAnExistingAuthorizationIsReplaced() {
        let credentials = SigV4.Credentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "s", sessionToken: "tok/+=")
        var request = SignableRequest(
            method: "GET",
            path: "/",
            headers: [("Host", "h"), ("Authorization", "stale"), ("X-Amz-Date", "old")]
        )
        SigV4.sign(&request, credentials: credentials, region: "us-east-1", service: "sts", date: Self.suiteDate)
        #expect(request.headers.filter { $0.name.lowercased() == "authorization" }.count == 1)
        #expect(request.headerValue("x-amz-date") == "20150830T123600Z")
        #expect(request.headerValue("X-Amz-Security-Token") == "tok/+=")
        #expect(
            request.headerValue("Authorization")?.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,")
                == true
        )
        #expect(request.headerValue("x-amz-content-sha256") == nil)
    }

    @Test func credentialsNeverShowTheirSecret() {
        let credentials = SigV4.Credentials(
            accessKeyID: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "TOKEN123"
        )
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in ["\(credentials)", String(reflecting: credentials), dumped, "\([credentials])"] {
            #expect(text.contains("AKIDEXAMPLE"))
            #expect(!text.contains("wJalrXUtnFEMI"))
            #expect(!text.contains("TOKEN123"))
        }
    }

    @Test func percentEncodingLeavesOnlyUnreservedCharacters() {
        #expect(SigV4.encode("a b+c/d~e%f-_.é") == "a%20b%2Bc%2Fd~e%25f-_.%C3%A9")
        #expect(SigV4.encode("a b/c", keepSlash: true) == "a%20b/c")
    }
}
