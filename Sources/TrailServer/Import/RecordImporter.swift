import Foundation
import TrailModel
import TrailStore

/// Where imported records go: a running server, or a store opened directly.
public protocol ImportSink: Sendable {
    /// Stores a batch; one outcome per record, in order.
    func store(_ records: [AuditRecord]) async throws -> [AppendOutcome]
}

/// Writes into an ``EventStore`` directly (import into a data dir with no server running).
public struct StoreImportSink: ImportSink {
    public let store: any EventStore
    public init(store: any EventStore) { self.store = store }
    public func store(_ records: [AuditRecord]) async throws -> [AppendOutcome] {
        try await store.append(records)
    }
}

/// Sends batches to a server's `POST /v1/events` through `post`, which returns the response body.
public struct HTTPImportSink: ImportSink {
    let post: @Sendable (Data) async throws -> Data

    public init(post: @escaping @Sendable (Data) async throws -> Data) {
        self.post = post
    }

    public func store(_ records: [AuditRecord]) async throws -> [AppendOutcome] {
        var body = Data()
        body.reserveCapacity(records.reduce(16) { $0 + $1.raw.count + 1 })
        body.append(contentsOf: Array("{\"Records\":[".utf8))
        for (i, r) in records.enumerated() {
            if i > 0 { body.append(44) }
            body.append(r.raw)
        }
        body.append(contentsOf: Array("]}".utf8))
        let response = try await post(body)
        guard let object = try? JSONSerialization.jsonObject(with: response) as? [String: Any],
            let results = object["results"] as? [[String: Any]], results.count == records.count
        else {
            throw ImportError("the server answered the batch with an unexpected body")
        }
        return try results.map { r in
            switch r["status"] as? String {
            case "stored": return .stored(sequence: 0)
            case "duplicate": return .duplicate
            default:
                // The server parses exactly what we parsed; a rejection here means the server's limits differ.
                throw ImportError("the server rejected a record: \(r["reason"] as? String ?? "unknown reason")")
            }
        }
    }
}

/// Reads CloudTrail files, parses them, and stores their records in batches.
///
/// Files are read and parsed one at a time (memory stays bounded by one file plus the
/// batches in flight); up to `concurrency` batches are being stored at once.
public struct RecordImporter: Sendable {
    public var sink: any ImportSink
    public var batchSize: Int
    public var concurrency: Int
    public var maximumRecordSize: Int

    public init(sink: any ImportSink, batchSize: Int = 1000, concurrency: Int = 4, maximumRecordSize: Int = 256 * 1024) {
        self.sink = sink
        self.batchSize = batchSize
        self.concurrency = concurrency
        self.maximumRecordSize = maximumRecordSize
    }

    /// A file to import: its name and a way to read it.
    public struct File: Sendable {
        public var name: String
        public var read: @Sendable () async throws -> Data
        public init(name: String, read: @escaping @Sendable () async throws -> Data) {
            self.name = name
            self.read = read
        }
    }

    /// Imports `files`, calling `progress` after each file.
    public func run(
        _ files: [File], progress: @Sendable (ImportReport, Int) -> Void = { _, _ in }
    ) async throws -> ImportReport {
        var report = ImportReport()
        let parser = RecordParser(maximumRecordSize: maximumRecordSize)
        try await withThrowingTaskGroup(of: [AppendOutcome].self) { group in
            var inFlight = 0
            var pending: [AuditRecord] = []
            func absorb(_ outcomes: [AppendOutcome]) {
                for o in outcomes {
                    if case .duplicate = o { report.duplicates += 1 } else { report.stored += 1 }
                }
            }
            func flush() async throws {
                guard !pending.isEmpty else { return }
                let batch = pending
                pending.removeAll(keepingCapacity: true)
                if inFlight >= concurrency, let done = try await group.next() {
                    absorb(done)
                    inFlight -= 1
                }
                let sink = self.sink
                group.addTask { try await sink.store(batch) }
                inFlight += 1
            }
            for (index, file) in files.enumerated() {
                try Task.checkCancellation()
                report.files += 1
                let data: Data
                do {
                    var raw = try await file.read()
                    report.bytes += raw.count
                    if Gzip.isCompressed(raw) {
                        guard let inflated = Gzip.decompress(raw) else {
                            report.failedFiles[file.name] = "corrupt or truncated gzip"
                            progress(report, index + 1)
                            continue
                        }
                        raw = inflated
                    }
                    data = raw
                } catch {
                    report.failedFiles[file.name] = "cannot read: \(error)"
                    progress(report, index + 1)
                    continue
                }
                let results: [Result<AuditRecord, RecordRejection>]
                do {
                    results = try parser.records(in: data)
                } catch {
                    report.failedFiles[file.name] = String(describing: error)
                    progress(report, index + 1)
                    continue
                }
                for result in results {
                    report.events += 1
                    switch result {
                    case .success(let record):
                        pending.append(record)
                        if pending.count >= batchSize { try await flush() }
                    case .failure(let rejection):
                        report.rejected += 1
                        report.rejectionReasons[rejection.reason, default: 0] += 1
                    }
                }
                progress(report, index + 1)
            }
            try await flush()
            for try await done in group { absorb(done) }
        }
        return report
    }

    /// The files of local sources.
    public static func localFiles(_ path: String) throws -> [File] {
        try ImportSource.localFiles(path).map { file in
            File(name: file) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ImportError("cannot read \(file)")
                }
                return data
            }
        }
    }
}
