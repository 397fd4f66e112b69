import Crypto

/// Lowercase hex SHA-256, as SigV4 and digests need it.
enum SHA256Hex {
    static let digits = Array("0123456789abcdef".utf8)

    static func of(_ bytes: UnsafeRawBufferPointer) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hex<D: Sequence<UInt8>>(_ digest: D) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
