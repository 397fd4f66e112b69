import Crypto
import Foundation

/// S3's flexible checksums (`x-amz-checksum-<algorithm>`, base64 of the big-endian digest), which
/// botocore ≥ 1.36 sends with every upload: S3 refuses a body that does not match, and so do we.
enum S3Checksum: String, CaseIterable {
    case crc32
    case crc32c
    case crc64nvme
    case sha1
    case sha256

    /// `x-amz-checksum-crc32`, …
    var headerName: String { "x-amz-checksum-" + rawValue }

    /// S3's spelling in messages (`CRC32`, …).
    var displayName: String { rawValue.uppercased() }

    /// The base64 digest of `data`.
    func digest(_ data: Data) -> String {
        switch self {
        case .crc32: Self.bigEndian(CRC32Table.ieee.checksum(data), bytes: 4)
        case .crc32c: Self.bigEndian(CRC32Table.castagnoli.checksum(data), bytes: 4)
        case .crc64nvme: Self.bigEndian(CRC64NVME.checksum(data), bytes: 8)
        case .sha1: Data(Insecure.SHA1.hash(data: data)).base64EncodedString()
        case .sha256: Data(SHA256.hash(data: data)).base64EncodedString()
        }
    }

    static func bigEndian(_ value: UInt64, bytes: Int) -> String {
        Data((0..<bytes).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }).base64EncodedString()
    }
}

/// A reflected CRC-32 with a 256-entry table.
struct CRC32Table: Sendable {
    let table: [UInt32]

    static let ieee = CRC32Table(polynomial: 0xEDB8_8320)
    static let castagnoli = CRC32Table(polynomial: 0x82F6_3B78)

    init(polynomial: UInt32) {
        table = (0..<256).map { i -> UInt32 in
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ polynomial : c >> 1 }
            return c
        }
    }

    func checksum(_ data: Data) -> UInt64 {
        var crc: UInt32 = 0xFFFF_FFFF
        data.withUnsafeBytes { raw in
            table.withUnsafeBufferPointer { t in
                for byte in raw { crc = t[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            }
        }
        return UInt64(crc ^ 0xFFFF_FFFF)
    }
}

/// CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), S3's `CRC64NVME`.
enum CRC64NVME {
    static let table: [UInt64] = (0..<256).map { i -> UInt64 in
        var c = UInt64(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x9A6C_9329_AC4B_C9B5 : c >> 1 }
        return c
    }

    static func checksum(_ data: Data) -> UInt64 {
        var crc: UInt64 = ~0
        data.withUnsafeBytes { raw in
            table.withUnsafeBufferPointer { t in
                for byte in raw { crc = t[Int((crc ^ UInt64(byte)) & 0xFF)] ^ (crc >> 8) }
            }
        }
        return ~crc
    }
}
