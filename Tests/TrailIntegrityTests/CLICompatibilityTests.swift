import Foundation
import Testing

@testable import TrailIntegrity

/// The small pieces of Python behaviour the CLI's output depends on: dateutil times and strftime,
/// json.loads, str(), base64/unhexlify messages, the ARN and digest key patterns.
@Suite struct CLICompatibilityTests {
    // MARK: times

    @Test(arguments: [
        ("2024-05-01T13:02:15Z", "2024-05-01T13:02:15Z", true),
        ("2024-05-01", "2024-05-01T00:00:00Z", false),
        ("20240501T130215Z", "2024-05-01T13:02:15Z", true),
        ("2024-05-01 13:02", "2024-05-01T13:02:00Z", false),
        ("2024-05-01T13", "2024-05-01T13:00:00Z", false),
        ("2024-05-01T13:02:15.999999Z", "2024-05-01T13:02:15Z", true),
        ("2024-05-01T13:02:15+02:00", "2024-05-01T13:02:15Z", true),
        ("2024-05-01T13:02:15 UTC", "2024-05-01T13:02:15Z", true),
        ("0999-01-02T03:04:05Z", "999-01-02T03:04:05Z", true),
    ])
    func timesParseAndDisplayAsTheCLIDoes(text: String, display: String, isAware: Bool) throws {
        let time = try #require(CLITime.parse(text))
        #expect(time.display == display)
        #expect((time.offsetSeconds != nil) == isAware)
    }

    @Test func normalizingReplacesTheZoneWithoutConverting() throws {
        let time = try #require(CLITime.parse("2024-05-01T02:00:00+02:00"))
        #expect(time.instantMicroseconds == CLITime.parse("2024-05-01T00:00:00Z")!.instantMicroseconds)
        #expect(time.normalized().instantMicroseconds == CLITime.parse("2024-05-01T02:00:00Z")!.instantMicroseconds)
        #expect(CLITime.parse("2024-05-01T23:59:59.5Z")!.adding(seconds: 1).keyStamp == "20240502T000000Z")
        #expect(CLITime(utcSeconds: 1_714_568_535).datePath == "2024/05/01")
    }

    @Test func unparseableTimesAndPythonComparisonRules() throws {
        for text in ["", "yesterday", "2024-13-01", "2024-02-30", "2024-05-01T25:00:00Z", "1714521600", "2024-05-01T"] {
            #expect(CLITime.parse(text) == nil, "\(text)")
        }
        #expect(throws: CLITime.ParseFailure.self) { try CLITime.parse(JSONValue.int("5")) }
        do {
            _ = try CLITime.parse(JSONValue.null)
        } catch {
            #expect(error.message == "Parser must be a string or character stream, not NoneType")
        }
        let naive = CLITime.parse("2024-05-01T00:00:00")!, aware = CLITime.parse("2024-05-01T00:00:00Z")!
        #expect(throws: CLITime.IncomparableTimes.self) { try naive.isBefore(aware) }
        #expect(try !aware.isBefore(CLITime.parse("2024-05-01T02:00:00+02:00")!))
    }

    // MARK: JSON and str()

    @Test func jsonFollowsPythonJsonLoads() throws {
        guard
            case .object(let object) = try PythonJSON.parse(
                Array(#" {"a":1,"b":[1.0,1e16,-0,NaN,Infinity],"a":2} "#.utf8)
            )
        else {
            Issue.record("not an object")
            return
        }
        #expect(object.entries.map(\.key) == ["a", "b"])
        #expect(object["a"]?.pythonString == "2")
        #expect(object["b"]?.pythonString == "[1.0, 1e+16, 0, nan, inf]")
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "\"tab\there\"", "01", "1.", "{} x", "\u{FEFF}{}"] {
            #expect(throws: PythonJSON.SyntaxError.self, "\(bad)") { try PythonJSON.parse(Array(bad.utf8)) }
        }
        #expect(try PythonJSON.parse(Array(#""\ud83d\ude00 \u00e9""#.utf8)).string == "😀 é")
        #expect(
            try PythonJSON.parse(Array("123456789012345678901234567890".utf8)).pythonString
                == "123456789012345678901234567890"
        )
    }

    @Test func pythonStrOfValues() {
        #expect(JSONValue.null.pythonString == "None")
        #expect(JSONValue.bool(true).pythonString == "True")
        #expect(JSONValue.float(0.00001).pythonString == "1e-05")
        #expect(JSONValue.float(100).pythonString == "100.0")
        #expect(JSONValue.array([.string("it's"), .string("a\nb"), .null]).pythonString == #"["it's", 'a\nb', None]"#)
        var object = JSONObject()
        object.set("k", .string("v"))
        #expect(JSONValue.object(object).pythonString == "{'k': 'v'}")
        // Python compares code points: a decomposed é is not a precomposed one.
        #expect(!JSONValue.string("e\u{301}").equals("\u{E9}"))
    }

    @Test func base64AndHexErrorsAreBinascii() throws {
        #expect(try PythonCodecs.base64Decode("QUJD") == Array("ABC".utf8))
        #expect(try PythonCodecs.base64Decode("Q!U\nJD") == Array("ABC".utf8))
        #expect(try PythonCodecs.base64Decode("QUJDRA==QUJD") == Array("ABCD".utf8))
        #expect(throws: PythonCodecs.DecodingError(message: "Incorrect padding")) {
            try PythonCodecs.base64Decode("QUJ")
        }
        #expect(
            throws: PythonCodecs.DecodingError(
                message:
                    "Invalid base64-encoded string: number of data characters (5) cannot be 1 more than a multiple of 4"
            )
        ) { try PythonCodecs.base64Decode("QUJD=x") }
        #expect(try PythonCodecs.hexDecode("0aFF") == [0x0A, 0xFF])
        #expect(throws: PythonCodecs.DecodingError(message: "Odd-length string")) { try PythonCodecs.hexDecode("abc") }
        #expect(throws: PythonCodecs.DecodingError(message: "Non-hexadecimal digit found")) {
            try PythonCodecs.hexDecode("zz")
        }
    }

    // MARK: ARNs and keys

    @Test func trailARNCheckIsTheCLIRegex() {
        for good in [
            "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit", "arn:aws-cn:cloudtrail:x:123456789012:trail/a/b",
            "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit\nanything",
        ] {
            #expect(ValidateLogsRequest.isValidTrailARN(good), "\(good)")
        }
        for bad in [
            "arn:aws:cloudtrail:us-east-1:1234:trail/audit", "arn::cloudtrail:us-east-1:123456789012:trail/x",
            "arn:aws:cloudtrail:us-east-1:123456789012:trail/", "audit", "arn:aws:s3:::bucket",
        ] {
            #expect(!ValidateLogsRequest.isValidTrailARN(bad), "\(bad)")
        }
    }

    @Test func digestKeysAreRecognizedAsTheCLIDoes() throws {
        let layout = DigestKeyLayout(
            accountID: "111122223333",
            trailName: "audit",
            homeRegion: "us-east-1",
            sourceRegion: "eu-west-1"
        )
        let key =
            "p/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2024/05/01/111122223333_CloudTrail-Digest_eu-west-1_audit_us-east-1_20240501T130215Z.json.gz"
        #expect(layout.matches(key, prefix: "p"))
        #expect(!layout.matches(key, prefix: nil))
        #expect(!layout.matches(key.replacingOccurrences(of: "_audit_", with: "_other_"), prefix: "p"))
        #expect(!layout.matches(key.replacingOccurrences(of: "2024/05", with: "2024/x5"), prefix: "p"))
        #expect(layout.matches(key + "\n", prefix: "p"))  // `$` matches before a final newline
        #expect(DigestKeyLayout.stamp(of: key) == "20240501T130215Z")
        let backfill = key.replacingOccurrences(of: ".json.gz", with: "_backfill.json.gz")
        #expect(layout.matches(backfill, prefix: "p") && DigestKeyLayout.isBackfill(backfill))
        #expect(DigestKeyLayout.stamp(of: backfill) == "20240501T130215Z")
        #expect(layout.listPrefix("p") == "p/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1")
        #expect(layout.listPrefix("") == "AWSLogs/111122223333/CloudTrail-Digest/eu-west-1")
        let start = try #require(CLITime.parse("2024-05-01T00:00:30Z"))
        #expect(
            layout.marker(start: start, prefix: "p")
                == "p/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2024/04/30/111122223333_CloudTrail-Digest_eu-west-1_audit_us-east-1_20240430T235930Z.json.gz"
        )
        let org = DigestKeyLayout(
            accountID: "222233334444",
            trailName: "t",
            homeRegion: "us-east-1",
            sourceRegion: "us-east-1",
            organizationID: "o-abc"
        )
        #expect(org.listPrefix(nil) == "AWSLogs/o-abc/222233334444/CloudTrail-Digest/us-east-1")
    }
}
