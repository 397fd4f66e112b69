import Foundation
import Logging
import ObjectStorage
import ServiceLifecycle
import TrailLake
import TrailModel
import TrailStore
import TrailStoreSQLite

/// Builds CloudTrail Lake for `serve` (plan §3.6): the catalog in `DATA_DIR/lake/lake.sqlite`, the stores through
/// the given storage factory (files under `DATA_DIR/lake/stores/`), and the services — live ingest, the janitor
/// (retention and pending-deletion purge) and the import runner.
public struct LakeAssembly {
    /// What the HTTP API uses.
    public var services: LakeServices
    /// To run in the service group, in this order, before the HTTP application.
    public var lifecycleServices: [any Service]

    /// - Parameters:
    ///   - storage: opens the per-store files (TrailStoreSQLite's factory in `serve`).
    ///   - objects: where StartImport reads S3 locations (the trail object store: embedded or `s3-endpoint`).
    public static func build(
        settings: LakeSettings, directory: DataDirectory, journal: any EventStore, objects: any ObjectStore,
        identity: ServiceIdentity, organizationID: String?, storage: any EventDataStoreStorageFactory, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) throws -> LakeAssembly {
        do {
            try FileManager.default.createDirectory(atPath: directory.lakeStoresPath, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError("cannot create \(directory.lakeStoresPath)")
        }
        let persistence = try SQLiteLakeCatalogStore(path: directory.lakeCatalogPath)
        let catalog = LakeCatalog(
            configuration: .init(
                accountID: identity.accountID, region: identity.region, maxEventDataStores: settings.maxEventDataStores,
                pendingDeletionPeriod: settings.pendingDeletionPeriod, maxChannels: settings.maxChannels,
                organizationID: organizationID),
            persistence: persistence, storageFactory: storage, journal: journal, defaultChannel: identity.defaultChannel,
            now: now)
        let imports = ImportService(catalog: catalog, objects: objects, logger: logger)
        // Purges must not wait an hour when the pending-deletion period is shorter (tests use seconds).
        let janitorInterval = Swift.max(1, Swift.min(3600, settings.pendingDeletionPeriod / 2))
        return LakeAssembly(
            services: LakeServices(catalog: catalog, imports: imports),
            lifecycleServices: [
                LakeCatalogLifecycle(persistence: persistence, logger: logger),
                LakeIngestService(catalog: catalog, journal: journal, logger: logger),
                LakeJanitor(catalog: catalog, logger: logger, interval: .seconds(janitorInterval)),
                imports,
            ])
    }
}

/// Closes the catalog file after the services that use it have stopped (it is listed first, so it stops last).
struct LakeCatalogLifecycle: Service {
    let persistence: SQLiteLakeCatalogStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        try persistence.close()
        logger.debug("lake catalog closed")
    }
}
