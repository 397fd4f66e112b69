import Foundation

/// The result files of the Lake queries (plan §2.7), one set per query under `DATA_DIR/lake/results/`:
///
/// - `<id>.rows` — the rows, append-only: per cell a LEB128 varint `length + 1` (0 = SQL NULL) and the UTF-8 text;
/// - `<id>.idx` — the byte offset of every ``stride``-th row, 8 bytes little-endian each (written when the query ends);
/// - `<id>.json` — the ``QueryRecord`` (status, statistics, columns), replaced atomically at every change.
///
/// Rows are readable while the query runs: ``ResultSpoolWriter/visibleExtent()`` flushes what is buffered and says
/// how far the file is complete.
public struct ResultSpool: Sendable {
    /// Rows between two index entries.
    public static let stride = 1000

    /// The results folder.
    public let directory: String

    /// Opens (creating when missing) the results folder.
    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func rowsPath(_ id: String) -> String { directory + "/" + id + ".rows" }
    func indexPath(_ id: String) -> String { directory + "/" + id + ".idx" }
    func recordPath(_ id: String) -> String { directory + "/" + id + ".json" }

    /// Starts the rows of query `id` (any earlier rows file is replaced).
    public func makeWriter(id: String, maxRows: Int, maxBytes: Int) throws -> ResultSpoolWriter {
        try ResultSpoolWriter(rowsPath: rowsPath(id), indexPath: indexPath(id), maxRows: maxRows, maxBytes: maxBytes)
    }

    /// Saves `record` atomically (temporary file, fsync, rename).
    public func save(_ record: QueryRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try Self.writeAtomically(try encoder.encode(record), to: recordPath(record.id))
    }

    /// Every saved record; unreadable files are skipped.
    public func records() -> [QueryRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let decoder = JSONDecoder()
        return names.filter { $0.hasSuffix(".json") }.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { return nil }
            return try? decoder.decode(QueryRecord.self, from: data)
        }
    }

    /// Deletes the rows of query `id` (the record stays).
    public func removeRows(id: String) {
        unlink(rowsPath(id))
        unlink(indexPath(id))
    }

    /// Deletes everything of query `id`.
    public func remove(id: String) {
        removeRows(id: id)
        unlink(recordPath(id))
    }

    /// The index of a finished query's rows (empty when the file is missing: readers then scan from the start).
    public func index(id: String) -> [Int64] {
        guard let data = FileManager.default.contents(atPath: indexPath(id)) else { return [] }
        var offsets: [Int64] = []
        offsets.reserveCapacity(data.count / 8)
        var i = data.startIndex
        while i + 8 <= data.endIndex {
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(data[i + k]) << (8 * UInt64(k)) }
            offsets.append(Int64(v))
            i += 8
        }
        return offsets
    }

    /// Rows `offset ..< offset + limit` of query `id`, within `extent` (rows past it are not read).
    ///
    /// - Parameters:
    ///   - columns: cells per row.
    ///   - index: offsets of every ``stride``-th row (may be shorter than the rows, or empty).
    public func rows(
        id: String, columns: Int, extent: ResultSpoolExtent, index: [Int64], from offset: Int, limit: Int
    ) throws -> [[String?]] {
        let end = Swift.min(extent.rows, offset + limit)
        guard offset < end, columns > 0 else { return [] }
        guard let handle = FileHandle(forReadingAtPath: rowsPath(id)) else {
            throw ResultSpoolError.missing(id)
        }
        defer { try? handle.close() }
        let entry = Swift.min(offset / Self.stride, index.count - 1)
        var row = entry >= 0 ? entry * Self.stride : 0
        let position = entry >= 0 ? index[entry] : 0
        try handle.seek(toOffset: UInt64(position))
        var reader = ChunkReader(handle: handle, limit: extent.bytes - position)
        var out: [[String?]] = []
        out.reserveCapacity(end - offset)
        while row < end {
            var cells: [String?] = []
            cells.reserveCapacity(columns)
            for _ in 0..<columns {
                let length = try reader.varint()
                if length == 0 {
                    cells.append(nil)
                } else {
                    let bytes = try reader.bytes(Int(length - 1))
                    cells.append(String(decoding: bytes, as: UTF8.self))
                }
            }
            if row >= offset { out.append(cells) }
            row += 1
        }
        return out
    }

    static func writeAtomically(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw ResultSpoolError.io("cannot write \(temporary)")
        }
        let fd = open(temporary, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
        guard rename(temporary, path) == 0 else { throw ResultSpoolError.io("cannot rename \(temporary)") }
    }
}

/// How much of a rows file is complete.
public struct ResultSpoolExtent: Sendable, Hashable {
    /// Complete rows.
    public var rows: Int
    /// Bytes those rows take.
    public var bytes: Int64

    public init(rows: Int, bytes: Int64) {
        self.rows = rows
        self.bytes = bytes
    }
}

/// Failures of the result spool.
public enum ResultSpoolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rows or bytes of a result passed the configured caps; the message is the query's ErrorMessage.
    case limitExceeded(String)
    /// A rows file is gone (expired, or removed by hand).
    case missing(String)
    /// A read or write failed.
    case io(String)
    /// A rows file does not decode.
    case corrupt(String)

    public var description: String {
        switch self {
        case .limitExceeded(let message): message
        case .missing(let id): "The results of query \(id) are no longer available"
        case .io(let message): "Result spool I/O failed: \(message)"
        case .corrupt(let id): "The results of query \(id) are corrupt"
        }
    }
}

/// Buffered sequential reads of a rows file, never past `limit` bytes.
struct ChunkReader {
    let handle: FileHandle
    var limit: Int64
    var buffer: [UInt8] = []
    var cursor = 0

    init(handle: FileHandle, limit: Int64) {
        self.handle = handle
        self.limit = limit
    }

    mutating func fill(_ needed: Int) throws {
        if cursor > 0 {
            buffer.removeFirst(cursor)
            cursor = 0
        }
        while buffer.count < needed {
            guard limit > 0 else { throw ResultSpoolError.corrupt("rows") }
            let size = Int(Swift.min(limit, Int64(Swift.max(1 << 16, needed - buffer.count))))
            guard let data = try handle.read(upToCount: size), !data.isEmpty else { throw ResultSpoolError.corrupt("rows") }
            limit -= Int64(data.count)
            buffer.append(contentsOf: data)
        }
    }

    mutating func byte() throws -> UInt8 {
        if cursor >= buffer.count { try fill(1) }
        defer { cursor += 1 }
        return buffer[cursor]
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            value |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
            guard shift < 64 else { throw ResultSpoolError.corrupt("rows") }
        }
    }

    mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
        if buffer.count - cursor < count { try fill(count) }
        defer { cursor += count }
        return buffer[cursor..<cursor + count]
    }
}
