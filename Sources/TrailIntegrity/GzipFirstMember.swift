import Foundation
import TrailModel

/// Gunzips the first member of a gzip stream, as the CLI's zlib calls do: later members and
/// trailing bytes are ignored, and a stream cut short yields what was decoded so far.
///
/// The fast path is libdeflate over the whole buffer (TrailModel's ``Gzip``), which decodes every
/// member. Its result is used only when it provably equals the first member: the last four bytes
/// (the first member's ISIZE when there is one member) equal the output size, and the first
/// member is not empty (checked by decoding up to its first byte). A later member could only
/// match that size if every member after the first were empty, which leaves the output unchanged.
/// A header CRC (FHCRC), which libdeflate does not check but zlib does, and every stream libdeflate
/// refuses go through ``FirstMemberInflater``.
enum GzipFirstMember {
    /// The decoded bytes and how decoding ended.
    struct Inflated: Sendable {
        var bytes: Data
        var outcome: FirstMemberInflater.Outcome
    }

    /// Decodes the first member of `data`.
    static func inflate(_ data: Data) -> Inflated {
        if let fast = fastPath(data) { return Inflated(bytes: fast, outcome: .complete) }
        let (bytes, outcome) = FirstMemberInflater.inflate(Array(data))
        return Inflated(bytes: Data(bytes), outcome: outcome)
    }

    private static func fastPath(_ data: Data) -> Data? {
        let s = data.startIndex
        guard data.count >= 20, data[s] == 0x1F, data[s + 1] == 0x8B, data[s + 2] == 8, data[s + 3] & 0x02 == 0,
            let all = Gzip.decompress(data)
        else { return nil }
        let e = data.endIndex
        let size =
            UInt32(data[e - 4]) | UInt32(data[e - 3]) << 8 | UInt32(data[e - 2]) << 16 | UInt32(data[e - 1]) << 24
        guard size == UInt32(truncatingIfNeeded: all.count) else { return nil }
        // Every member was empty: so was the first.
        if all.isEmpty { return all }
        let probe = FirstMemberInflater.inflate(Array(data.prefix(64 * 1024)), outputLimit: 1)
        return probe.outcome == .outputLimitReached ? all : nil
    }
}
