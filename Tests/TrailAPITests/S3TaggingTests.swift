import Crypto
import Foundation
import HTTPTypes
import ObjectStorage
import Testing
import TrailAPI

/// Object and bucket tagging, `x-amz-tagging` and `x-amz-tagging-count`, with S3's limits.
extension S3SubsetTests {
    static func tagging(_ tags: [(String, String)]) -> Data {
        var xml = "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>"
        for (key, value) in tags { xml += "<Tag><Key>\(key)</Key><Value>\(value)</Value></Tag>" }
        return Data((xml + "</TagSet></Tagging>").utf8)
    }

    @Test func objectTaggingRoundTrips() async throws {
        try await test { client, objects in
            _ = try await client.s3(.put, "/trail-logs")
            _ = try await client.s3(.put, "/trail-logs/k", body: Data("x".utf8))
            let empty = try await client.s3(.get, "/trail-logs/k", query: "tagging")
            #expect(empty.status == .ok)
            #expect(empty.text.contains("<TagSet></TagSet>"))
            #expect(try await client.s3(.head, "/trail-logs/k").header("x-amz-tagging-count") == nil)

            let body = Self.tagging([("team", "audit"), ("retain", "7 years"), ("ünï", "a+b=c@d:/.-_")])
            let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
            let put = try await client.s3(.put, "/trail-logs/k", query: "tagging", headers: ["Content-MD5": md5], body: body)
            #expect(put.status == .ok, "\(put.text)")
            let got = try await client.s3(.get, "/trail-logs/k", query: "tagging")
            #expect(got.elements("Key") == ["retain", "team", "ünï"])
            #expect(got.elements("Value") == ["7 years", "audit", "a+b=c@d:/.-_"])
            #expect(try await client.s3(.head, "/trail-logs/k").header("x-amz-tagging-count") == "3")
            #expect(try await client.s3(.get, "/trail-logs/k").header("x-amz-tagging-count") == "3")
            #expect(try await objects.objectTags(bucket: "trail-logs", key: "k")["team"] == "audit")

            let bad = try await client.s3(.put, "/trail-logs/k", query: "tagging", headers: ["Content-MD5": md5], body: Self.tagging([("a", "b")]))
            #expect(bad.code == "BadDigest")

            let deleted = try await client.s3(.delete, "/trail-logs/k", query: "tagging")
            #expect(deleted.status == .noContent)
            #expect(try await client.s3(.get, "/trail-logs/k", query: "tagging").elements("Key") == [])
            #expect(try await client.s3(.head, "/trail-logs/k").header("x-amz-tagging-count") == nil)
            // Still the same object.
            #expect(try await client.s3(.get, "/trail-logs/k").text == "x")

            #expect(try await client.s3(.get, "/trail-logs/missing", query: "tagging").code == "NoSuchKey")
            #expect(try await client.s3(.put, "/trail-logs/missing", query: "tagging", body: Self.tagging([])).code == "NoSuchKey")
            #expect(try await client.s3(.delete, "/trail-logs/missing", query: "tagging").code == "NoSuchKey")
            #expect(try await client.s3(.put, "/trail-logs/k", query: "tagging", body: Data("<Tagging>".utf8)).code == "MalformedXML")
        }
    }

    @Test func putObjectTakesTagsFromTheHeader() async throws {
        try await test { client, objects in
            _ = try await client.s3(.put, "/trail-logs")
            let put = try await client.s3(
                .put, "/trail-logs/t", headers: ["x-amz-tagging": "team=audit&note=a%20b%2Bc&empty="], body: Data("x".utf8))
            #expect(put.status == .ok, "\(put.text)")
            #expect(try await objects.objectTags(bucket: "trail-logs", key: "t") == ["team": "audit", "note": "a b+c", "empty": ""])
            #expect(try await client.s3(.head, "/trail-logs/t").header("x-amz-tagging-count") == "3")
            // A new put replaces the tags.
            _ = try await client.s3(.put, "/trail-logs/t", body: Data("y".utf8))
            #expect(try await objects.objectTags(bucket: "trail-logs", key: "t") == [:])

            let duplicate = try await client.s3(.put, "/trail-logs/d", headers: ["x-amz-tagging": "a=1&a=2"], body: Data())
            #expect(duplicate.code == "InvalidTag")
            #expect(try await client.s3(.head, "/trail-logs/d").status == .notFound)
        }
    }

    @Test(arguments: [
        (Array(repeating: ("", ""), count: 0), 11, "BadRequest", "Object tags cannot be greater than 10"),
        ([(String(repeating: "k", count: 129), "v")], 0, "InvalidTag", "The TagKey you have provided is invalid"),
        ([("k", String(repeating: "v", count: 257))], 0, "InvalidTag", "The TagValue you have provided is invalid"),
        ([("", "v")], 0, "InvalidTag", "The TagKey you have provided is invalid"),
        ([("k*", "v")], 0, "InvalidTag", "The TagKey you have provided is invalid"),
        ([("k", "v#")], 0, "InvalidTag", "The TagValue you have provided is invalid"),
        ([("aws:createdBy", "me")], 0, "InvalidTag", "Your TagKey cannot be prefixed with aws:"),
        ([("k", "1"), ("k", "2")], 0, "InvalidTag", "Cannot provide multiple Tags with the same key"),
    ])
    func objectTagLimits(_ tags: [(String, String)], _ count: Int, _ code: String, _ message: String) async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            _ = try await client.s3(.put, "/trail-logs/k", body: Data("x".utf8))
            let set = count > 0 ? (0..<count).map { ("k\($0)", "v") } : tags
            let answer = try await client.s3(.put, "/trail-logs/k", query: "tagging", body: Self.tagging(set))
            #expect(answer.status == .badRequest)
            #expect(answer.code == code)
            #expect(answer.elements("Message") == [message])
        }
    }

    @Test func objectTagLimitsAtTheirEdges() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            _ = try await client.s3(.put, "/trail-logs/k", body: Data("x".utf8))
            let ten = (0..<10).map { ("k\($0)", "v") }
            #expect(try await client.s3(.put, "/trail-logs/k", query: "tagging", body: Self.tagging(ten)).status == .ok)
            let longest = [(String(repeating: "é", count: 128), String(repeating: "ü", count: 256))]
            #expect(try await client.s3(.put, "/trail-logs/k", query: "tagging", body: Self.tagging(longest)).status == .ok)
        }
    }

    @Test func bucketTaggingRoundTrips() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let none = try await client.s3(.get, "/trail-logs", query: "tagging")
            #expect(none.status == .notFound)
            #expect(none.code == "NoSuchTagSet")
            #expect(none.elements("BucketName") == ["trail-logs"])

            let fifty = (0..<50).map { ("key\($0)", "value \($0)") }
            let put = try await client.s3(.put, "/trail-logs", query: "tagging", body: Self.tagging(fifty))
            #expect(put.status == .noContent, "\(put.text)")
            let got = try await client.s3(.get, "/trail-logs", query: "tagging")
            #expect(got.elements("Key").count == 50)
            #expect(got.elements("Value").contains("value 49"))

            let many = try await client.s3(.put, "/trail-logs", query: "tagging", body: Self.tagging(fifty + [("one", "more")]))
            #expect(many.code == "InvalidTag")
            #expect(many.elements("Message") == ["Bucket tag count cannot be greater than 50"])
            #expect(try await client.s3(.get, "/trail-logs", query: "tagging").elements("Key").count == 50)

            #expect(try await client.s3(.delete, "/trail-logs", query: "tagging").status == .noContent)
            #expect(try await client.s3(.get, "/trail-logs", query: "tagging").code == "NoSuchTagSet")
            #expect(try await client.s3(.get, "/no-such-bucket", query: "tagging").code == "NoSuchBucket")
            #expect(try await client.s3(.put, "/no-such-bucket", query: "tagging", body: Self.tagging([("a", "b")])).code == "NoSuchBucket")
        }
    }
}
