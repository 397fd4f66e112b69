import AWSWire
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ObjectStorage
import Testing
import TrailAPI

/// PutObject with bodies sent in signed chunks (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`): every
/// chunk and the trailer are verified before anything is stored.
extension S3SubsetTests {
    /// A PUT of `payload` in signed chunks of `chunkSize` bytes, with `trailer`; `tamper` edits the
    /// encoded body before it is sent.
    static func chunkSigned(
        _ path: String, payload: Data, chunkSize: Int = 65_536, trailer: [(name: String, value: String)] = [],
        credentials: SigV4.Credentials = S3TestAuthenticator.key, tamper: (inout Data) -> Void = { _ in }
    ) -> (SignableRequest, Data) {
        var request = SignableRequest(method: "PUT", path: path, headers: [("Host", "localhost")], payloadHash: "")
        var body = SigV4.signChunked(
            &request, body: payload, chunkSize: chunkSize, trailer: trailer, credentials: credentials, region: "us-east-1",
            date: Date())
        tamper(&body)
        return (request, body)
    }

    static let payload = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })

    /// Replaces the first occurrence of `old` in `data` by `new` (same length).
    static func replacing(_ old: String, with new: String, in data: inout Data) {
        guard let range = data.range(of: Data(old.utf8)) else {
            Issue.record("\(old) is not in the body")
            return
        }
        data.replaceSubrange(range, with: Data(new.utf8))
    }

    @Test func chunkSignedUploadsAreVerifiedAndStored() async throws {
        try await test { client, objects in
            _ = try await client.s3(.put, "/trail-logs")
            let (request, body) = Self.chunkSigned("/trail-logs/chunked.bin", payload: Self.payload)
            let answer = try await client.send(request, body: body)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.header("ETag") == "\"\(Insecure.MD5.hash(data: Self.payload).map { String(format: "%02x", $0) }.joined())\"")
            #expect(try await objects.getObject(bucket: "trail-logs", key: "chunked.bin").body == Self.payload)

            // An empty body is one empty signed chunk.
            let (emptyRequest, emptyBody) = Self.chunkSigned("/trail-logs/empty", payload: Data())
            #expect(try await client.send(emptyRequest, body: emptyBody).status == .ok)
            #expect(try await objects.getObject(bucket: "trail-logs", key: "empty").body == Data())
        }
    }

    @Test func chunkSignedUploadsWithSignedTrailers() async throws {
        try await test { client, objects in
            _ = try await client.s3(.put, "/trail-logs")
            let crc = S3ChecksumVector.crc32(Self.payload)
            let (request, body) = Self.chunkSigned(
                "/trail-logs/trailer.bin", payload: Self.payload, trailer: [("x-amz-checksum-crc32", crc)])
            let answer = try await client.send(request, body: body)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.header("x-amz-checksum-crc32") == crc)
            #expect(try await objects.getObject(bucket: "trail-logs", key: "trailer.bin").body == Self.payload)

            // A signed trailer whose checksum is wrong: signed, so it is the body that is refused.
            let (badCRC, badCRCBody) = Self.chunkSigned(
                "/trail-logs/bad-crc", payload: Self.payload, trailer: [("x-amz-checksum-crc32", "AAAAAA==")])
            #expect(try await client.send(badCRC, body: badCRCBody).code == "BadDigest")
            #expect(try await client.s3(.head, "/trail-logs/bad-crc").status == .notFound)
        }
    }

    @Test func aTamperedChunkStoresNothing() async throws {
        try await test { client, objects in
            _ = try await client.s3(.put, "/trail-logs")
            try await objects.putObject(bucket: "trail-logs", key: "kept", body: Data("old".utf8), contentType: nil, metadata: [:])
            // One byte of the second chunk changes; its signature (and the length) stay.
            let (request, body) = Self.chunkSigned("/trail-logs/kept", payload: Self.payload) { body in
                let second = body.range(of: Data("\r\n10000;chunk-signature=".utf8))!.upperBound + 64 + 2 + 10
                body[second] ^= 0xFF
            }
            let answer = try await client.send(request, body: body)
            #expect(answer.status == .forbidden)
            #expect(answer.code == "SignatureDoesNotMatch")
            #expect(try await objects.getObject(bucket: "trail-logs", key: "kept").body == Data("old".utf8))

            // A chunk signature that is not the chain's (the first one repeated), and a missing one.
            let (swapped, swappedBody) = Self.chunkSigned("/trail-logs/swapped", payload: Self.payload) { body in
                let text = String(decoding: body, as: UTF8.self)
                let first = text.components(separatedBy: "chunk-signature=")[1].prefix(64)
                let second = text.components(separatedBy: "chunk-signature=")[2].prefix(64)
                Self.replacing(String(second), with: String(first), in: &body)
            }
            #expect(try await client.send(swapped, body: swappedBody).code == "SignatureDoesNotMatch")
            let (unsigned, unsignedBody) = Self.chunkSigned("/trail-logs/unsigned", payload: Data("abc".utf8)) { body in
                let signature = String(String(decoding: body, as: UTF8.self).dropFirst("3;chunk-signature=".count).prefix(64))
                Self.replacing("3;chunk-signature=" + signature, with: "3;chunk-signaturX=" + signature, in: &body)
            }
            #expect(try await client.send(unsigned, body: unsignedBody).code == "SignatureDoesNotMatch")
            for key in ["swapped", "unsigned"] {
                #expect(try await client.s3(.head, "/trail-logs/\(key)").status == .notFound)
            }
        }
    }

    @Test func aTamperedTrailerStoresNothing() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let good = S3ChecksumVector.crc32(Self.payload)
            // Another valid-looking trailer value: the checksum would be checked, but the signature fails first.
            let (request, body) = Self.chunkSigned(
                "/trail-logs/trailer", payload: Self.payload, trailer: [("x-amz-checksum-crc32", good)]
            ) { body in
                Self.replacing("x-amz-checksum-crc32:" + good, with: "x-amz-checksum-crc32:" + "BBBBBB==", in: &body)
            }
            let answer = try await client.send(request, body: body)
            #expect(answer.status == .forbidden)
            #expect(answer.code == "SignatureDoesNotMatch")
            // Without its signature line.
            let (missing, missingBody) = Self.chunkSigned(
                "/trail-logs/trailer", payload: Self.payload, trailer: [("x-amz-checksum-crc32", good)]
            ) { body in
                Self.replacing("x-amz-trailer-signature:", with: "x-amz-trailer-signaturX:", in: &body)
            }
            #expect(try await client.send(missing, body: missingBody).code == "SignatureDoesNotMatch")
            #expect(try await client.s3(.head, "/trail-logs/trailer").status == .notFound)
        }
    }

    @Test func aWrongSeedStoresNothing() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            // Chunks chained from another request's signature: the request itself verifies, its chunks do not.
            let (request, _) = Self.chunkSigned("/trail-logs/seed", payload: Self.payload)
            let (_, otherBody) = Self.chunkSigned("/trail-logs/other", payload: Self.payload)
            let answer = try await client.send(request, body: otherBody)
            #expect(answer.status == .forbidden)
            #expect(answer.code == "SignatureDoesNotMatch")
            // Chunks signed with another secret under the same key ID: the seed already fails.
            let (forged, forgedBody) = Self.chunkSigned(
                "/trail-logs/seed", payload: Self.payload,
                credentials: SigV4.Credentials(accessKeyID: S3TestAuthenticator.key.accessKeyID, secretAccessKey: "guess"))
            #expect(try await client.send(forged, body: forgedBody).code == "SignatureDoesNotMatch")
            #expect(try await client.s3(.head, "/trail-logs/seed").status == .notFound)
        }
    }

    @Test func unknownStreamingModesAreRefused() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            for mode in ["STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", "STREAMING-SOMETHING"] {
                let answer = try await client.s3(
                    .put, "/trail-logs/x", headers: ["x-amz-content-sha256": mode, "Content-Encoding": "aws-chunked"],
                    body: Data("0\r\n\r\n".utf8), sign: .declaredHash)
                #expect(answer.status == .badRequest)
                #expect(answer.code == "InvalidArgument")
            }
        }
    }

    @Test func otherRoutesRefuseSignedChunks() async throws {
        try await test { client, _ in
            var request = SignableRequest(
                method: "POST", path: "/",
                headers: [
                    ("Host", "localhost"), ("X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"),
                    ("Content-Type", "application/x-amz-json-1.1"),
                ], payloadHash: "")
            let body = SigV4.signChunked(
                &request, body: Data("{}".utf8), credentials: S3TestAuthenticator.key, region: "us-east-1",
                service: "cloudtrail", date: Date())
            let answer = try await client.send(request, body: body)
            #expect(answer.status == .badRequest)
            #expect(answer.text.contains("IncompleteSignatureException"))
        }
    }
}

/// CRC-32 of S3's flexible checksums, computed independently of the server's table (bitwise).
enum S3ChecksumVector {
    static func crc32(_ data: Data) -> String {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        return Data([UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]).base64EncodedString()
    }
}
