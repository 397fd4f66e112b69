import Foundation
import Synchronization

/// Appends a query's result rows to its `.rows` file (see ``ResultSpool``), from whatever thread the executor
/// calls back on, and makes them visible to GetQueryResults while the query runs.
public final class ResultSpoolWriter: Sendable {
    private struct State {
        var fd: Int32
        var buffer: [UInt8] = []
        /// Rows appended (buffered or written).
        var rows = 0
        /// Bytes appended (buffered or written).
        var bytes: Int64 = 0
        /// Bytes written to the file.
        var written: Int64 = 0
        /// Offset of every ``ResultSpool/stride``-th row.
        var index: [Int64] = []
        var cellBytes = 0
        var limitMessage: String?
        var isClosed = false
    }

    private let state: Mutex<State>
    private let indexPath: String
    private let maxRows: Int
    private let maxBytes: Int

    init(rowsPath: String, indexPath: String, maxRows: Int, maxBytes: Int) throws {
        let fd = open(rowsPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ResultSpoolError.io("cannot create \(rowsPath)") }
        unlink(indexPath)
        self.state = Mutex(State(fd: fd))
        self.indexPath = indexPath
        self.maxRows = maxRows
        self.maxBytes = maxBytes
    }

    deinit {
        state.withLock { s in
            if !s.isClosed { close(s.fd) }
        }
    }

    /// Appends one row (nil = SQL NULL).
    /// - Throws: ``ResultSpoolError/limitExceeded(_:)`` when the row would pass the row or byte cap; nothing is
    ///   written then and every later append fails the same way.
    public func append(_ row: [String?]) throws {
        try state.withLock { s in
            if let message = s.limitMessage { throw ResultSpoolError.limitExceeded(message) }
            guard !s.isClosed else { throw ResultSpoolError.io("the rows file is closed") }
            let size = row.reduce(0) { $0 + ($1?.utf8.count ?? 0) }
            if s.rows + 1 > maxRows {
                s.limitMessage = "Query results exceed the maximum of \(maxRows) rows"
            } else if s.cellBytes + size > maxBytes {
                s.limitMessage = "Query results exceed the maximum size of \(maxBytes) bytes"
            }
            if let message = s.limitMessage { throw ResultSpoolError.limitExceeded(message) }
            if s.rows % ResultSpool.stride == 0 { s.index.append(s.bytes) }
            let before = s.buffer.count
            for cell in row {
                if let cell {
                    let utf8 = cell.utf8
                    Self.appendVarint(UInt64(utf8.count) + 1, to: &s.buffer)
                    s.buffer.append(contentsOf: utf8)
                } else {
                    s.buffer.append(0)
                }
            }
            s.rows += 1
            s.cellBytes += size
            s.bytes += Int64(s.buffer.count - before)
            if s.buffer.count >= 1 << 16 { try Self.flush(&s) }
        }
    }

    /// The limit message, once a cap was hit.
    public var limitMessage: String? { state.withLock { $0.limitMessage } }

    /// Writes what is buffered and returns how far the file is complete, with the index so far.
    public func visibleExtent() throws -> (extent: ResultSpoolExtent, index: [Int64]) {
        try state.withLock { s in
            if !s.isClosed { try Self.flush(&s) }
            return (ResultSpoolExtent(rows: s.rows, bytes: s.bytes), s.index)
        }
    }

    /// Writes the rest, fsyncs the rows, writes the index file (fsynced) and closes; idempotent.
    @discardableResult
    public func finish() throws -> ResultSpoolExtent {
        try state.withLock { s in
            guard !s.isClosed else { return ResultSpoolExtent(rows: s.rows, bytes: s.bytes) }
            defer {
                close(s.fd)
                s.isClosed = true
            }
            try Self.flush(&s)
            guard fsync(s.fd) == 0 else { throw ResultSpoolError.io("fsync failed") }
            var data = Data(capacity: s.index.count * 8)
            for offset in s.index {
                var v = UInt64(offset).littleEndian
                withUnsafeBytes(of: &v) { data.append(contentsOf: $0) }
            }
            try ResultSpool.writeAtomically(data, to: indexPath)
            return ResultSpoolExtent(rows: s.rows, bytes: s.bytes)
        }
    }

    private static func flush(_ s: inout State) throws {
        guard !s.buffer.isEmpty else { return }
        var done = 0
        let total = s.buffer.count
        let fd = s.fd
        try s.buffer.withUnsafeBytes { raw in
            while done < total {
                let n = write(fd, raw.baseAddress! + done, total - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ResultSpoolError.io("write failed (errno \(errno))")
                }
                done += n
            }
        }
        s.written += Int64(total)
        s.buffer.removeAll(keepingCapacity: true)
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
