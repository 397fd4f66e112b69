import Foundation
import Synchronization
import Testing
import TrailLakeSQL
import TrailModel
import TrailStore
import TrailStoreSQLite
import TrailTesting

/// Maps table names to stores, the way the service's resolver will (IDs and aliases).
struct LakeTestResolver: LakeStoreResolver {
    var stores: [String: LakeStoreReference]

    func store(named token: String, at location: LakeSQLPosition) throws(LakeSQLError) -> LakeStoreReference {
        if let store = stores[token.lowercased()] { return store }
        throw LakeSQLError(.storeNotFound, "Event data store \(token) not found", at: location)
    }
}

/// Collects result rows from the executor's callback.
final class LakeRowSink: Sendable {
    private let storage = Mutex<[[String?]]>([])

    func append(_ row: [String?]) { storage.withLock { $0.append(row) } }
    var rows: [[String?]] { storage.withLock { $0 } }
}

/// A temporary directory with a store factory and an executor over it.
struct LakeTestBed {
    let directory: URL
    let factory: SQLiteEventDataStoreFactory
    let executor: SQLiteLakeQueryExecutor
    var resolver = LakeTestResolver(stores: [:])

    init(configuration: SQLiteEventDataStore.Configuration = .init()) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lake-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        factory = SQLiteEventDataStoreFactory(directory: directory, configuration: configuration)
        executor = SQLiteLakeQueryExecutor(storesDirectory: directory)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Creates store `id` (also known as `name`) holding `records`.
    mutating func store(_ name: String, id: String, family: LakeStoreFamily = .cloudTrail, records: [AuditRecord]) async throws
        -> SQLiteEventDataStore
    {
        let store = try factory.openStore(id: id, family: family)
        try await store.append(records, position: 1, retainFrom: nil)
        resolver.stores[name.lowercased()] = LakeStoreReference(id: id, family: family)
        resolver.stores[id.lowercased()] = LakeStoreReference(id: id, family: family)
        return store
    }

    /// Plans and runs `text`.
    func query(_ text: String, limits: LakeQueryLimits = LakeQueryLimits(queryTime: 1_700_000_000_000)) async throws -> [[String?]] {
        let physical = try LakeQueryPlanner.plan(text, resolver: resolver)
        return try await run(physical, limits: limits).rows
    }

    /// Runs a physical query, returning its rows and statistics.
    func run(_ query: PhysicalQuery, limits: LakeQueryLimits = LakeQueryLimits(queryTime: 1_700_000_000_000), control: LakeQueryControl = .init())
        async throws(LakeQueryFailure) -> (rows: [[String?]], statistics: LakeQueryStatistics)
    {
        let sink = LakeRowSink()
        let statistics = try await executor.execute(query, limits: limits, control: control) { sink.append($0) }
        return (sink.rows, statistics)
    }

    /// A physical query with hand-written SQL over `stores` (planned from a trivial query, then replaced).
    func physical(_ sql: String, _ arguments: [PhysicalQuery.Argument] = [], stores: [String] = []) throws -> PhysicalQuery {
        var resolver = self.resolver
        resolver.stores["__any"] = LakeStoreReference(id: "any", family: .cloudTrail)
        var query = try LakeQueryPlanner.plan("SELECT eventName FROM __any", resolver: resolver)
        query.sql = sql
        query.arguments = arguments
        query.stores = try stores.map { name in
            guard let store = self.resolver.stores[name.lowercased()] else { throw LakeTestError.unknownStore(name) }
            return store
        }
        query.timeBounds = nil
        return query
    }

    /// The single value of a one-row, one-column SQL expression over no store.
    func value(_ expression: String, _ arguments: [PhysicalQuery.Argument] = []) async throws -> String? {
        let result = try await run(try physical("SELECT \(expression) AS c0", arguments))
        return result.rows.first?.first ?? nil
    }

    /// The failure message of a SQL expression that must fail.
    func failure(_ expression: String, _ arguments: [PhysicalQuery.Argument] = []) async throws -> String? {
        let query = try physical("SELECT \(expression) AS c0", arguments)
        do {
            _ = try await run(query)
            return nil
        } catch {
            if case .failed(let message, _) = error { return message }
            return "\(error)"
        }
    }
}

enum LakeTestError: Error {
    case unknownStore(String)
}

enum LakeRecords {
    /// Parses one JSON record.
    static func record(_ json: String) throws -> AuditRecord {
        try RecordParser().record(Data(json.utf8)).get()
    }

    /// A small CloudTrail record.
    static func event(
        name: String, time: String, user: String = "alice", source: String = "s3.amazonaws.com", errorCode: String? = nil,
        readOnly: Bool = true, extra: String = ""
    ) throws -> AuditRecord {
        let error = errorCode.map { ",\"errorCode\":\"\($0)\"" } ?? ""
        return try record(
            """
            {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AID\(user.uppercased())","arn":"arn:aws:iam::123456789012:user/\(user)","accountId":"123456789012","userName":"\(user)"},"eventTime":"\(time)","eventSource":"\(source)","eventName":"\(name)","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2","readOnly":\(readOnly),"eventID":"\(UUID().uuidString.lowercased())","eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"\(error)\(extra)}
            """)
    }

    /// The Invictus records (real delivered CloudTrail logs), in file order.
    static func invictus() throws -> [AuditRecord] {
        let parser = RecordParser()
        var records: [AuditRecord] = []
        for url in SharedData.files(in: "invictus-ir-aws-dataset/CloudTrail", suffixes: [".json"]) {
            for result in try parser.records(in: try Data(contentsOf: url)) { records.append(try result.get()) }
        }
        return records
    }

    /// The raw record as a JSON object.
    static func object(_ record: AuditRecord) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: record.raw)) as? [String: Any] ?? [:]
    }
}

extension Int64 {
    /// Epoch milliseconds of a timestamp literal (test vectors).
    static func ms(_ text: String) -> Int64 { TimestampLiteral.milliseconds(text)! }
}
