import Foundation

/// Decodes `Content-Encoding: aws-chunked` bodies: `<hex size>[;ext]\r\n<bytes>\r\n` … `0[;ext]\r\n`,
/// then trailer lines (`x-amz-checksum-crc32:…`) and an empty line.
///
/// Each chunk's `chunk-signature` extension is kept with the chunk, and the trailer fields in the order
/// they came, so that a body sent in signed chunks can be verified (``S3Authentication``); the decoder
/// itself checks only the framing.
struct AWSChunkedBody {
    /// One chunk: where its bytes are in ``payload``, and its `chunk-signature`, if it had one.
    struct Chunk {
        var range: Range<Int>
        var signature: String?
    }

    var payload: Data
    /// Every chunk, the empty last one included.
    var chunks: [Chunk]
    /// Trailer fields in the order sent, names lowercased, values trimmed.
    var trailerFields: [(name: String, value: String)]

    /// Trailer fields by name (the first of each).
    var trailers: [String: String] {
        var out: [String: String] = [:]
        for field in trailerFields where out[field.name] == nil { out[field.name] = field.value }
        return out
    }

    /// Nil when `bytes` is not a complete aws-chunked body.
    init?(_ bytes: UnsafeRawBufferPointer, expectedLength: Int?) {
        var payload = Data()
        payload.reserveCapacity(expectedLength ?? bytes.count)
        var chunks: [Chunk] = []
        var i = 0
        func line() -> Substring? {
            var j = i
            while j + 1 < bytes.count {
                if bytes[j] == 13 && bytes[j + 1] == 10 {
                    let text = Substring(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<j]), as: UTF8.self)
                    i = j + 2
                    return text
                }
                j += 1
            }
            return nil
        }
        while true {
            guard let header = line() else { return nil }
            let parts = header.split(separator: ";", omittingEmptySubsequences: false)
            guard let size = Int(parts[0].trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else { return nil }
            var signature: String?
            for extensionText in parts.dropFirst() {
                let pair = extensionText.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == "chunk-signature" {
                    signature = pair[1].trimmingCharacters(in: .whitespaces)
                }
            }
            let start = payload.count
            if size == 0 {
                chunks.append(Chunk(range: start..<start, signature: signature))
                break
            }
            guard size <= bytes.count - i - 2, bytes[i + size] == 13, bytes[i + size + 1] == 10 else { return nil }
            payload.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + size)]))
            chunks.append(Chunk(range: start..<payload.count, signature: signature))
            i += size + 2
        }
        var fields: [(name: String, value: String)] = []
        while i < bytes.count, let field = line(), !field.isEmpty {
            guard let colon = field.firstIndex(of: ":") else { return nil }
            fields.append(
                (field[..<colon].lowercased(), field[field.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        self.payload = payload
        self.chunks = chunks
        self.trailerFields = fields
    }
}
