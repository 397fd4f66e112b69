import CTrailNative
import Foundation

/// The format of a sealed block of raw records (plan §2.2): a little-endian header `u32 count`,
/// `u32 uncompressedSize`, then `count + 1` u32 offsets into the uncompressed payload, then the payload
/// (the records one after the other) as one raw deflate stream.
enum LakeRawBlock {
    /// Compresses `records` at `level`.
    static func seal(_ records: [Data], level: Int) -> Data? {
        var payload = Data()
        payload.reserveCapacity(records.reduce(0) { $0 + $1.count })
        var header = Data()
        func put(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        put(UInt32(records.count))
        let total = records.reduce(0) { $0 + $1.count }
        put(UInt32(total))
        var offset: UInt32 = 0
        for record in records {
            put(offset)
            offset += UInt32(record.count)
            payload.append(record)
        }
        put(offset)
        let bound = tk_lake_deflate_bound(payload.count)
        var compressed = Data(count: bound)
        let size = compressed.withUnsafeMutableBytes { out in
            payload.withUnsafeBytes { input in
                tk_lake_deflate(input.baseAddress, input.count, out.baseAddress, bound, Int32(level))
            }
        }
        guard size >= 0 else { return nil }
        return header + compressed.prefix(Int(size))
    }

    /// A decompressed block: the payload and the offsets of its records.
    struct Opened {
        var payload: [UInt8]
        var offsets: [Int]

        /// The bytes of the `index`-th record.
        func record(_ index: Int) -> ArraySlice<UInt8>? {
            guard index >= 0, index + 1 < offsets.count else { return nil }
            return payload[offsets[index]..<offsets[index + 1]]
        }
    }

    /// Decompresses a block, or nil when it is corrupt.
    static func open(_ block: UnsafeRawBufferPointer) -> Opened? {
        func u32(_ at: Int) -> Int? {
            guard at + 4 <= block.count else { return nil }
            var value: UInt32 = 0
            withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: block[at..<at + 4])) }
            return Int(UInt32(littleEndian: value))
        }
        guard let count = u32(0), let size = u32(4) else { return nil }
        var offsets: [Int] = []
        offsets.reserveCapacity(count + 1)
        for index in 0...count {
            guard let offset = u32(8 + 4 * index), offset <= size else { return nil }
            offsets.append(offset)
        }
        let start = 8 + 4 * (count + 1)
        guard start <= block.count else { return nil }
        var payload = [UInt8](repeating: 0, count: size)
        let result = payload.withUnsafeMutableBytes { out in
            tk_lake_inflate(block.baseAddress! + start, block.count - start, out.baseAddress, size)
        }
        guard result == 0 || size == 0 else { return nil }
        return Opened(payload: payload, offsets: offsets)
    }
}
