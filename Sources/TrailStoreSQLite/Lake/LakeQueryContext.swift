import CTrailNative
import Dispatch
import Foundation
import GRDBSQLite
import Synchronization
import TrailLakeSQL
import TrailStore

/// A stop request from the task that waits for the query (task cancellation).
final class LakeStopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)

    func stop() { stopped.store(true, ordering: .relaxed) }
    var isStopped: Bool { stopped.load(ordering: .relaxed) }
}

/// The state of one query connection that the `tk_*` SQL functions use: symbol caches, the block directory and
/// the last decompressed block of each store, the last parsed record, the match counter, and the stop conditions.
///
/// `@unchecked Sendable`: created, used and released by the one thread that runs the query; only
/// ``signal`` (an atomic) is written from other threads.
final class LakeQueryContext: @unchecked Sendable {
    /// Why the progress handler stopped the statement.
    enum StopReason: Int {
        case none, cancelled, timedOut
    }

    let db: OpaquePointer
    let storeCount: Int
    let deadline: UInt64
    let control: LakeQueryControl
    let queryTime: Int64
    /// Set by task cancellation (another thread).
    let signal: LakeStopSignal
    private(set) var stopReason = StopReason.none
    var matched: Int64 = 0

    private var symbols: [[Int64: String]]
    private var symbolStatements: [OpaquePointer?]
    private var directories: [(first: [Int64], last: [Int64])?]
    private var blockStatements: [OpaquePointer?]
    private var tailStatements: [OpaquePointer?]
    /// The most recently used decompressed blocks of each store (a join revisits the blocks of its inner side).
    private var openBlocks: [[(first: Int64, block: LakeRawBlock.Opened)]]
    static let openBlockLimit = 4
    /// The sequence of the record parsed in each store's document.
    private var loadedRecords: [Int64?]
    /// One parsed record per store, so the two sides of a join do not evict each other.
    private let recordDocs: [OpaquePointer]
    /// A second document for functions over JSON text values.
    let textDoc: OpaquePointer
    /// Whether `tk_json` text values are remembered (queries with joins).
    var memoizesText = false
    /// Remembered `tk_json(store, seq, pointer, 'text')` values.
    private(set) var textMemo: [MemoKey: String?] = [:]
    static let memoLimit = 200_000

    struct MemoKey: Hashable {
        var store: Int
        var seq: Int64
        var pointer: UInt64
    }

    /// FNV-1a of a pointer's bytes (with its length).
    static func hash(_ bytes: UnsafeBufferPointer<CChar>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        for byte in bytes {
            hash ^= UInt64(UInt8(bitPattern: byte))
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    func remember(_ key: MemoKey, _ text: String?) {
        if textMemo.count >= Self.memoLimit { textMemo.removeAll(keepingCapacity: true) }
        textMemo[key] = .some(text)
    }

    var renderTypes: [String: LakeType] = [:]
    var likePatterns: [String: SymbolPredicate] = [:]
    var expressions: [String: NSRegularExpression] = [:]

    init(db: OpaquePointer, storeCount: Int, deadline: UInt64, control: LakeQueryControl, signal: LakeStopSignal, queryTime: Int64) {
        self.db = db
        self.signal = signal
        self.storeCount = storeCount
        self.deadline = deadline
        self.control = control
        self.queryTime = queryTime
        symbols = Array(repeating: [:], count: storeCount)
        symbolStatements = Array(repeating: nil, count: storeCount)
        directories = Array(repeating: nil, count: storeCount)
        blockStatements = Array(repeating: nil, count: storeCount)
        tailStatements = Array(repeating: nil, count: storeCount)
        openBlocks = Array(repeating: [], count: storeCount)
        loadedRecords = Array(repeating: nil, count: storeCount)
        recordDocs = (0..<storeCount).map { _ in tk_lake_doc_create() }
        textDoc = tk_lake_doc_create()
    }

    deinit {
        finalizeStatements()
        for doc in recordDocs { tk_lake_doc_destroy(doc) }
        tk_lake_doc_destroy(textDoc)
    }

    /// Finalizes the helper statements (before the connection closes).
    func finalizeStatements() {
        for statement in symbolStatements + blockStatements + tailStatements { if let statement { sqlite3_finalize(statement) } }
        symbolStatements = Array(repeating: nil, count: storeCount)
        blockStatements = Array(repeating: nil, count: storeCount)
        tailStatements = Array(repeating: nil, count: storeCount)
    }

    /// Called by the progress handler: true stops the statement.
    func shouldStop() -> Bool {
        if stopReason != .none { return true }
        if control.isCancelled || signal.isStopped {
            stopReason = .cancelled
        } else if DispatchTime.now().uptimeNanoseconds >= deadline {
            stopReason = .timedOut
        }
        return stopReason != .none
    }

    private func prepare(_ sql: String) -> OpaquePointer? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return nil }
        return statement
    }

    // MARK: Symbols

    /// The text of symbol `id` of store `store`.
    func symbol(store: Int, id: Int64) -> String? {
        guard store >= 0, store < storeCount else { return nil }
        if let text = symbols[store][id] { return text }
        if symbolStatements[store] == nil {
            symbolStatements[store] = prepare("SELECT value FROM \(LakePhysicalSchema.schemaName(forStore: store)).symbols WHERE id = ?")
        }
        guard let statement = symbolStatements[store] else { return nil }
        sqlite3_reset(statement)
        sqlite3_bind_int64(statement, 1, id)
        guard sqlite3_step(statement) == SQLITE_ROW, let text = SQLiteRaw.text(statement, 0) else {
            sqlite3_reset(statement)
            return nil
        }
        sqlite3_reset(statement)
        symbols[store][id] = text
        return text
    }

    // MARK: Raw records

    /// Calls `body` with the raw bytes of record `seq` of store `store`, or returns nil when it is missing.
    func withRecord<T>(store: Int, seq: Int64, _ body: (UnsafeRawBufferPointer) -> T) -> T? {
        guard store >= 0, store < storeCount else { return nil }
        let schema = LakePhysicalSchema.schemaName(forStore: store)
        if directories[store] == nil {
            var first: [Int64] = []
            var last: [Int64] = []
            if let statement = prepare("SELECT first_seq, last_seq FROM \(schema).raw_blocks ORDER BY first_seq") {
                while sqlite3_step(statement) == SQLITE_ROW {
                    first.append(sqlite3_column_int64(statement, 0))
                    last.append(sqlite3_column_int64(statement, 1))
                }
                sqlite3_finalize(statement)
            }
            directories[store] = (first, last)
        }
        let directory = directories[store]!
        // The block with the greatest first_seq <= seq.
        var low = 0
        var high = directory.first.count
        while low < high {
            let middle = (low + high) / 2
            if directory.first[middle] <= seq { low = middle + 1 } else { high = middle }
        }
        if low > 0, directory.last[low - 1] >= seq {
            let first = directory.first[low - 1]
            if let cached = openBlocks[store].firstIndex(where: { $0.first == first }) {
                if cached != openBlocks[store].count - 1 { openBlocks[store].append(openBlocks[store].remove(at: cached)) }
            } else {
                if blockStatements[store] == nil {
                    blockStatements[store] = prepare("SELECT data FROM \(schema).raw_blocks WHERE first_seq = ?")
                }
                guard let statement = blockStatements[store] else { return nil }
                sqlite3_reset(statement)
                sqlite3_bind_int64(statement, 1, first)
                if sqlite3_step(statement) == SQLITE_ROW, let bytes = sqlite3_column_blob(statement, 0) {
                    let buffer = UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, 0)))
                    if let opened = LakeRawBlock.open(buffer) {
                        if openBlocks[store].count >= Self.openBlockLimit { openBlocks[store].removeFirst() }
                        openBlocks[store].append((first, opened))
                    }
                }
                sqlite3_reset(statement)
            }
            guard let open = openBlocks[store].last, open.first == first, let slice = open.block.record(Int(seq - first)) else { return nil }
            return slice.withUnsafeBytes(body)
        }
        if tailStatements[store] == nil { tailStatements[store] = prepare("SELECT raw FROM \(schema).raw_tail WHERE seq = ?") }
        guard let statement = tailStatements[store] else { return nil }
        sqlite3_reset(statement)
        sqlite3_bind_int64(statement, 1, seq)
        defer { sqlite3_reset(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { return nil }
        let count = Int(sqlite3_column_bytes(statement, 0))
        guard let bytes = sqlite3_column_blob(statement, 0) ?? (count == 0 ? UnsafeRawPointer(bitPattern: 1) : nil) else { return nil }
        return body(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The parsed record `seq` of `store` (parsed again only when another record was parsed since), or nil when
    /// it is missing or not JSON.
    func loadRecord(store: Int, seq: Int64) -> OpaquePointer? {
        guard store >= 0, store < storeCount else { return nil }
        let doc = recordDocs[store]
        if loadedRecords[store] == seq { return doc }
        loadedRecords[store] = nil
        let result = withRecord(store: store, seq: seq) { bytes in
            tk_lake_doc_load(doc, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        guard result == 0 else { return nil }
        loadedRecords[store] = seq
        return doc
    }

    /// Parses `text` into ``textDoc``; false when it is not JSON.
    func loadText(_ value: OpaquePointer?) -> Bool {
        guard let bytes = sqlite3_value_text(value) else { return false }
        let count = Int(sqlite3_value_bytes(value))
        return bytes.withMemoryRebound(to: CChar.self, capacity: count) { tk_lake_doc_load(textDoc, $0, count) } == 0
    }
}
