import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A record's raw JSON bytes, for the substring prefilter.
///
/// A term such as `$.userIdentity.type = "Root"` can only match when the bytes `Root` occur in the
/// record. The check is sound only when the producer escapes nothing it need not escape, so it is
/// skipped for records containing a `\u` escape, and for needles with characters JSON may escape
/// (`"`, `\`, `/`, control characters).
struct RawText {
    let data: Data
    let hasUnicodeEscapes: Bool

    init(_ data: Data) {
        self.data = data
        self.hasUnicodeEscapes = Self.find(Array("\\u".utf8), in: data)
    }

    /// `false` when `needle` certainly does not occur; `nil` when it may.
    func excludes(anyOf needles: [[UInt8]]) -> Bool {
        guard !hasUnicodeEscapes, !needles.isEmpty else { return false }
        return !needles.contains { Self.find($0, in: data) }
    }

    static func find(_ needle: [UInt8], in data: Data) -> Bool {
        data.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { n in
                // memchr for the first byte, then memcmp (memmem is not exported by Glibc's module map).
                guard let base = haystack.baseAddress, let nbase = n.baseAddress, n.count > 0,
                    haystack.count >= n.count
                else { return false }
                let first = Int32(n[0])
                var offset = 0
                let last = haystack.count - n.count
                while offset <= last {
                    guard let hit = memchr(base + offset, first, last - offset + 1) else { return false }
                    let position = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + position, nbase, n.count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }

    /// The bytes of `text` as a needle, or `nil` when JSON might spell it differently.
    static func needle(_ text: some StringProtocol) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C && $0 != 0x2F }) else {
            return nil
        }
        return bytes
    }
}
