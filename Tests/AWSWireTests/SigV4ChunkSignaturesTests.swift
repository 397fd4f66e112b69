import AWSWire
import Foundation
import Testing

/// AWS's documented chunked upload ("Signature Calculations for the Authorization Header: Transferring
/// Payload in Multiple Chunks", Example: PUT Object): 66,560 bytes of `a` in a 64 KiB chunk, a 1 KiB
/// chunk and the empty last one, signed on 2013-05-24 in us-east-1; and the trailer vector the AWS
/// Common Runtime's tests use with the same chain (trailers `first:1st`, `second:2nd`, `third:3rd`).
@Suite struct SigV4ChunkSignaturesTests {
    static let key = SigV4.Credentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let date = Date(timeIntervalSince1970: 1_369_353_600)  // 20130524T000000Z
    static let seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    static let chunkSignatures = [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ]
    static let trailerSignature = "df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c"
    static let trailer: [(name: String, value: String)] = [("first", "1st"), ("second", "2nd"), ("third", "3rd")]
    static let chunks = [Data(repeating: 97, count: 65_536), Data(repeating: 97, count: 1024), Data()]

    /// AWS's request, signed as the example signs it.
    static func exampleRequest() -> (SignableRequest, Data) {
        var request = SignableRequest(
            method: "PUT", path: "/examplebucket/chunkObject.txt",
            headers: [("Host", "s3.amazonaws.com"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")], payloadHash: "")
        let body = SigV4.signChunked(
            &request, body: Data(repeating: 97, count: 66_560), chunkSize: 65_536, credentials: key, region: "us-east-1",
            date: date)
        return (request, body)
    }

    func verifier(now: Date = date) -> SigV4Verifier {
        SigV4Verifier(credentials: { $0 == Self.key.accessKeyID ? Self.key : nil }, now: { now })
    }

    func identity(_ request: SignableRequest) throws -> SigV4Verifier.VerifiedIdentity {
        try verifier().verify(
            method: request.method, path: request.path, query: request.query,
            headers: request.headers.map { ($0.name, $0.value) }, bodySHA256Hex: "not used for streaming bodies")
    }

    @Test func signingReproducesAWSExample() throws {
        let (request, body) = Self.exampleRequest()
        #expect(
            request.headerValue("Authorization")
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                + "x-amz-decoded-content-length;x-amz-storage-class, Signature=\(Self.seed)")
        #expect(request.headerValue("Content-Length") == "66824")
        #expect(request.headerValue("X-Amz-Decoded-Content-Length") == "66560")
        #expect(request.headerValue("X-Amz-Content-SHA256") == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        #expect(body.count == 66_824)
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.hasPrefix("10000;chunk-signature=\(Self.chunkSignatures[0])\r\naaaa"))
        #expect(text.contains("\r\n400;chunk-signature=\(Self.chunkSignatures[1])\r\naaaa"))
        #expect(text.hasSuffix("a\r\n0;chunk-signature=\(Self.chunkSignatures[2])\r\n\r\n"))
    }

    @Test func verifierHandsOutTheChainAndItAcceptsAWSChunks() throws {
        let (request, _) = Self.exampleRequest()
        var chain = try #require(try identity(request).chunkSignatures)
        #expect(chain.previousSignature == Self.seed)
        #expect(!chain.hasTrailer)
        for (chunk, signature) in zip(Self.chunks, Self.chunkSignatures) {
            let accepted1 = chain.verify(chunk: chunk, signature: signature)
            #expect(accepted1)
        }
        #expect(chain.previousSignature == Self.chunkSignatures[2])
        let accepted2 = chain.verify(trailer: Self.trailer, signature: Self.trailerSignature)
        #expect(accepted2)
        // The chain never shows its key.
        #expect(!String(describing: chain).contains(Self.key.secretAccessKey))
        var dumped = ""
        dump(chain, to: &dumped)
        #expect(dumped.contains("scope"))
        #expect(!dumped.contains("SymmetricKey"))
    }

    @Test func signingSideReproducesChunkAndTrailerSignatures() {
        var chain = SigV4ChunkSignatures(
            seedSignature: Self.seed, credentials: Self.key, region: "us-east-1", service: "s3", date: Self.date)
        var signatures: [String] = []
        for chunk in Self.chunks { signatures.append(chain.sign(chunk: chunk)) }
        #expect(signatures == Self.chunkSignatures)
        let trailerSignature = chain.sign(trailer: Self.trailer)
        #expect(trailerSignature == Self.trailerSignature)
    }

    @Test func aTamperedChunkBreaksTheChain() throws {
        let (request, _) = Self.exampleRequest()
        var chain = try #require(try identity(request).chunkSignatures)
        var tampered = Self.chunks[0]
        tampered[100] = 98
        let accepted4 = chain.verify(chunk: tampered, signature: Self.chunkSignatures[0])
        #expect(!accepted4)
        // A failed check does not move the chain on: the genuine chunk still verifies.
        let accepted5 = chain.verify(chunk: Self.chunks[0], signature: Self.chunkSignatures[0])
        #expect(accepted5)
        // Chunks out of order, or a chunk's signature replayed for another, fail.
        let accepted6 = chain.verify(chunk: Self.chunks[2], signature: Self.chunkSignatures[2])
        #expect(!accepted6)
        let accepted7 = chain.verify(chunk: Self.chunks[1], signature: Self.chunkSignatures[0])
        #expect(!accepted7)
        let accepted8 = chain.verify(chunk: Self.chunks[1], signature: "not hex")
        #expect(!accepted8)
    }

    @Test func aTamperedTrailerFails() throws {
        var chain = SigV4ChunkSignatures(
            seedSignature: Self.seed, credentials: Self.key, region: "us-east-1", service: "s3", date: Self.date,
            hasTrailer: true)
        for chunk in Self.chunks { _ = chain.sign(chunk: chunk) }
        var altered = Self.trailer
        altered[1].value = "2ND"
        let accepted9 = chain.verify(trailer: altered, signature: Self.trailerSignature)
        #expect(!accepted9)
        let accepted10 = chain.verify(trailer: Array(Self.trailer.dropLast()), signature: Self.trailerSignature)
        #expect(!accepted10)
        let accepted11 = chain.verify(trailer: Self.trailer, signature: Self.trailerSignature)
        #expect(accepted11)
    }

    @Test func aWrongSeedFailsTheFirstChunk() {
        var chain = SigV4ChunkSignatures(
            seedSignature: String(repeating: "0", count: 64), credentials: Self.key, region: "us-east-1", service: "s3",
            date: Self.date)
        let accepted12 = chain.verify(chunk: Self.chunks[0], signature: Self.chunkSignatures[0])
        #expect(!accepted12)
        var otherKey = SigV4ChunkSignatures(
            seedSignature: Self.seed,
            credentials: SigV4.Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "another secret"),
            region: "us-east-1", service: "s3", date: Self.date)
        let accepted13 = otherKey.verify(chunk: Self.chunks[0], signature: Self.chunkSignatures[0])
        #expect(!accepted13)
    }

    @Test func theSeedIsVerifiedWithTheLiteralPayloadHash() throws {
        var (request, _) = Self.exampleRequest()
        // The seed signed STREAMING-AWS4-HMAC-SHA256-PAYLOAD; claiming the trailer form breaks it.
        request.setHeader("X-Amz-Content-SHA256", SigV4.streamingSignedPayloadTrailer)
        #expect(throws: SigV4Error.self) { try identity(request) }
        // Requests with an ordinary payload hash get no chain.
        var plain = SignableRequest(method: "PUT", path: "/b/k", headers: [("Host", "s3.amazonaws.com")], body: Data("x".utf8))
        SigV4.sign(&plain, credentials: Self.key, region: "us-east-1", service: "s3", date: Self.date)
        let plainIdentity = try verifier().verify(
            method: "PUT", path: "/b/k", query: "", headers: plain.headers.map { ($0.name, $0.value) },
            bodySHA256Hex: SigV4.sha256Hex(Data("x".utf8)))
        #expect(plainIdentity.chunkSignatures == nil)
    }

    @Test func trailerBodiesAreFramedAndSigned() throws {
        var request = SignableRequest(
            method: "PUT", path: "/bucket/key", headers: [("Host", "localhost")], payloadHash: "")
        let payload = Data("hello chunks".utf8)
        let body = SigV4.signChunked(
            &request, body: payload, chunkSize: 5, trailer: [("x-amz-checksum-crc32", "AAAAAA==")], credentials: Self.key,
            region: "us-east-1", date: Self.date)
        #expect(request.headerValue("X-Amz-Content-SHA256") == SigV4.streamingSignedPayloadTrailer)
        #expect(request.headerValue("X-Amz-Trailer") == "x-amz-checksum-crc32")
        #expect(request.headerValue("Content-Length") == String(body.count))
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.hasPrefix("5;chunk-signature="))
        #expect(text.contains("\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:"))
        #expect(text.hasSuffix("\r\n\r\n"))

        var chain = try #require(try identity(request).chunkSignatures)
        #expect(chain.hasTrailer)
        let lines = text.components(separatedBy: "\r\n")
        let pieces = [("5", "hello"), ("5", " chun"), ("2", "ks"), ("0", "")]
        var index = 0
        for (size, data) in pieces {
            let header = lines[index]
            #expect(header.hasPrefix(size + ";chunk-signature="))
            let accepted14 = chain.verify(chunk: Data(data.utf8), signature: String(header.dropFirst(size.count + 17)))
            #expect(accepted14)
            index += data.isEmpty ? 1 : 2
        }
        let signatureLine = try #require(lines.first { $0.hasPrefix("x-amz-trailer-signature:") })
        let trailerAccepted = chain.verify(
            trailer: [("x-amz-checksum-crc32", "AAAAAA==")], signature: String(signatureLine.dropFirst(24)))
        #expect(trailerAccepted)
    }
}
