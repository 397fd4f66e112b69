import Foundation
import GRDB
import TrailModel
import TrailStore

/// The Lake catalog in its own SQLite file (`DATA_DIR/lake/lake.sqlite`), WAL, `synchronous=FULL`.
///
/// Each entity is one row holding its JSON document under its ID: the catalog is small and changes
/// rarely, and new fields then need no migration (decode-if-present in the models).
public final class SQLiteLakeCatalogStore: LakeCatalogStore {
    let pool: DatabasePool

    /// Opens (and creates) the catalog at `path`.
    /// - Throws: ``StoreError`` `.unavailable` when the file cannot be opened or migrated.
    public init(path: String) throws {
        var config = GRDB.Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError(.unavailable, "cannot open the lake catalog at \(path)", underlying: error)
        }
    }

    /// Closes the file.
    public func close() throws { try pool.close() }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-lake-catalog") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event_data_stores (id TEXT PRIMARY KEY, created INTEGER NOT NULL, document BLOB NOT NULL);
                    CREATE TABLE channels (arn TEXT PRIMARY KEY, created INTEGER NOT NULL, document BLOB NOT NULL);
                    CREATE TABLE imports (id TEXT PRIMARY KEY, created INTEGER NOT NULL, document BLOB NOT NULL);
                    CREATE TABLE import_files (
                        import_id TEXT NOT NULL, location TEXT NOT NULL, document BLOB NOT NULL,
                        PRIMARY KEY (import_id, location)
                    ) WITHOUT ROWID;
                    """)
        }
        return m
    }

    private static func encode<T: Encodable>(_ value: T) throws -> Data { try JSONEncoder().encode(value) }

    private func all<T: Decodable>(_ type: T.Type, sql: String, arguments: StatementArguments = []) async throws -> [T] {
        let documents = try await pool.read { db in try Data.fetchAll(db, sql: sql, arguments: arguments) }
        let decoder = JSONDecoder()
        return try documents.map { try decoder.decode(type, from: $0) }
    }

    private func write(_ sql: String, _ arguments: StatementArguments) async throws {
        try await pool.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    public func eventDataStores() async throws -> [EventDataStore] {
        try await all(EventDataStore.self, sql: "SELECT document FROM event_data_stores ORDER BY created, id")
    }

    public func save(_ store: EventDataStore) async throws {
        try await write(
            "INSERT OR REPLACE INTO event_data_stores (id, created, document) VALUES (?, ?, ?)",
            [store.id, store.createdAt, try Self.encode(store)])
    }

    public func removeEventDataStore(id: String) async throws {
        try await write("DELETE FROM event_data_stores WHERE id = ?", [id])
    }

    public func channels() async throws -> [Channel] {
        try await all(Channel.self, sql: "SELECT document FROM channels ORDER BY created, arn")
    }

    public func save(_ channel: Channel) async throws {
        try await write(
            "INSERT OR REPLACE INTO channels (arn, created, document) VALUES (?, ?, ?)",
            [channel.arn, channel.createdAt, try Self.encode(channel)])
    }

    public func removeChannel(arn: String) async throws {
        try await write("DELETE FROM channels WHERE arn = ?", [arn])
    }

    public func imports() async throws -> [ImportJob] {
        try await all(ImportJob.self, sql: "SELECT document FROM imports ORDER BY created, id")
    }

    public func save(_ job: ImportJob) async throws {
        try await write(
            "INSERT OR REPLACE INTO imports (id, created, document) VALUES (?, ?, ?)", [job.id, job.createdAt, try Self.encode(job)])
    }

    public func fileOutcomes(importID: String) async throws -> [ImportFileOutcome] {
        try await all(
            ImportFileOutcome.self, sql: "SELECT document FROM import_files WHERE import_id = ? ORDER BY location",
            arguments: [importID])
    }

    public func save(_ outcome: ImportFileOutcome) async throws {
        try await write(
            "INSERT OR REPLACE INTO import_files (import_id, location, document) VALUES (?, ?, ?)",
            [outcome.importID, outcome.location, try Self.encode(outcome)])
    }
}
