import Foundation

// S3's bodies sent in signed chunks (`Content-Encoding: aws-chunked`), the client side; the
// server side is ``SigV4Verifier`` with ``SigV4ChunkSignatures``.
extension SigV4 {
    /// The payload hash of a body sent in chunks signed one by one.
    public static let streamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    /// The same, with signed trailer fields after the last chunk.
    public static let streamingSignedPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
    /// The payload hash of a body sent in unsigned chunks with trailer fields (botocore over https).
    public static let streamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"

    /// Signs `request` to carry `body` in signed chunks and returns the `aws-chunked` body to send.
    ///
    /// Sets `Content-Encoding: aws-chunked`, `X-Amz-Decoded-Content-Length`, `Content-Length` (of the
    /// encoded body) and, with trailer fields, `X-Amz-Trailer`; signs the request with the payload hash
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` (`…-TRAILER` with trailer fields); then frames each chunk as
    /// `<hex size>;chunk-signature=<signature>\r\n<bytes>\r\n`, ends with the empty chunk, the trailer
    /// fields and `x-amz-trailer-signature`, and an empty line.
    ///
    /// - Parameters:
    ///   - chunkSize: the size of every chunk but the last (S3 wants at least 8 KiB).
    ///   - trailer: trailer fields, such as `("x-amz-checksum-crc32", "…")`, sent after the last chunk.
    public static func signChunked(
        _ request: inout SignableRequest,
        body: Data,
        chunkSize: Int = 65_536,
        trailer: [(name: String, value: String)] = [],
        credentials: Credentials,
        region: String,
        service: String = "s3",
        date: Date
    ) -> Data {
        let chunkSize = Swift.max(1, chunkSize)
        var ranges: [Range<Int>] = []
        var start = body.startIndex
        while start < body.endIndex {
            let end = Swift.min(start + chunkSize, body.endIndex)
            ranges.append(start..<end)
            start = end
        }
        ranges.append(body.endIndex..<body.endIndex)

        let signatureLength = 64
        var length = 0
        for range in ranges {
            length += String(range.count, radix: 16).utf8.count + ";chunk-signature=".utf8.count + signatureLength + 2
            if !range.isEmpty { length += range.count + 2 }
        }
        for field in trailer { length += field.name.utf8.count + 1 + field.value.utf8.count + 2 }
        if !trailer.isEmpty { length += "x-amz-trailer-signature:".utf8.count + signatureLength + 2 }
        length += 2

        request.setHeader("Content-Encoding", "aws-chunked")
        request.setHeader("X-Amz-Decoded-Content-Length", String(body.count))
        request.setHeader("Content-Length", String(length))
        if !trailer.isEmpty { request.setHeader("X-Amz-Trailer", trailer.map(\.name).joined(separator: ",")) }
        request.payloadHash = trailer.isEmpty ? streamingSignedPayload : streamingSignedPayloadTrailer
        request.setHeader("X-Amz-Content-SHA256", request.payloadHash)
        let seed = sign(&request, credentials: credentials, region: region, service: service, date: date)

        var chain = SigV4ChunkSignatures(
            seedSignature: seed, credentials: credentials, region: region, service: service, date: date,
            hasTrailer: !trailer.isEmpty)
        var out = Data()
        out.reserveCapacity(length)
        for range in ranges {
            let chunk = body[range]
            out.append(contentsOf: "\(String(range.count, radix: 16));chunk-signature=\(chain.sign(chunk: chunk))\r\n".utf8)
            if !range.isEmpty {
                out.append(chunk)
                out.append(contentsOf: "\r\n".utf8)
            }
        }
        if !trailer.isEmpty {
            for field in trailer { out.append(contentsOf: "\(field.name):\(field.value)\r\n".utf8) }
            out.append(contentsOf: "x-amz-trailer-signature:\(chain.sign(trailer: trailer))\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        return out
    }
}
