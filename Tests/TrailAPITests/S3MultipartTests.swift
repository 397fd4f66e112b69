import AWSWire
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import ObjectStorage
import Testing

/// Multipart uploads, UploadPartCopy and GetObjectAttributes through the S3 subset (file store).
@Suite struct S3MultipartTests {
    static let partSize = 5 * 1024 * 1024

    static func hex(_ data: Data) -> String { Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    static func completion(_ parts: [(Int, String)]) -> Data {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (number, etag) in parts { xml += "<Part><PartNumber>\(number)</PartNumber><ETag>\(etag)</ETag></Part>" }
        return Data((xml + "</CompleteMultipartUpload>").utf8)
    }

    /// Creates an upload of `path`; returns its ID.
    static func create(_ client: some TestClientProtocol, _ path: String, headers: [String: String] = [:]) async throws -> String {
        let created = try await client.s3(.post, path, query: "uploads", headers: headers)
        #expect(created.status == .ok, "\(created.text)")
        return try #require(created.elements("UploadId").first)
    }

    @Test func uploadInPartsThenReadTheObject() async throws {
        try await S3SubsetTests().test { client, objects in
            _ = try await client.s3(.put, "/trail-logs")
            let path = "/trail-logs/" + S3Client.encodeKey("big/a b+é.gz")
            let id = try await Self.create(
                client, path,
                headers: [
                    "Content-Type": "application/x-gzip", "x-amz-meta-Signature": "0a", "x-amz-storage-class": "STANDARD_IA",
                    "x-amz-tagging": "team=audit",
                ])
            let first = Data((0..<Self.partSize).map { UInt8(truncatingIfNeeded: $0 &* 13) })
            let second = Data("the last part".utf8)
            let md5 = Data(Insecure.MD5.hash(data: first)).base64EncodedString()
            let put1 = try await client.s3(
                .put, path, query: "partNumber=1&uploadId=\(id)", headers: ["Content-MD5": md5], body: first)
            #expect(put1.status == .ok)
            #expect(put1.header("ETag") == "\"\(Self.hex(first))\"")
            let put2 = try await client.s3(
                .put, path, query: "partNumber=2&uploadId=\(id)", headers: ["x-amz-checksum-crc32": "AAAAAA=="], body: second)
            #expect(put2.code == "BadDigest")
            _ = try await client.s3(.put, path, query: "partNumber=2&uploadId=\(id)", body: second)

            let parts = try await client.s3(.get, path, query: "uploadId=\(id)&max-parts=1")
            #expect(parts.elements("PartNumber") == ["1"])
            #expect(parts.elements("IsTruncated") == ["true"])
            #expect(parts.elements("NextPartNumberMarker") == ["1"])
            #expect(parts.elements("StorageClass") == ["STANDARD_IA"])
            #expect(parts.elements("Size") == [String(Self.partSize)])
            let rest = try await client.s3(.get, path, query: "uploadId=\(id)&part-number-marker=1")
            #expect(rest.elements("PartNumber") == ["2"])
            #expect(rest.elements("ETag") == ["&quot;\(Self.hex(second))&quot;"])

            let uploads = try await client.s3(.get, "/trail-logs", query: "uploads&prefix=big%2F")
            #expect(uploads.elements("UploadId") == [id])
            #expect(uploads.elements("Key") == ["big/a b+é.gz"])
            #expect(uploads.elements("StorageClass") == ["STANDARD_IA"])

            let done = try await client.s3(
                .post, path, query: "uploadId=\(id)",
                body: Self.completion([(1, "\"\(Self.hex(first))\""), (2, Self.hex(second))]))
            #expect(done.status == .ok, "\(done.text)")
            let etag = MultipartRules.etag(ofPartETags: [Self.hex(first), Self.hex(second)])
            #expect(done.elements("ETag") == ["&quot;\(etag)&quot;"])
            #expect(done.elements("Key") == ["big/a b+é.gz"])
            #expect(done.elements("Location").first?.hasSuffix("/trail-logs/big/a%20b%2B%C3%A9.gz") == true)

            let get = try await client.s3(.get, path)
            #expect(get.body == first + second)
            #expect(get.header("ETag") == "\"\(etag)\"")
            #expect(get.header("Content-Type") == "application/x-gzip")
            #expect(get.header("x-amz-meta-signature") == "0a")
            #expect(get.header("x-amz-storage-class") == "STANDARD_IA")
            #expect(try await objects.objectTags(bucket: "trail-logs", key: "big/a b+é.gz") == ["team": "audit"])
            #expect(try await objects.headObject(bucket: "trail-logs", key: "big/a b+é.gz").size == Int64(Self.partSize + 13))

            let attributes = try await client.s3(
                .get, path, query: "attributes",
                headers: ["x-amz-object-attributes": "ETag,ObjectParts,ObjectSize,StorageClass", "x-amz-max-parts": "1"])
            #expect(attributes.status == .ok, "\(attributes.text)")
            #expect(attributes.elements("ETag") == [etag])
            #expect(attributes.elements("PartsCount") == ["2"])
            #expect(attributes.elements("Size") == [String(Self.partSize)])
            #expect(attributes.elements("IsTruncated") == ["true"])
            #expect(attributes.elements("ObjectSize") == [String(Self.partSize + 13)])
            #expect(attributes.elements("StorageClass") == ["STANDARD_IA"])
            #expect(attributes.header("Last-Modified") == get.header("Last-Modified"))

            // ?partNumber=N serves one part.
            let part2 = try await client.s3(.get, path, query: "partNumber=2")
            #expect(part2.status == .partialContent)
            #expect(part2.body == second)
            #expect(part2.header("x-amz-mp-parts-count") == "2")
            #expect(part2.header("Content-Range") == "bytes \(Self.partSize)-\(Self.partSize + 12)/\(Self.partSize + 13)")
            let head1 = try await client.s3(.head, path, query: "partNumber=1")
            #expect(head1.status == .partialContent && head1.header("Content-Length") == String(Self.partSize))
            #expect(try await client.s3(.get, path, query: "partNumber=3").code == "InvalidPartNumber")
            #expect(try await client.s3(.get, path, query: "partNumber=1", headers: ["Range": "bytes=0-1"]).code == "InvalidRequest")

            // The upload is over.
            let gone = try await client.s3(.get, path, query: "uploadId=\(id)")
            #expect(gone.status == .notFound)
            #expect(gone.code == "NoSuchUpload")
            #expect(gone.elements("UploadId") == [id])
        }
    }

    @Test func badCompletionsAnswerS3sErrors() async throws {
        try await S3SubsetTests().test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let id = try await Self.create(client, "/trail-logs/k")
            let small = Data("small".utf8)
            for number in [1, 2] {
                _ = try await client.s3(.put, "/trail-logs/k", query: "partNumber=\(number)&uploadId=\(id)", body: small)
            }
            let etag = Self.hex(small)
            let cases: [(Data, HTTPResponse.Status, String)] = [
                (Self.completion([(1, Self.hex(Data()))]), .badRequest, "InvalidPart"),
                (Self.completion([(2, etag), (1, etag)]), .badRequest, "InvalidPartOrder"),
                (Self.completion([(1, etag), (2, etag)]), .badRequest, "EntityTooSmall"),
                (Self.completion([]), .badRequest, "MalformedXML"),
                (Data("<CompleteMultipartUpload><Part><PartNumber>x</PartNumber>".utf8), .badRequest, "MalformedXML"),
                (Data("<Other/>".utf8), .badRequest, "MalformedXML"),
                (Data("<!DOCTYPE d [<!ENTITY e \"x\">]><CompleteMultipartUpload/>".utf8), .badRequest, "MalformedXML"),
            ]
            for (body, status, code) in cases {
                let answer = try await client.s3(.post, "/trail-logs/k", query: "uploadId=\(id)", body: body)
                #expect(answer.status == status && answer.code == code, "\(code): \(answer.text)")
            }
            let tooSmall = try await client.s3(.post, "/trail-logs/k", query: "uploadId=\(id)", body: Self.completion([(1, etag), (2, etag)]))
            #expect(tooSmall.elements("PartNumber") == ["1"])
            #expect(tooSmall.elements("MinSizeAllowed") == ["5242880"])
            let unknown = try await client.s3(
                .post, "/trail-logs/k", query: "uploadId=0123456789abcdef0123456789abcdef", body: Self.completion([(1, etag)]))
            #expect(unknown.status == .notFound && unknown.code == "NoSuchUpload")
            let otherKey = try await client.s3(.put, "/trail-logs/other", query: "partNumber=1&uploadId=\(id)", body: small)
            #expect(otherKey.code == "NoSuchUpload")
            for number in ["0", "10001", "x"] {
                let bad = try await client.s3(.put, "/trail-logs/k", query: "partNumber=\(number)&uploadId=\(id)", body: small)
                #expect(bad.status == .badRequest && bad.code == "InvalidArgument", "partNumber \(number)")
            }
            #expect(try await client.s3(.post, "/trail-logs/k", query: "uploads", headers: ["x-amz-storage-class": "COLD"]).code == "InvalidStorageClass")

            // Abort: 204, then the upload is gone.
            #expect(try await client.s3(.delete, "/trail-logs/k", query: "uploadId=\(id)").status == .noContent)
            #expect(try await client.s3(.delete, "/trail-logs/k", query: "uploadId=\(id)").code == "NoSuchUpload")
            #expect(try await client.s3(.get, "/trail-logs/k").code == "NoSuchKey")
        }
    }

    @Test func uploadPartCopyTakesRangesOfOtherObjects() async throws {
        try await S3SubsetTests().test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let source = Data((0..<100).map { UInt8($0) })
            let sourceETag = try #require(try await client.s3(.put, "/trail-logs/src", body: source).header("ETag"))
            let id = try await Self.create(client, "/trail-logs/dst")
            let copied = try await client.s3(
                .put, "/trail-logs/dst", query: "partNumber=1&uploadId=\(id)",
                headers: ["x-amz-copy-source": "trail-logs/src", "x-amz-copy-source-range": "bytes=10-19",
                    "x-amz-copy-source-if-match": sourceETag])
            #expect(copied.status == .ok, "\(copied.text)")
            #expect(copied.text.contains("<CopyPartResult"))
            #expect(copied.elements("ETag") == ["&quot;\(Self.hex(source.subdata(in: 10..<20)))&quot;"])
            let beyond = try await client.s3(
                .put, "/trail-logs/dst", query: "partNumber=2&uploadId=\(id)",
                headers: ["x-amz-copy-source": "/trail-logs/src", "x-amz-copy-source-range": "bytes=90-100"])
            #expect(beyond.code == "InvalidArgument")
            let malformed = try await client.s3(
                .put, "/trail-logs/dst", query: "partNumber=2&uploadId=\(id)",
                headers: ["x-amz-copy-source": "/trail-logs/src", "x-amz-copy-source-range": "bytes=5-"])
            #expect(malformed.code == "InvalidArgument")
            let failed = try await client.s3(
                .put, "/trail-logs/dst", query: "partNumber=2&uploadId=\(id)",
                headers: ["x-amz-copy-source": "/trail-logs/src", "x-amz-copy-source-if-none-match": sourceETag])
            #expect(failed.status == .preconditionFailed && failed.code == "PreconditionFailed")
            let whole = try await client.s3(
                .put, "/trail-logs/dst", query: "partNumber=2&uploadId=\(id)", headers: ["x-amz-copy-source": "/trail-logs/src"])
            #expect(whole.elements("ETag") == ["&quot;\(Self.hex(source))&quot;"])
            // One part is a whole object, whatever its size.
            let done = try await client.s3(
                .post, "/trail-logs/dst", query: "uploadId=\(id)", body: Self.completion([(2, Self.hex(source))]))
            #expect(done.status == .ok)
            #expect(try await client.s3(.get, "/trail-logs/dst").body == source)
            let plain = try await client.s3(
                .get, "/trail-logs/src", query: "attributes", headers: ["x-amz-object-attributes": "ObjectParts,ETag"])
            #expect(plain.elements("ETag") == [Self.hex(source)])
            #expect(!plain.text.contains("ObjectParts"))
            #expect(try await client.s3(.get, "/trail-logs/src", query: "attributes").code == "InvalidArgument")
            // An object stored whole has one part: all of it.
            let whole1 = try await client.s3(.get, "/trail-logs/src", query: "partNumber=1")
            #expect(whole1.status == .ok && whole1.body == source && whole1.header("x-amz-mp-parts-count") == nil)
            #expect(try await client.s3(.get, "/trail-logs/src", query: "partNumber=2").status == .rangeNotSatisfiable)
            let unknown = try await client.s3(.get, "/trail-logs/src", query: "attributes", headers: ["x-amz-object-attributes": "Color"])
            #expect(unknown.code == "InvalidArgument")
        }
    }

    @Test func listMultipartUploadsPagesWithDelimiterAndMarkers() async throws {
        try await S3SubsetTests().test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            var ids: [String: String] = [:]
            for key in ["a/1", "a/2", "b c", "d"] { ids[key] = try await Self.create(client, "/trail-logs/" + S3Client.encodeKey(key)) }
            let grouped = try await client.s3(.get, "/trail-logs", query: "uploads&delimiter=%2F&encoding-type=url")
            #expect(grouped.elements("Prefix").filter { !$0.isEmpty } == ["a/"])
            #expect(grouped.elements("Key") == ["b%20c", "d"])
            #expect(grouped.elements("EncodingType") == ["url"])
            var keys: [String] = []
            var query = "uploads&max-uploads=1"
            while true {
                let page = try await client.s3(.get, "/trail-logs", query: query)
                keys += page.elements("Key")
                guard page.elements("IsTruncated") == ["true"] else { break }
                let nextKey = try #require(page.elements("NextKeyMarker").first)
                let nextID = try #require(page.elements("NextUploadIdMarker").first)
                query = "uploads&max-uploads=1&key-marker=\(SigV4.encode(nextKey))&upload-id-marker=\(nextID)"
            }
            #expect(keys == ["a/1", "a/2", "b c", "d"])
            #expect(try await client.s3(.get, "/trail-logs", query: "uploads&max-uploads=-1").code == "InvalidArgument")
            #expect(try await client.s3(.get, "/no-bucket", query: "uploads").code == "NoSuchBucket")
        }
    }
}
