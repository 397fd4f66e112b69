import CTrailNative
import Foundation

/// Cuts a CloudTrail log file into records as its bytes arrive, in bounded memory.
///
/// The reader takes the file in chunks of any size (``append(_:)``), gunzips them when the
/// file is gzip (every member of a multi-member stream), finds the records of a
/// `{"Records":[…]}` document (other keys may come before or after `Records`), a bare array,
/// or JSON lines, and parses each record with ``RecordParser``. It holds at most one slice of
/// uncompressed text plus the record being cut: a record longer than
/// ``Configuration/maximumRecordSize`` is skipped and reported as rejected, never buffered.
/// ``LogFileRecordStream`` wraps it as an `AsyncSequence`.
///
/// Not thread-safe: one reader per file and task.
public final class LogFileRecordReader {
    /// Limits of a reader.
    public struct Configuration: Sendable {
        /// The largest record kept, in bytes (CloudTrail caps delivered events at 256 KB).
        public var maximumRecordSize: Int
        /// How many uncompressed bytes are produced and scanned at a time.
        public var sliceSize: Int

        public init(maximumRecordSize: Int = 256 * 1024, sliceSize: Int = 256 * 1024) {
            self.maximumRecordSize = max(1, maximumRecordSize)
            self.sliceSize = max(1, sliceSize)
        }
    }

    /// What a reader has done so far.
    public struct Statistics: Sendable, Hashable {
        /// Uncompressed bytes produced (the JSON text's size once the file is read).
        public var uncompressedBytes: UInt64 = 0
        /// Records cut so far (stored or rejected).
        public var records = 0
        /// The most bytes of text the reader held at once: its memory high-water mark,
        /// not counting the caller's current chunk and the records handed out.
        public var maxBufferedBytes = 0
    }

    public let configuration: Configuration
    public private(set) var statistics = Statistics()

    private let parser: RecordParser
    private let inflater = StreamingInflater()
    private var scanner = tk_scanner()
    private static let eventCapacity = 256
    private let events: UnsafeMutablePointer<tk_scan_event>
    /// Uncompressed text: `window[0..<windowCount]` is the stream's `windowStart...`.
    private let window: UnsafeMutableRawPointer
    private let windowCapacity: Int
    private var windowStart: UInt64 = 0
    private var windowCount = 0
    private var scanPosition = 0
    private var input = Data()
    private var inputPosition = 0
    private var isInputFinished = false
    private var isEndChecked = false
    private var failure: LogFileStreamError?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.parser = RecordParser(maximumRecordSize: configuration.maximumRecordSize)
        // A kept partial record (at most the maximum) plus one fresh slice; padding for simdjson-style readers.
        self.windowCapacity = configuration.maximumRecordSize + configuration.sliceSize + 64
        self.window = UnsafeMutableRawPointer.allocate(byteCount: windowCapacity, alignment: 64)
        self.events = UnsafeMutablePointer<tk_scan_event>.allocate(capacity: Self.eventCapacity)
        tk_scanner_reset(&scanner, UInt64(configuration.maximumRecordSize))
    }

    deinit {
        window.deallocate()
        events.deallocate()
    }

    /// The index the next record will get.
    public var nextIndex: Int { statistics.records }

    /// Adds the next chunk of the file. The reader keeps a reference to it until it is read.
    public func append(_ chunk: Data) {
        precondition(!isInputFinished, "append(_:) after finishInput()")
        if inputPosition < input.count {
            input = input.subdata(in: input.startIndex + inputPosition..<input.endIndex) + chunk
        } else {
            input = chunk
        }
        inputPosition = 0
    }

    /// Declares that no more chunks follow: the next reads check that the file is complete.
    public func finishInput() {
        isInputFinished = true
    }

    /// Reads the next records from the chunks appended so far.
    ///
    /// - Parameter maxCount: stop after about this many records (bounds the memory of a batch).
    /// - Returns: the next records in file order, each parsed or rejected with a reason. An empty
    ///   array means that the reader needs another chunk, or, after ``finishInput()``, that the
    ///   file has ended.
    /// - Throws: ``LogFileStreamError`` when the file is corrupt, truncated or not a CloudTrail
    ///   document, but only after the records before the problem have been returned.
    public func read(upTo maxCount: Int = 512) throws -> [Result<AuditRecord, RecordRejection>] {
        if let failure { throw failure }
        var results: [Result<AuditRecord, RecordRejection>] = []
        do {
            while results.count < maxCount {
                if scanPosition < windowCount {
                    try scan(into: &results, upTo: maxCount)
                    continue
                }
                compact()
                let (used, produced) = try fill()
                if used > 0 || produced > 0 { continue }
                if isInputFinished && !isEndChecked {
                    isEndChecked = true
                    try checkEnd(into: &results)
                }
                break
            }
        } catch let error as LogFileStreamError {
            failure = error
            if results.isEmpty { throw error }
        }
        return results
    }

    // MARK: - Internals

    private func fill() throws -> (used: Int, produced: Int) {
        let room = min(windowCapacity - 64 - windowCount, configuration.sliceSize)
        let output = UnsafeMutableRawBufferPointer(start: window + windowCount, count: room)
        let result = try input.withUnsafeBytes { buffer in
            try inflater.inflate(UnsafeRawBufferPointer(rebasing: buffer[inputPosition...]), into: output)
        }
        inputPosition += result.used
        if inputPosition == input.count, inputPosition > 0 {
            input = Data()
            inputPosition = 0
        }
        windowCount += result.produced
        statistics.uncompressedBytes += UInt64(result.produced)
        statistics.maxBufferedBytes = max(statistics.maxBufferedBytes, windowCount)
        return result
    }

    /// Drops the scanned text except the record being cut (or all of it when that record is too long).
    private func compact() {
        if scanner.in_record != 0 && scanner.oversized == 0 {
            let keepFrom = Int(scanner.record_start - windowStart)
            let keep = windowCount - keepFrom
            if keep > configuration.maximumRecordSize {
                scanner.oversized = 1
            } else {
                if keepFrom > 0 {
                    window.copyMemory(from: window + keepFrom, byteCount: keep)
                    windowStart += UInt64(keepFrom)
                    windowCount = keep
                    scanPosition = keep
                }
                return
            }
        }
        windowStart += UInt64(windowCount)
        windowCount = 0
        scanPosition = 0
    }

    private func scan(into results: inout [Result<AuditRecord, RecordRejection>], upTo maxCount: Int) throws {
        var consumed = 0
        let count = tk_scan(
            &scanner, (window + scanPosition).assumingMemoryBound(to: UInt8.self), windowCount - scanPosition,
            events, min(Self.eventCapacity, max(1, maxCount - results.count)), &consumed)
        scanPosition += consumed
        guard count >= 0 else { throw scanError(count) }
        for i in 0..<count {
            results.append(record(events[i]))
        }
    }

    private func record(_ event: tk_scan_event) -> Result<AuditRecord, RecordRejection> {
        let index = statistics.records
        statistics.records += 1
        let length = Int(event.end - event.start)
        let limit = configuration.maximumRecordSize
        guard event.oversized == 0, length <= limit else {
            return .failure(RecordRejection(index: index, reason: "record is \(length) bytes; the limit is \(limit)"))
        }
        let raw = Data(bytes: window + Int(event.start - windowStart), count: length)
        return parser.record(raw, index: index)
    }

    private func checkEnd(into results: inout [Result<AuditRecord, RecordRejection>]) throws {
        if let byte = try inflater.finish() {
            (window + windowCount).storeBytes(of: byte, as: UInt8.self)
            windowCount += 1
            statistics.uncompressedBytes += 1
            try scan(into: &results, upTo: Int.max)
        }
        let status = tk_scan_finish(&scanner)
        if status < 0 { throw scanError(status) }
    }

    private func scanError(_ code: Int) -> LogFileStreamError {
        let offset = scanner.error_offset
        switch code {
        case TK_SCAN_NOT_JSON:
            return LogFileStreamError(
                code: .notJSON, offset: offset,
                message: "not a CloudTrail JSON document: expected '{' or '[' at byte offset \(offset)")
        case TK_SCAN_BAD_ARRAY:
            return LogFileStreamError(
                code: .malformedArray, offset: offset,
                message: "malformed record array: expected ',' or ']' at byte offset \(offset)")
        case TK_SCAN_RECORDS_NOT_ARRAY:
            return LogFileStreamError(
                code: .recordsNotArray, offset: offset,
                message: "not a CloudTrail JSON document: Records is not an array (byte offset \(offset))")
        default:
            return LogFileStreamError(
                code: .truncatedJSON, offset: offset,
                message: "truncated JSON: the text ends inside a document at byte offset \(offset)")
        }
    }
}
