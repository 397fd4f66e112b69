import CTrailNative
import Foundation

/// Whole-buffer gzip through libdeflate (faster than zlib for buffers already in memory).
public enum Gzip {
    /// Whether `data` starts with the gzip magic bytes.
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// Decompresses every member of a gzip stream.
    /// - Returns: `nil` when the data is corrupt or truncated, or would exceed `limit` bytes.
    public static func decompress(_ data: Data, limit: Int = 4 << 30) -> Data? {
        guard isCompressed(data) else { return nil }
        // ISIZE (the last member's size mod 2^32) is a good first guess.
        var capacity = max(data.count * 4, 1 << 16)
        if data.count >= 18 {
            let tail = data.suffix(4)
            let isize = tail.enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
            capacity = max(capacity, isize + 64)
        }
        while capacity <= limit {
            var out = Data(count: capacity)
            let n = data.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    tk_gunzip(src.baseAddress, src.count, dst.baseAddress, capacity)
                }
            }
            if n >= 0 {
                out.count = Int(n)
                return out
            }
            if n == -1 { return nil }
            capacity *= 2
        }
        return nil
    }

    /// Compresses as one gzip member.
    public static func compress(_ data: Data, level: Int = 6) -> Data? {
        let bound = tk_gzip_bound(data.count)
        var out = Data(count: bound)
        let n = data.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in tk_gzip(src.baseAddress, src.count, dst.baseAddress, bound, Int32(level)) }
        }
        guard n > 0 else { return nil }
        out.count = Int(n)
        return out
    }
}
