import CTrailNative

/// Incremental gunzip of every member of a gzip stream, or a pass-through for plain text.
///
/// The first two bytes decide: the gzip magic `1f 8b` selects zlib, anything else is copied
/// through. Not thread-safe.
final class StreamingInflater {
    private enum Format { case undecided, gzip, plain }

    private var format = Format.undecided
    private var inflater: OpaquePointer?
    /// The first byte when it arrived alone (the magic is two bytes long).
    private var firstByte: UInt8?

    init() {}

    deinit {
        if let inflater { tk_inflater_destroy(inflater) }
    }

    /// Whether the input is gzip (false until two bytes have been seen, and for plain text).
    var isGzip: Bool { format == .gzip }

    /// Moves bytes from `input` into `output`.
    ///
    /// - Returns: the number of input bytes used and output bytes produced. Fewer than
    ///   `output.count` bytes produced with input left over never happens; no output with all
    ///   input used means the call needs more input.
    /// - Throws: ``LogFileStreamError`` (``LogFileStreamError/Code/corruptGzip``).
    func inflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws -> (used: Int, produced: Int) {
        guard format == .undecided else { return try step(input, output) }
        guard !input.isEmpty, !output.isEmpty else { return (0, 0) }
        guard let first = firstByte else {
            guard input.count >= 2 else {
                firstByte = input[0]
                return (1, 0)
            }
            decide(input[0], input[1])
            return try step(input, output)
        }
        // The first byte arrived alone in an earlier call.
        firstByte = nil
        decide(first, input[0])
        var rest = output
        var produced = 0
        if format == .gzip {
            var byte = first
            _ = try withUnsafeBytes(of: &byte) { try step($0, output) }
        } else {
            output[0] = first
            produced = 1
            rest = UnsafeMutableRawBufferPointer(rebasing: output[1...])
        }
        let (used, more) = try step(input, rest)
        return (used, produced + more)
    }

    private func decide(_ first: UInt8, _ second: UInt8) {
        if first == 0x1f && second == 0x8b {
            format = .gzip
            inflater = tk_inflater_create()
        } else {
            format = .plain
        }
    }

    private func step(
        _ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer
    ) throws -> (Int, Int) {
        switch format {
        case .undecided:
            return (0, 0)
        case .plain:
            let n = min(input.count, output.count)
            if n > 0, let src = input.baseAddress, let dst = output.baseAddress {
                dst.copyMemory(from: src, byteCount: n)
            }
            return (n, n)
        case .gzip:
            guard let inflater else {
                throw LogFileStreamError(code: .corruptGzip, offset: 0, message: "gzip: out of memory")
            }
            var used = 0
            var produced = 0
            let status = tk_inflate(
                inflater, input.baseAddress, input.count, &used, output.baseAddress, output.count, &produced)
            guard status == 0 else {
                let reason = String(cString: tk_inflater_message(inflater))
                let offset = tk_inflater_total_in(inflater)
                throw LogFileStreamError(
                    code: .corruptGzip, offset: offset,
                    message: "corrupt gzip data near compressed byte offset \(offset): \(reason)")
            }
            return (used, produced)
        }
    }

    /// Checks that the input ended at a gzip member boundary.
    ///
    /// - Returns: a lone first byte still held back (plain text of one byte), if any.
    /// - Throws: ``LogFileStreamError`` (``LogFileStreamError/Code/truncatedGzip``).
    func finish() throws -> UInt8? {
        if format == .undecided {
            format = .plain
            defer { firstByte = nil }
            return firstByte
        }
        if format == .gzip, let inflater, tk_inflater_is_complete(inflater) == 0 {
            let offset = tk_inflater_total_in(inflater)
            throw LogFileStreamError(
                code: .truncatedGzip, offset: offset,
                message: "truncated gzip data: the input ends inside a gzip member at compressed byte offset \(offset)")
        }
        return nil
    }
}
