/// A pure-Swift inflater for the first member of a gzip stream, with zlib's outcomes: what the
/// CLI's `zlib.decompressobj(MAX_WBITS | 16)` and `zlib.decompress` see.
///
/// zlib decodes every complete symbol it has input for and stops without an error when the input
/// ends early; it reports an error only for bytes it can prove wrong (bad header, bad block,
/// CRC-32 or length mismatch, including the header CRC). Data after the first member is ignored.
/// ``GzipFirstMember`` uses this only when libdeflate's fast path cannot settle a file.
struct FirstMemberInflater {
    /// How decoding ended.
    enum Outcome: Sendable, Equatable {
        /// The member ended and its CRC-32 and length matched.
        case complete
        /// The input ended first; the output holds every complete symbol.
        case truncated
        /// zlib would raise `zlib.error` with this message.
        case corrupt(String)
        /// The output reached the caller's limit (probing only).
        case outputLimitReached
    }

    private enum Stop: Error {
        case truncated
        case corrupt(String)
        case outputLimit
    }

    private let input: [UInt8]
    private var position = 0
    private var bitBuffer: UInt32 = 0
    private var bitCount = 0
    private(set) var output: [UInt8] = []
    private let outputLimit: Int

    /// Decodes the first member of `input`, stopping early once `outputLimit` bytes are produced.
    static func inflate(_ input: [UInt8], outputLimit: Int = .max) -> (output: [UInt8], outcome: Outcome) {
        var inflater = FirstMemberInflater(input: input, outputLimit: outputLimit)
        let outcome: Outcome
        do throws(Stop) {
            try inflater.member()
            outcome = .complete
        } catch {
            switch error {
            case .truncated: outcome = .truncated
            case .corrupt(let message): outcome = .corrupt(message)
            case .outputLimit: outcome = .outputLimitReached
            }
        }
        return (inflater.output, outcome)
    }

    private init(input: [UInt8], outputLimit: Int) {
        self.input = input
        self.outputLimit = outputLimit
    }

    // MARK: bytes and bits

    private mutating func byte() throws(Stop) -> UInt8 {
        guard position < input.count else { throw .truncated }
        defer { position += 1 }
        return input[position]
    }

    private mutating func bits(_ need: Int) throws(Stop) -> UInt32 {
        while bitCount < need {
            bitBuffer |= UInt32(try byte()) << UInt32(bitCount)
            bitCount += 8
        }
        let value = bitBuffer & ((1 << UInt32(need)) - 1)
        bitBuffer = need == 32 ? 0 : bitBuffer >> UInt32(need)
        bitCount -= need
        return value
    }

    private mutating func emit(_ b: UInt8) throws(Stop) {
        output.append(b)
        if output.count >= outputLimit { throw .outputLimit }
    }

    // MARK: gzip framing

    private mutating func member() throws(Stop) {
        // zlib reads the magic and then method+flags as 16-bit units before judging them.
        let id1 = try byte(), id2 = try byte()
        guard id1 == 0x1F, id2 == 0x8B else { throw .corrupt("incorrect header check") }
        let method = try byte(), flags = try byte()
        guard method == 8 else { throw .corrupt("unknown compression method") }
        guard flags & 0xE0 == 0 else { throw .corrupt("unknown header flags set") }
        for _ in 0..<6 { _ = try byte() }  // MTIME, XFL, OS
        if flags & 0x04 != 0 {  // FEXTRA
            let length = Int(try byte()) | Int(try byte()) << 8
            for _ in 0..<length { _ = try byte() }
        }
        if flags & 0x08 != 0 { while try byte() != 0 {} }  // FNAME
        if flags & 0x10 != 0 { while try byte() != 0 {} }  // FCOMMENT
        if flags & 0x02 != 0 {  // FHCRC: low 16 bits of the CRC-32 of the header so far
            let expected = CRC32.checksum(input[0..<position]) & 0xFFFF
            let stored = UInt32(try byte()) | UInt32(try byte()) << 8
            guard stored == expected else { throw .corrupt("header crc mismatch") }
        }
        var isLast = false
        while !isLast {
            isLast = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock()
            case 1: try codes(Huffman.fixedLengths, Huffman.fixedDistances)
            case 2: try dynamicBlock()
            default: throw .corrupt("invalid block type")
            }
        }
        bitBuffer = 0  // the trailer starts at a byte boundary
        bitCount = 0
        var crc: UInt32 = 0
        for i in 0..<4 { crc |= UInt32(try byte()) << UInt32(8 * i) }
        guard crc == CRC32.checksum(output) else { throw .corrupt("incorrect data check") }
        var size: UInt32 = 0
        for i in 0..<4 { size |= UInt32(try byte()) << UInt32(8 * i) }
        guard size == UInt32(truncatingIfNeeded: output.count) else { throw .corrupt("incorrect length check") }
    }

    // MARK: blocks

    private mutating func storedBlock() throws(Stop) {
        bitBuffer = 0
        bitCount = 0
        let length = Int(try byte()) | Int(try byte()) << 8
        let complement = Int(try byte()) | Int(try byte()) << 8
        guard length == (~complement & 0xFFFF) else { throw .corrupt("invalid stored block lengths") }
        // zlib copies whatever part of the block is present.
        for _ in 0..<length { try emit(try byte()) }
    }

    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func dynamicBlock() throws(Stop) {
        let lengthCount = Int(try bits(5)) + 257
        let distanceCount = Int(try bits(5)) + 1
        let codeCount = Int(try bits(4)) + 4
        guard lengthCount <= 286, distanceCount <= 30 else { throw .corrupt("too many length or distance symbols") }
        var codeLengths = [UInt8](repeating: 0, count: 19)
        for i in 0..<codeCount { codeLengths[Self.codeLengthOrder[i]] = UInt8(try bits(3)) }
        guard let codeLengthCode = Huffman(lengths: codeLengths, kind: .codeLengths) else {
            throw .corrupt("invalid code lengths set")
        }
        var lengths = [UInt8](repeating: 0, count: lengthCount + distanceCount)
        var index = 0
        while index < lengths.count {
            let symbol = try decode(codeLengthCode, invalid: "invalid code lengths set")
            if symbol < 16 {
                lengths[index] = UInt8(symbol)
                index += 1
                continue
            }
            var value: UInt8 = 0
            let repeatCount: Int
            switch symbol {
            case 16:
                guard index > 0 else { throw .corrupt("invalid bit length repeat") }
                value = lengths[index - 1]
                repeatCount = 3 + Int(try bits(2))
            case 17: repeatCount = 3 + Int(try bits(3))
            default: repeatCount = 11 + Int(try bits(7))
            }
            guard index + repeatCount <= lengths.count else { throw .corrupt("invalid bit length repeat") }
            for _ in 0..<repeatCount {
                lengths[index] = value
                index += 1
            }
        }
        guard lengths[256] != 0 else { throw .corrupt("invalid code -- missing end-of-block") }
        guard let lengthCode = Huffman(lengths: Array(lengths[0..<lengthCount]), kind: .lengths) else {
            throw .corrupt("invalid literal/lengths set")
        }
        guard let distanceCode = Huffman(lengths: Array(lengths[lengthCount...]), kind: .distances) else {
            throw .corrupt("invalid distances set")
        }
        try codes(lengthCode, distanceCode)
    }

    private static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    private static let lengthExtra: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    private static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    private static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    private mutating func codes(_ lengthCode: Huffman, _ distanceCode: Huffman) throws(Stop) {
        while true {
            let symbol = try decode(lengthCode, invalid: "invalid literal/length code")
            if symbol < 256 {
                try emit(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let l = symbol - 257
            guard l < 29 else { throw .corrupt("invalid literal/length code") }
            let length = Self.lengthBase[l] + Int(try bits(Self.lengthExtra[l]))
            let d = try decode(distanceCode, invalid: "invalid distance code")
            guard d < 30 else { throw .corrupt("invalid distance code") }
            let distance = Self.distanceBase[d] + Int(try bits(Self.distanceExtra[d]))
            guard distance <= output.count else { throw .corrupt("invalid distance too far back") }
            // Only a whole match is output, as zlib does when the input ends inside one.
            let start = output.count - distance
            for i in 0..<length { try emit(output[start + i]) }
        }
    }

    /// Decodes one symbol, bit by bit (canonical codes, as in zlib's `puff`).
    private mutating func decode(_ h: Huffman, invalid: String) throws(Stop) -> Int {
        if h.maximumLength == 0 {
            // zlib's table for an empty code consumes one bit, then reports the code invalid.
            _ = try bits(1)
            throw .corrupt(invalid)
        }
        var code = 0, first = 0, index = 0
        for length in 1...h.maximumLength {
            code |= Int(try bits(1))
            let count = Int(h.counts[length])
            if code - count < first { return Int(h.symbols[index + (code - first)]) }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw .corrupt(invalid)
    }
}

/// A canonical Huffman code in counts-and-symbols form.
struct Huffman: Sendable {
    enum Kind { case codeLengths, lengths, distances }

    var counts: [UInt16]
    var symbols: [UInt16]
    var maximumLength: Int

    /// Builds a code, or returns `nil` for a set zlib refuses: over-subscribed, or incomplete
    /// (except a lone one-bit code, or no code at all, for literal/length and distance codes).
    init?(lengths: [UInt8], kind: Kind) {
        var counts = [UInt16](repeating: 0, count: 16)
        for l in lengths { counts[Int(l)] += 1 }
        counts[0] = 0
        var maximum = 15
        while maximum >= 1 && counts[maximum] == 0 { maximum -= 1 }
        self.maximumLength = maximum
        var left = 1
        for length in 1...15 {
            left = left << 1 - Int(counts[length])
            if left < 0 { return nil }
        }
        if maximum == 0 {
            // No codes: zlib builds a table that fails on use (code lengths must have codes).
            if kind == .codeLengths { return nil }
        } else if left > 0 && (kind == .codeLengths || maximum != 1) {
            return nil
        }
        var offsets = [Int](repeating: 0, count: 16)
        for length in 1..<15 { offsets[length + 1] = offsets[length] + Int(counts[length]) }
        var symbols = [UInt16](repeating: 0, count: lengths.count)
        for (symbol, l) in lengths.enumerated() where l != 0 {
            symbols[offsets[Int(l)]] = UInt16(symbol)
            offsets[Int(l)] += 1
        }
        self.counts = counts
        self.symbols = symbols
    }

    static let fixedLengths: Huffman = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        return Huffman(lengths: lengths, kind: .lengths)!
    }()

    /// Thirty-two five-bit codes, of which 30 and 31 are invalid when decoded, as in zlib.
    static let fixedDistances = Huffman(lengths: [UInt8](repeating: 5, count: 32), kind: .distances)!
}

/// CRC-32 (IEEE 802.3, reflected), as gzip uses it.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32 of `bytes`.
    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
