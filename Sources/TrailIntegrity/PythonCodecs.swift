/// Python's `base64.b64decode` and `binascii.unhexlify`, with their error messages: the CLI reports
/// those messages verbatim when a public key value or a signature does not decode.
enum PythonCodecs {
    /// A decoding failure with Python's message.
    struct DecodingError: Error, Sendable, Equatable {
        var message: String
    }

    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(c)] = UInt8(i)
        }
        return table
    }()

    /// `base64.b64decode(text)` (non-strict): characters outside the alphabet are skipped, and
    /// decoding stops at the padding that completes a quantum.
    static func base64Decode(_ text: String) throws(DecodingError) -> [UInt8] {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            throw DecodingError(message: "string argument should contain only ASCII characters")
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var quadPosition = 0
        var pads = 0
        var left: UInt8 = 0
        for c in text.utf8 {
            if c == UInt8(ascii: "=") {
                if quadPosition >= 2 {
                    pads += 1
                    if quadPosition + pads >= 4 { return out }
                }
                continue
            }
            let v = base64Values[Int(c)]
            if v == 0xFF { continue }
            pads = 0
            switch quadPosition {
            case 0:
                quadPosition = 1
                left = v
            case 1:
                quadPosition = 2
                out.append(left << 2 | v >> 4)
                left = v & 0x0F
            case 2:
                quadPosition = 3
                out.append(left << 4 | v >> 2)
                left = v & 0x03
            default:
                quadPosition = 0
                out.append(left << 6 | v)
                left = 0
            }
        }
        if quadPosition == 1 {
            throw DecodingError(
                message: "Invalid base64-encoded string: number of data characters (\(out.count / 3 * 4 + 1)) "
                    + "cannot be 1 more than a multiple of 4"
            )
        }
        if quadPosition != 0 { throw DecodingError(message: "Incorrect padding") }
        return out
    }

    /// `binascii.unhexlify(text)`; either case of hex digits.
    static func hexDecode(_ text: String) throws(DecodingError) -> [UInt8] {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            throw DecodingError(message: "string argument should contain only ASCII characters")
        }
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { throw DecodingError(message: "Odd-length string") }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = value(chars[i]), let lo = value(chars[i + 1]) else {
                throw DecodingError(message: "Non-hexadecimal digit found")
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
