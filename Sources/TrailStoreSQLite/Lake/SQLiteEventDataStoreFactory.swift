import Foundation
import Synchronization
import TrailLakeSQL
import TrailStore

/// Opens the store files of a directory: `<directory>/<id>.sqlite` (plan §2.1: `DATA_DIR/lake/stores/`).
///
/// One ``SQLiteEventDataStore`` per ID stays open for the factory's lifetime, so every caller of ``open(id:family:)``
/// shares the same writer (and its symbol cache).
public final class SQLiteEventDataStoreFactory: EventDataStoreStorageFactory {
    /// The directory holding the store files.
    public let directory: URL
    /// Knobs of every store file.
    public let configuration: SQLiteEventDataStore.Configuration
    private let stores = Mutex<[String: SQLiteEventDataStore]>([:])

    /// Creates a factory over `directory` (created when missing).
    public init(directory: URL, configuration: SQLiteEventDataStore.Configuration = .init()) {
        self.directory = directory
        self.configuration = configuration
    }

    /// The file of store `id`.
    public func path(forStore id: String) -> String {
        directory.appendingPathComponent("\(id).sqlite").path
    }

    public func open(id: String, family: LakeStoreFamily) async throws -> any EventDataStoreStorage {
        try openStore(id: id, family: family)
    }

    /// The concrete store `id`, created empty when it does not exist.
    public func openStore(id: String, family: LakeStoreFamily) throws -> SQLiteEventDataStore {
        guard Self.isValidID(id) else { throw StoreError(.invalidArgument, "invalid event data store id") }
        return try stores.withLock { stores in
            if let store = stores[id] { return store }
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError(.unavailable, "cannot create the Lake store directory", underlying: error)
            }
            let store = try SQLiteEventDataStore(id: id, family: family, path: path(forStore: id), configuration: configuration)
            stores[id] = store
            return store
        }
    }

    public func remove(id: String) async throws {
        guard Self.isValidID(id) else { throw StoreError(.invalidArgument, "invalid event data store id") }
        let store = stores.withLock { $0.removeValue(forKey: id) }
        try store?.close()
        for suffix in ["", "-wal", "-shm"] {
            let file = path(forStore: id) + suffix
            if FileManager.default.fileExists(atPath: file) {
                do {
                    try FileManager.default.removeItem(atPath: file)
                } catch {
                    throw StoreError(.unavailable, "cannot remove event data store \(id)", underlying: error)
                }
            }
        }
    }

    /// IDs become file names: letters, digits and `-` only.
    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 128 && id.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == "-" || ("g"..."z").contains($0) || ("G"..."Z").contains($0) || $0 == "_" }
    }
}
