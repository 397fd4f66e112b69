import Crypto
import Foundation
import TrailModel

/// Time and encoding formats of S3 responses.
enum S3Time {
    /// `2024-05-01T10:00:00.000Z` (listings).
    static func iso(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = ms / 1000
        let text = EventTime.format(seconds)
        return String(text.dropLast()) + String(format: ".%03dZ", Int(ms % 1000))
    }

    /// `Wed, 01 May 2024 10:00:00 GMT` (Last-Modified).
    static func rfc1123(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    /// S3's `encoding-type=url`: everything but unreserved characters and `/` percent-encoded.
    static func urlEncode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func md5(_ data: Data) -> Data { Data(Insecure.MD5.hash(data: data)) }
}

/// Decodes `Content-Encoding: aws-chunked` bodies (signed or unsigned chunks, optional trailers).
enum AWSChunked {
    static func decode(_ data: Data) -> Data? {
        let bytes = [UInt8](data)
        var out = Data()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            // Chunk header: hex size [;chunk-signature=…] CRLF
            guard let lineEnd = find(bytes, from: i) else { return nil }
            let header = String(decoding: bytes[i..<lineEnd], as: UTF8.self)
            let sizeText = header.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            i = lineEnd + 2
            if size == 0 { return out }  // trailers (checksums) may follow; the body is complete
            guard i + size + 2 <= bytes.count else { return nil }
            out.append(contentsOf: bytes[i..<(i + size)])
            i += size
            guard bytes[i] == 13, bytes[i + 1] == 10 else { return nil }
            i += 2
        }
        return nil
    }

    static func find(_ bytes: [UInt8], from start: Int) -> Int? {
        var j = start
        while j + 1 < bytes.count {
            if bytes[j] == 13 && bytes[j + 1] == 10 { return j }
            j += 1
        }
        return nil
    }
}
