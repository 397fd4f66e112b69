import AWSWire
import AsyncHTTPClient
import Foundation
import Logging
import Testing
import TrailPipeline
import TrailStore
import TrailStorePostgres
import TrailStoreSQLite

/// The stores under test and how to get a fresh, empty one of each.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres, dynamoDB

    static let environment = ProcessInfo.processInfo.environment
    static let postgresURL = environment["TRAILKEEPER_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let motoEndpoint = environment["MOTO_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
    static let isRequired = environment["TRAILKEEPER_REQUIRE_INTEGRATION"] == "1"
    static let logger = Logger(label: "trail.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The backends to run: SQLite always; PostgreSQL and DynamoDB (moto) when their variables are
    /// set, or always when integration is required (then a missing variable fails the test).
    static let enabled: [Backend] = allCases.filter { $0.isConfigured || isRequired }

    var isConfigured: Bool {
        switch self {
        case .sqlite: true
        case .postgres: Self.postgresURL != nil
        case .dynamoDB: Self.motoEndpoint != nil
        }
    }

    var testDescription: String { rawValue }

    static func uniqueSuffix() -> String { String(UUID().uuidString.lowercased().prefix(8)) }

    /// Runs `body` with a new, empty store, removed afterwards.
    func withStore(_ body: (any FindingStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let store = try SQLiteFindingStore(path: directory.path("findings.sqlite"))
            try await body(store)
            try await store.close()
        case .postgres:
            try await Self.withPostgresStore { try await body($0) }
        case .dynamoDB:
            try await Self.withDynamoDBStore { store, _ in try await body(store) }
        }
    }

    /// A running PostgreSQL store on a table of its own, dropped afterwards.
    static func withPostgresStore(_ body: (PostgresFindingStore) async throws -> Void) async throws {
        let url = try #require(postgresURL, "TRAILKEEPER_REQUIRE_INTEGRATION=1 but TRAILKEEPER_POSTGRES_URL is not set")
        try await PostgresFindingStore.withStore(url: url, table: "findings_test_" + uniqueSuffix(), logger: logger) {
            store in
            do {
                try await body(store)
            } catch {
                try? await store.dropTable()
                throw error
            }
            try await store.dropTable()
        }
    }

    /// A prepared DynamoDB store on moto with a table of its own, deleted afterwards.
    static func withDynamoDBStore(_ body: (DynamoDBFindingStore, DynamoDBClient) async throws -> Void) async throws {
        let endpoint = try #require(motoEndpoint, "TRAILKEEPER_REQUIRE_INTEGRATION=1 but MOTO_ENDPOINT is not set")
        try await HTTPClient.withHTTPClient { http in
            let client = DynamoDBClient(
                client: AWSClient(
                    httpClient: http,
                    credentials: SigV4.Credentials(accessKeyID: "AKIAMOTOTEST00000001", secretAccessKey: "moto-secret"),
                    logger: logger),
                endpoint: endpoint, region: "us-east-1")
            let store = DynamoDBFindingStore(client: client, table: "tk-findings-" + uniqueSuffix())
            try await store.prepare()
            do {
                try await body(store, client)
            } catch {
                try? await client.deleteTable(store.table)
                throw error
            }
            try await client.deleteTable(store.table)
        }
    }
}

/// Findings to store.
enum Fixtures {
    /// A finding of `eventID` and `rule`, with a small JSON record naming them.
    static func finding(
        _ eventID: String, _ rule: String = "root-login", severity: Severity = .high, time: Int64 = 1_714_568_535,
        detectedAt: Int64 = 1_714_568_600, description: String = "Root user signed in", complete: Bool = true,
        record: Data? = nil
    ) -> Finding {
        Finding(
            eventID: eventID, rule: rule, severity: severity, ruleDescription: description,
            eventName: complete ? "ConsoleLogin" : nil, eventSource: complete ? "signin.amazonaws.com" : nil,
            eventTime: time, who: complete ? "arn:aws:iam::123456789012:root" : nil,
            sourceIPAddress: complete ? "203.0.113.7" : nil, region: complete ? "us-east-1" : nil,
            account: complete ? "123456789012" : nil, origin: complete ? "s3://logs/AWSLogs/x.json.gz" : "journal",
            detectedAt: detectedAt,
            record: record ?? Data(#"{"eventID":"\#(eventID)","eventName":"ConsoleLogin","rule":"\#(rule)"}"#.utf8)
        )
    }
}

/// A directory removed by ``remove()``.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tk-findings-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
