import Foundation

/// Consecutive records of a log file, as ``LogFileRecordStream`` yields them.
public struct LogFileRecordBatch: Sendable {
    /// The index of `results[0]` in the file; `results[i]` is record `firstIndex + i`.
    public var firstIndex: Int
    /// Each record parsed, or rejected with a reason.
    public var results: [Result<AuditRecord, RecordRejection>]
    /// The reader's statistics after this batch (uncompressed bytes, buffer high-water mark).
    public var statistics: LogFileRecordReader.Statistics
}

/// The records of one CloudTrail log file, read from a sequence of byte chunks in bounded memory.
///
/// The chunks may come from an S3 GET response or a local file (see
/// ``init(contentsOfFile:chunkSize:configuration:batchSize:)``) and may be of any size. The
/// file may be gzip (one or more members) or plain text, and hold `{"Records":[…]}`, a bare
/// array or JSON lines. Memory stays bounded by one chunk, one uncompressed slice, the largest
/// record and one batch: a 1 GB file is read like a 1 MB one.
///
/// ```swift
/// for try await batch in LogFileRecordStream(contentsOfFile: path) {
///     for case .success(let record) in batch.results { … }
/// }
/// ```
///
/// Iteration throws ``LogFileStreamError`` when the file is corrupt, truncated or not a
/// CloudTrail document, after yielding the records that precede the problem.
public struct LogFileRecordStream<Chunks: AsyncSequence>: AsyncSequence where Chunks.Element: DataProtocol {
    public typealias Element = LogFileRecordBatch

    let chunks: Chunks
    let configuration: LogFileRecordReader.Configuration
    let batchSize: Int

    /// - Parameters:
    ///   - chunks: the file's bytes in order.
    ///   - configuration: record size limit and slice size.
    ///   - batchSize: about how many records each batch holds.
    public init(
        chunks: Chunks, configuration: LogFileRecordReader.Configuration = .init(), batchSize: Int = 512
    ) {
        self.chunks = chunks
        self.configuration = configuration
        self.batchSize = Swift.max(1, batchSize)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(
            source: chunks.makeAsyncIterator(), reader: LogFileRecordReader(configuration: configuration),
            batchSize: batchSize)
    }

    /// Pulls chunks only when the reader has no records left from the previous ones.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var source: Chunks.AsyncIterator
        let reader: LogFileRecordReader
        let batchSize: Int
        var isSourceDone = false
        var isDone = false

        public mutating func next() async throws -> LogFileRecordBatch? {
            guard !isDone else { return nil }
            while true {
                try Task.checkCancellation()
                let first = reader.nextIndex
                let results: [Result<AuditRecord, RecordRejection>]
                do {
                    results = try reader.read(upTo: batchSize)
                } catch {
                    isDone = true
                    throw error
                }
                if !results.isEmpty {
                    return LogFileRecordBatch(firstIndex: first, results: results, statistics: reader.statistics)
                }
                if isSourceDone {
                    isDone = true
                    return nil
                }
                if let chunk = try await source.next() {
                    reader.append(chunk as? Data ?? Data(chunk))
                } else {
                    isSourceDone = true
                    reader.finishInput()
                }
            }
        }
    }
}

extension LogFileRecordStream where Chunks == FileChunks {
    /// The records of a local log file, read in chunks of `chunkSize` bytes (1 MiB by default).
    public init(
        contentsOfFile path: String, chunkSize: Int = 1 << 20,
        configuration: LogFileRecordReader.Configuration = .init(), batchSize: Int = 512
    ) {
        self.init(chunks: FileChunks(path: path, chunkSize: chunkSize), configuration: configuration, batchSize: batchSize)
    }
}

/// A local file's bytes as a sequence of chunks.
public struct FileChunks: AsyncSequence, Sendable {
    public typealias Element = Data

    public let path: String
    public let chunkSize: Int

    public init(path: String, chunkSize: Int = 1 << 20) {
        self.path = path
        self.chunkSize = Swift.max(1, chunkSize)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(path: path, chunkSize: chunkSize)
    }

    /// Opens the file on the first `next()`; closes it at the end (or when released).
    public struct AsyncIterator: AsyncIteratorProtocol {
        let path: String
        let chunkSize: Int
        var handle: FileHandle?
        var isDone = false

        public mutating func next() async throws -> Data? {
            guard !isDone else { return nil }
            if handle == nil {
                handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            }
            guard let handle else { return nil }
            let data = try handle.read(upToCount: chunkSize) ?? Data()
            if data.isEmpty {
                try handle.close()
                self.handle = nil
                isDone = true
                return nil
            }
            return data
        }
    }
}
