import Crypto
import Foundation
import Testing
import TrailModel

@Suite("Digest files and key layout")
struct DigestFileTests {
    static func resource(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources"))
        return try Data(contentsOf: url)
    }

    /// Removes whitespace outside JSON strings (the AWS examples are pretty-printed).
    static func minify(_ data: Data) -> Data {
        var out = Data()
        var inString = false
        var escaped = false
        for b in data {
            if inString {
                out.append(b)
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
            } else if b == 0x22 {
                inString = true
                out.append(b)
            } else if b != 0x20 && b != 0x0A && b != 0x0D && b != 0x09 {
                out.append(b)
            }
        }
        return out
    }

    @Test("the spec's worked starting digest: bytes, hash and signing string")
    func workedExample() {
        let layout = TrailKeyLayout()
        let end = EventTime.parse("2024-05-01T13:02:15Z")!
        let key = layout.digestKey(account: "111122223333", region: "us-east-1", trailName: "audit", homeRegion: "us-east-1", endTime: end)
        #expect(
            key
                == "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/111122223333_CloudTrail-Digest_us-east-1_audit_us-east-1_20240501T130215Z.json.gz"
        )
        let digest = DigestFile(
            accountID: "111122223333", startTime: end - 3600, endTime: end, bucket: "audit-logs", key: key,
            publicKeyFingerprint: "8eba5db5bea9b640d1c96a77256fe7f2", previous: nil, logFiles: [])
        let bytes = digest.jsonBytes()
        #expect(bytes.count == 626)
        let sha = Hex.sha256(bytes)
        #expect(sha == "2163d8e967a96d0785babf4e5b48f63f8ddb6bab323b6db124f4ee8f84d39b42")
        let signing = DigestFile.signingString(
            endTime: "2024-05-01T13:02:15Z", bucket: "audit-logs", key: key, sha256Hex: sha, previousSignature: nil)
        #expect(Hex.sha256(Data(signing.utf8)) == "4c5dc48d0e1a87dc3d8342dcd5245a98d50d8334feb97d50026c01877094084d")
    }

    @Test(
        "AWS's documented digests serialize to the same bytes",
        arguments: ["cloudtrail-log-file-validation-digest-file-structure__2.json", "cloudtrail-log-file-validation-digest-file-structure__3.json"])
    func documentedDigests(_ name: String) throws {
        let original = try Self.resource(name)
        let object = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
        func time(_ key: String) -> Int64? { (object[key] as? String).flatMap { EventTime.parse($0) } }
        var previous: DigestLink?
        if let bucket = object["previousDigestS3Bucket"] as? String {
            previous = DigestLink(
                bucket: bucket, key: object["previousDigestS3Object"] as! String, sha256: object["previousDigestHashValue"] as! String,
                signature: object["previousDigestSignature"] as! String)
        }
        let files = (object["logFiles"] as! [[String: Any]]).map {
            DigestLogFile(
                bucket: $0["s3Bucket"] as! String, key: $0["s3Object"] as! String, sha256: $0["hashValue"] as! String,
                newestEventTime: EventTime.parse($0["newestEventTime"] as! String)!,
                oldestEventTime: EventTime.parse($0["oldestEventTime"] as! String)!)
        }
        let digest = DigestFile(
            accountID: object["awsAccountId"] as! String, startTime: try #require(time("digestStartTime")),
            endTime: try #require(time("digestEndTime")), bucket: object["digestS3Bucket"] as! String,
            key: object["digestS3Object"] as! String, publicKeyFingerprint: object["digestPublicKeyFingerprint"] as! String,
            previous: previous, logFiles: files)
        #expect(String(decoding: digest.jsonBytes(), as: UTF8.self) == String(decoding: Self.minify(original), as: UTF8.self))
        // The key layout reproduces the documented key from the end time.
        let key = object["digestS3Object"] as! String
        let parts = key.split(separator: "/").last!.split(separator: "_")
        let layout = TrailKeyLayout()
        #expect(
            layout.digestKey(
                account: String(parts[0]), region: String(parts[2]), trailName: String(parts[3]), homeRegion: String(parts[4]),
                endTime: digest.endTime) == key)
    }

    @Test("log file keys follow CloudTrail's layout, with prefix and organization")
    func logKeys() {
        let t = EventTime.parse("2015-08-01T02:10:59Z")!
        #expect(
            TrailKeyLayout().logKey(account: "111122223333", region: "us-east-2", deliveryTime: t, unique: "Mu0KsOhtH1ar15ZZ")
                == "AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz")
        let org = TrailKeyLayout(prefix: "o-fxozgwu6rc/", organizationID: "o-fxozgwu6rc")
        #expect(
            org.logKey(kind: .insight, account: "123456789015", region: "ca-central-1", deliveryTime: EventTime.parse("2020-09-23T05:16:00Z")!, unique: "KL5e9VCV2SS7IqzB")
                == "o-fxozgwu6rc/AWSLogs/o-fxozgwu6rc/123456789015/CloudTrail-Insight/ca-central-1/2020/09/23/123456789015_CloudTrail-Insight_ca-central-1_20200923T0516Z_KL5e9VCV2SS7IqzB.json.gz")
        let unique = TrailKeyLayout.uniqueSuffix(seed: Array("0123456789abcdef0123".utf8))
        #expect(unique.count == 16)
        #expect(unique.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    @Test("the fingerprint is the MD5 of the PKCS#1 DER key (spec test vector)")
    func fingerprint() throws {
        let value =
            "MIIBCgKCAQEAn11L2YZ9h7onug2ILi1MWyHiMRsTQjfWE+pHVRLk1QjfWhirG+lpOa8NrwQ/r7Ah5bNL6HepznOU9XTDSfmmnP97mqyc7z/upfZdS/AHhYcGaz7n6Wc/RRBU6VmiPCrAUojuSk6/GjvA8iOPFsYDuBtviXarvuLPlrT9kAd4Lb+rFfR5peEgBEkhlzc5HuWO7S0y+KunqxX6jQBnXGMtxmPBPP0FylgWGNdFtks/4YSKcgqwH0YDcawP9GGGDAeCIqPWIXDLG1jOjRRzWfCmD0iJUkz8vTsn4hq/5ZxRFE7UBAUiVcGbdnDdvVfhF9C3dQiDq3k7adQIziLT0cShgQIDAQAB"
        let der = try #require(Data(base64Encoded: value))
        #expect(Hex.encode(Insecure.MD5.hash(data: der)) == "8eba5db5bea9b640d1c96a77256fe7f2")
    }

    @Test("a log file body keeps each record's bytes and the time range")
    func logFileBody() throws {
        var body = LogFileBody()
        let a = RecordParser().record(Data(#"{"eventID":"a","eventTime":"2024-05-01T10:00:00Z","eventName":"X"}"#.utf8))
        let b = RecordParser().record(Data(#"{"eventID":"b", "eventTime":"2024-05-01T09:00:00Z"}"#.utf8))
        body.append(try a.get())
        body.append(try b.get())
        #expect(
            String(decoding: body.finished(), as: UTF8.self)
                == #"{"Records":[{"eventID":"a","eventTime":"2024-05-01T10:00:00Z","eventName":"X"},{"eventID":"b", "eventTime":"2024-05-01T09:00:00Z"}]}"#)
        #expect(body.newestEventTime == EventTime.parse("2024-05-01T10:00:00Z"))
        #expect(body.oldestEventTime == EventTime.parse("2024-05-01T09:00:00Z"))
        #expect(body.size == body.finished().count)
    }
}
