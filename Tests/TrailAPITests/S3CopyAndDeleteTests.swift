import AWSWire
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import ObjectStorage
import Testing

/// CopyObject and DeleteObjects through the S3 subset (file store).
@Suite struct S3CopyAndDeleteTests {
    static func md5Base64(_ data: Data) -> String { Data(Insecure.MD5.hash(data: data)).base64EncodedString() }

    @Test func copyKeepsOrReplacesMetadata() async throws {
        try await S3SubsetTests().test { client, objects in
            _ = try await client.s3(.put, "/trail-logs")
            _ = try await client.s3(.put, "/other-bucket")
            let body = Data("{\"Records\":[]}".utf8)
            let key = "src dir/a+b é.json"
            let etag = try #require(
                try await client.s3(
                    .put, "/trail-logs/" + S3Client.encodeKey(key),
                    headers: ["Content-Type": "application/json", "x-amz-meta-signature": "ab", "x-amz-tagging": "a=1"], body: body
                ).header("ETag"))

            let copied = try await client.s3(
                .put, "/other-bucket/copy", headers: ["x-amz-copy-source": "/trail-logs/" + S3Client.encodeKey(key)])
            #expect(copied.status == .ok, "\(copied.text)")
            #expect(copied.text.contains("<CopyObjectResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"))
            #expect(copied.elements("ETag") == [etag.replacingOccurrences(of: "\"", with: "&quot;")])
            #expect(copied.elements("LastModified").first?.hasSuffix("Z") == true)
            let head = try await client.s3(.head, "/other-bucket/copy")
            #expect(head.header("Content-Type") == "application/json")
            #expect(head.header("x-amz-meta-signature") == "ab")
            #expect(try await objects.getObject(bucket: "other-bucket", key: "copy").body == body)
            #expect(try await objects.objectTags(bucket: "other-bucket", key: "copy") == ["a": "1"])

            let replaced = try await client.s3(
                .put, "/trail-logs/replaced",
                headers: [
                    "x-amz-copy-source": "trail-logs/" + S3Client.encodeKey(key), "x-amz-metadata-directive": "REPLACE",
                    "x-amz-meta-new": "1", "Content-Type": "text/plain", "x-amz-storage-class": "GLACIER_IR",
                    "x-amz-tagging-directive": "REPLACE", "x-amz-tagging": "b=2",
                ])
            #expect(replaced.status == .ok)
            let info = try await objects.headObject(bucket: "trail-logs", key: "replaced")
            #expect(info.metadata == ["new": "1"])
            #expect(info.contentType == "text/plain")
            #expect(info.storageClass == "GLACIER_IR")
            #expect(try await objects.objectTags(bucket: "trail-logs", key: "replaced") == ["b": "2"])
            #expect(try await client.s3(.head, "/trail-logs/replaced").header("x-amz-storage-class") == "GLACIER_IR")

            // Onto itself: only when something changes.
            let same = try await client.s3(.put, "/trail-logs/replaced", headers: ["x-amz-copy-source": "/trail-logs/replaced"])
            #expect(same.status == .badRequest && same.code == "InvalidRequest")
            let itself = try await client.s3(
                .put, "/trail-logs/replaced",
                headers: ["x-amz-copy-source": "/trail-logs/replaced", "x-amz-metadata-directive": "REPLACE", "x-amz-meta-v": "2"])
            #expect(itself.status == .ok)
            #expect(try await objects.headObject(bucket: "trail-logs", key: "replaced").metadata == ["v": "2"])
        }
    }

    @Test func copyErrorsAreS3s() async throws {
        try await S3SubsetTests().test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let etag = try #require(try await client.s3(.put, "/trail-logs/src", body: Data("x".utf8)).header("ETag"))
            let future = "Fri, 01 Jan 2100 00:00:00 GMT"
            let past = "Mon, 01 Jan 2001 00:00:00 GMT"
            let cases: [([String: String], HTTPResponse.Status, String)] = [
                (["x-amz-copy-source-if-match": "\"00\""], .preconditionFailed, "PreconditionFailed"),
                (["x-amz-copy-source-if-none-match": etag], .preconditionFailed, "PreconditionFailed"),
                (["x-amz-copy-source-if-modified-since": future], .preconditionFailed, "PreconditionFailed"),
                (["x-amz-copy-source-if-unmodified-since": past], .preconditionFailed, "PreconditionFailed"),
                (["x-amz-metadata-directive": "MERGE"], .badRequest, "InvalidArgument"),
                (["x-amz-tagging-directive": "MERGE"], .badRequest, "InvalidArgument"),
                (["x-amz-storage-class": "COLD"], .badRequest, "InvalidStorageClass"),
            ]
            for (extra, status, code) in cases {
                let answer = try await client.s3(
                    .put, "/trail-logs/dst", headers: extra.merging(["x-amz-copy-source": "/trail-logs/src"]) { a, _ in a })
                #expect(answer.status == status && answer.code == code, "\(extra): \(answer.text)")
            }
            // Conditions that hold: the copy is made.
            let held = try await client.s3(
                .put, "/trail-logs/dst",
                headers: [
                    "x-amz-copy-source": "/trail-logs/src", "x-amz-copy-source-if-match": etag,
                    "x-amz-copy-source-if-modified-since": past,
                ])
            #expect(held.status == .ok)
            let sources: [(String, String)] = [
                ("/trail-logs/missing", "NoSuchKey"), ("/no-such-bucket/src", "NoSuchBucket"), ("trail-logs", "InvalidArgument"),
                ("/trail-logs/", "InvalidArgument"), ("/trail-logs/src?versionId=3HL4kqtJlcpXroDTDmJ", "InvalidArgument"),
            ]
            for (source, code) in sources {
                let answer = try await client.s3(.put, "/trail-logs/dst2", headers: ["x-amz-copy-source": source])
                #expect(answer.code == code, "\(source): \(answer.text)")
            }
            let nullVersion = try await client.s3(
                .put, "/trail-logs/dst2", headers: ["x-amz-copy-source": "/trail-logs/src?versionId=null"])
            #expect(nullVersion.status == .ok)
        }
    }

    static func deleteDocument(_ keys: [String], quiet: Bool = false, versions: [String: String] = [:]) -> Data {
        var xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        if quiet { xml += "<Quiet>true</Quiet>" }
        for key in keys {
            xml += "<Object><Key>\(S3XMLEscape.escape(key))</Key>"
            if let version = versions[key] { xml += "<VersionId>\(version)</VersionId>" }
            xml += "</Object>"
        }
        return Data((xml + "</Delete>").utf8)
    }

    @Test func deleteObjectsReportsEachKey() async throws {
        try await S3SubsetTests().test { client, objects in
            _ = try await client.s3(.put, "/trail-logs")
            let keys = ["a", "b/c", " spaced & <odd> ", "é"]
            for key in keys { _ = try await client.s3(.put, "/trail-logs/" + S3Client.encodeKey(key), body: Data("x".utf8)) }

            let body = Self.deleteDocument(keys + ["never", "a//b"], versions: ["never": "null"])
            let answer = try await client.s3(.post, "/trail-logs", query: "delete", headers: ["Content-MD5": Self.md5Base64(body)], body: body)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.elements("Key") == ["a", "b/c", " spaced &amp; &lt;odd&gt; ", "é", "never", "a//b"])
            #expect(answer.elements("Deleted").count == 5)
            #expect(answer.elements("Code") == ["InvalidArgument"])
            #expect(answer.elements("VersionId") == ["null"])
            #expect(try await objects.listObjects(ObjectListRequest(bucket: "trail-logs")).objects.isEmpty)

            _ = try await client.s3(.put, "/trail-logs/q", body: Data("x".utf8))
            let quiet = Self.deleteDocument(["q", "other"], quiet: true, versions: ["other": "v1"])
            let sha = Data(SHA256.hash(data: quiet)).base64EncodedString()
            let quietAnswer = try await client.s3(
                .post, "/trail-logs", query: "delete", headers: ["x-amz-checksum-sha256": sha], body: quiet)
            #expect(quietAnswer.status == .ok, "\(quietAnswer.text)")
            #expect(quietAnswer.elements("Deleted").isEmpty)
            #expect(quietAnswer.elements("Key") == ["other"])
            #expect(quietAnswer.elements("Code") == ["InvalidArgument"])
        }
    }

    @Test func deleteObjectsRefusesWhatS3Refuses() async throws {
        try await S3SubsetTests().test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let body = Self.deleteDocument(["a"])
            let unsigned = try await client.s3(.post, "/trail-logs", query: "delete", body: body)
            #expect(unsigned.status == .badRequest && unsigned.code == "InvalidRequest")
            #expect(unsigned.text.contains("Content-MD5"))
            let wrong = try await client.s3(
                .post, "/trail-logs", query: "delete", headers: ["Content-MD5": Self.md5Base64(Data("x".utf8))], body: body)
            #expect(wrong.code == "BadDigest")
            let many = Self.deleteDocument((0...1000).map { "k\($0)" })
            let tooMany = try await client.s3(.post, "/trail-logs", query: "delete", headers: ["Content-MD5": Self.md5Base64(many)], body: many)
            #expect(tooMany.status == .badRequest && tooMany.code == "MalformedXML")
            let thousand = Self.deleteDocument((0..<1000).map { "k\($0)" }, quiet: true)
            let fine = try await client.s3(.post, "/trail-logs", query: "delete", headers: ["Content-MD5": Self.md5Base64(thousand)], body: thousand)
            #expect(fine.status == .ok)
            for bad in ["<Delete></Delete>", "<Delete><Object></Object></Delete>", "not xml", "<Remove/>"] {
                let data = Data(bad.utf8)
                let answer = try await client.s3(.post, "/trail-logs", query: "delete", headers: ["Content-MD5": Self.md5Base64(data)], body: data)
                #expect(answer.code == "MalformedXML", "\(bad)")
            }
            let missing = try await client.s3(.post, "/no-bucket", query: "delete", headers: ["Content-MD5": Self.md5Base64(body)], body: body)
            #expect(missing.code == "NoSuchBucket")
        }
    }
}

/// XML text escaping for request documents the tests build.
enum S3XMLEscape {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
