import AWSWire
import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import TrailStore
import TrailStorePostgres
import TrailStoreSQLite

/// Opens the ``FindingStore`` a findings URL names.
///
/// | URL | store |
/// |---|---|
/// | `sqlite` | ``SQLiteFindingStore`` at `DATA_DIR/findings.sqlite` |
/// | `sqlite:///absolute/path.sqlite`, `sqlite:relative/path.sqlite` | ``SQLiteFindingStore`` at that path (relative to DATA_DIR) |
/// | `postgres://user:password@host:5432/database[?table=name]` (or `postgresql://`) | ``PostgresFindingStore``; the table defaults to `findings`; `sslmode` and other parameters are ignored (no TLS) |
/// | `dynamodb://TABLE` | ``DynamoDBFindingStore``: region, endpoint (`AWS_ENDPOINT_URL_DYNAMODB`…) and credentials from the AWS configuration |
///
/// - Important: a ``PostgresFindingStore`` serves queries only while its ``PostgresFindingStore/run()``
///   runs: add ``services(of:)`` to the `ServiceGroup` before the services that use the store, so
///   that it shuts down after them.
public enum FindingStores {
    /// The store `url` names, ready to use (tables created when missing).
    ///
    /// - Parameters:
    ///   - url: see the table above.
    ///   - dataDirectory: DATA_DIR, for `sqlite` URLs.
    ///   - httpClient: for DynamoDB.
    ///   - aws: credentials, region and endpoints for DynamoDB.
    ///   - logger: for the PostgreSQL client's background messages.
    /// - Throws: ``StoreError`` `invalidArgument` for an unknown URL; the store's errors when it
    ///   cannot be opened.
    public static func open(
        _ url: String,
        dataDirectory: String,
        httpClient: HTTPClient,
        aws: AWSConfiguration,
        logger: Logger
    ) async throws -> any FindingStore {
        switch try Location(url, dataDirectory: dataDirectory) {
        case .sqlite(let path):
            return try SQLiteFindingStore(path: path)
        case .postgres(let url, let table):
            return try PostgresFindingStore(url: url, table: table, logger: logger)
        case .dynamoDB(let table):
            let client = try DynamoDBClient(httpClient: httpClient, configuration: aws, logger: logger)
            let store = DynamoDBFindingStore(client: client, table: table)
            try await store.prepare()
            return store
        }
    }

    /// The services a store needs running while it is used: the connection pool of a
    /// ``PostgresFindingStore``, none for the others.
    public static func services(of store: any FindingStore) -> [any Service] {
        guard let postgres = store as? PostgresFindingStore else { return [] }
        return [PostgresFindingStoreService(store: postgres)]
    }

    /// What a findings URL names.
    enum Location: Equatable {
        case sqlite(path: String)
        case postgres(url: String, table: String)
        case dynamoDB(table: String)

        init(_ url: String, dataDirectory: String) throws {
            let lowered = url.lowercased()
            if lowered == "sqlite" {
                self = .sqlite(path: (dataDirectory as NSString).appendingPathComponent("findings.sqlite"))
            } else if lowered.hasPrefix("sqlite:") {
                var path = String(url.dropFirst("sqlite:".count))
                if path.hasPrefix("//") { path.removeFirst(2) }  // sqlite:///abs → /abs
                guard !path.isEmpty else { throw StoreError(.invalidArgument, "sqlite: URL without a path") }
                self = .sqlite(
                    path: path.hasPrefix("/") ? path : (dataDirectory as NSString).appendingPathComponent(path))
            } else if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
                let table =
                    URLComponents(string: url)?.queryItems?.first { $0.name == "table" }?.value ?? "findings"
                self = .postgres(url: url, table: table)
            } else if lowered.hasPrefix("dynamodb://") {
                let table = String(url.dropFirst("dynamodb://".count))
                guard Self.isTableName(table) else {
                    throw StoreError(.invalidArgument, "not a DynamoDB table name: \(table)")
                }
                self = .dynamoDB(table: table)
            } else {
                throw StoreError(
                    .invalidArgument,
                    "findings must be sqlite, sqlite:///path, postgres://… or dynamodb://TABLE, not \(url)")
            }
        }

        /// DynamoDB's rule: 3 to 255 of `a-z A-Z 0-9 _ - .`.
        static func isTableName(_ name: String) -> Bool {
            (3...255).contains(name.utf8.count)
                && name.utf8.allSatisfy { byte in
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
                        true
                    default: false
                    }
                }
        }
    }
}

/// Runs a ``PostgresFindingStore``'s connection pool as a service: ``PostgresFindingStore/run()``
/// returns on graceful shutdown (the pool closes), on cancellation, or after
/// ``PostgresFindingStore/close()``.
public struct PostgresFindingStoreService: Service {
    /// The store whose pool runs.
    public let store: PostgresFindingStore

    /// A service for `store`.
    public init(store: PostgresFindingStore) { self.store = store }

    /// Runs the pool until shutdown.
    public func run() async throws { await store.run() }
}
