import Crypto
import Foundation
import Logging
import Synchronization
import Testing
import TrailLake
import TrailLakeSQL
import TrailStore

/// The stores the query tests see; a store can be switched to pending deletion.
final class FakeDirectory: EventDataStoreDirectory {
    static let mainID = "0f1e2d3c-0000-4000-8000-000000000001"
    static let otherID = "0f1e2d3c-0000-4000-8000-000000000002"
    static let mainARN = "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/\(mainID)"

    let entries = Mutex<[LakeStoreEntry]>([
        LakeStoreEntry(id: mainID, arn: mainARN, name: "main", family: .cloudTrail, isActive: true, aliases: ["event_data_store_ID"]),
        LakeStoreEntry(
            id: otherID, arn: "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/\(otherID)", name: "other",
            family: .cloudTrail, isActive: true, aliases: ["eds2"]),
    ])

    func storeEntries() async throws -> [LakeStoreEntry] { entries.withLock { $0 } }

    func setActive(_ active: Bool, id: String) {
        entries.withLock { list in
            for i in list.indices where list[i].id == id { list[i].isActive = active }
        }
    }
}

/// A one-shot latch the fake executor waits on.
final class Gate: Sendable {
    private let opened = Mutex(false)
    func open() { opened.withLock { $0 = true } }
    var isOpen: Bool { opened.withLock { $0 } }
}

/// Emits `rows` rows (column 0 `row<i>`, column 1 NULL every third row, else `<i>`), then ends as told.
struct FakeExecutor: LakeQueryExecutor {
    enum Ending: Sendable {
        case finish
        /// Waits for the gate (then finishes) or for a cancel.
        case hold(Gate)
        case timeOut
        case fail(String)
    }

    var rows: Int
    var ending: Ending
    let calls = CallCounter()

    init(rows: Int, ending: Ending = .finish) {
        self.rows = rows
        self.ending = ending
    }

    static let statistics = LakeQueryStatistics(eventsMatched: 42, eventsScanned: 100, bytesScanned: 12_345, resultRows: 0, executionTimeMillis: 7)

    func execute(
        _ query: PhysicalQuery, limits: LakeQueryLimits, control: LakeQueryControl,
        rows emit: @escaping @Sendable ([String?]) throws -> Void
    ) async throws(LakeQueryFailure) -> LakeQueryStatistics {
        calls.count.withLock { $0 += 1 }
        var statistics = Self.statistics
        for i in 0..<rows {
            var row: [String?] = ["row\(i)", i % 3 == 0 ? nil : "\(i)"]
            while row.count < query.columns.count { row.append("x") }
            do {
                try emit(Array(row.prefix(query.columns.count)))
            } catch {
                throw .failed(message: "\(error)", statistics)
            }
            statistics.resultRows += 1
        }
        switch ending {
        case .finish:
            return statistics
        case .hold(let gate):
            while !gate.isOpen {
                if control.isCancelled { throw .cancelled(statistics) }
                try? await Task.sleep(for: .milliseconds(2))
            }
            return statistics
        case .timeOut:
            throw .timedOut(statistics)
        case .fail(let message):
            throw .failed(message: message, statistics)
        }
    }
}

/// Counts executions.
final class CallCounter: Sendable {
    let count = Mutex(0)
}

/// A settable clock in epoch milliseconds.
final class QueryTestClock: Sendable {
    let value: Mutex<Int64>
    init(_ start: Int64 = 1_700_000_000_000) { value = Mutex(start) }
    func now() -> Int64 { value.withLock { $0 } }
    func advance(seconds: Int64) { value.withLock { $0 += seconds * 1000 } }
}

enum QueryFixtures {
    static let statement = "SELECT eventName, eventSource FROM event_data_store_ID WHERE eventTime > '2023-01-01 00:00:00'"

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "trailkeeper-query-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func service(
        executor: any LakeQueryExecutor, directory: FakeDirectory = FakeDirectory(), folder: String = temporaryDirectory(),
        configuration: QueryService.Configuration = .init(), clock: QueryTestClock = QueryTestClock(), delivery: ResultDelivery? = nil,
        key: [UInt8] = Array(repeating: 7, count: 32)
    ) throws -> QueryService {
        QueryService(
            configuration: configuration, directory: directory, executor: executor, spool: try ResultSpool(directory: folder),
            tokens: ResultPageToken(key: .init(data: key)), delivery: delivery, logger: Logger(label: "test"),
            now: { clock.now() })
    }

    /// Runs `body` while `service` runs, then stops the service.
    static func running<T: Sendable>(_ service: QueryService, _ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// Waits until the query reaches `status` (2 s at most).
    static func wait(_ service: QueryService, _ id: String, for status: QueryStatus) async throws -> QueryRecord {
        for _ in 0..<1000 {
            let record = try await service.describe(id: id)
            if record.status == status { return record }
            try await Task.sleep(for: .milliseconds(2))
        }
        let record = try await service.describe(id: id)
        Issue.record("query \(id) is \(record.status), expected \(status)")
        return record
    }

    /// Polls `condition` every 2 ms, 2 s at most.
    static func until(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<1000 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        Issue.record("condition never held")
    }
}
