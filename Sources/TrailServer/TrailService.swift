import AWSWire
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ObjectStorage
import ServiceLifecycle
import TrailAPI
import TrailAlerts
import TrailArchive
import TrailDelivery
import TrailLake
import TrailModel
import TrailPipeline
import TrailStore
import TrailStoreSQLite
import UnixSignals

/// Builds the whole service on one port: the only place that picks concrete backends.
///
/// - Parameters:
///   - configuration: resolved settings.
///   - logger: the application's logger (bootstrapped by `main`).
///   - metricsText: renders `/metrics` (the Prometheus registry that `main` bootstrapped).
///   - lakeStorage: opens event data store files under the given directory (`DATA_DIR/lake/stores`); SQLite files
///     (``SQLiteEventDataStoreFactory``) by default.
/// - Returns: a service group to run; it stops on SIGTERM/SIGINT, draining in-flight requests
///   first and closing the journal last.
public func buildServiceGroup(
    configuration: ServerConfiguration, logger: Logger,
    metricsText: @escaping @Sendable () async -> String = { "" },
    lakeStorage: @Sendable (String) throws -> any EventDataStoreStorageFactory = {
        SQLiteEventDataStoreFactory(directory: URL(fileURLWithPath: $0))
    }
) async throws -> ServiceGroup {
    let directory = DataDirectory(path: configuration.dataDirectory)
    try directory.prepare()
    let identity = try directory.identity(accountID: configuration.accountID, region: configuration.region)
    let keys = try directory.credentials()
    let store = try SQLiteEventStore(
        configuration: .init(path: directory.journalPath, synchronousFull: configuration.durableCommits),
        logger: logger)
    let objects = try FileObjectStore(root: directory.path)
    let aws = AWSConfiguration(environment: ProcessInfo.processInfo.environment)
    let trailObjects: any ObjectStore =
        try AWSBackends.objectStore(endpoint: configuration.s3Endpoint, aws: aws, logger: logger) ?? objects
    let delivery = try SQLiteDeliveryStateStore(path: directory.deliveryStatePath)
    var deliveryConfiguration = TrailDeliverer.Configuration(
        deliveryInterval: configuration.deliveryInterval, digestInterval: configuration.digestInterval,
        maximumFileBytes: configuration.maximumLogFileBytes)
    if configuration.pipeline?.queue == "embedded" {
        // Every delivered log file is announced on the pipeline's embedded queue, atomically with
        // the delivery, as S3 would announce it to SQS.
        deliveryConfiguration.pipelineQueue = EmbeddedQueue.defaultName
    }
    let signingKeys = try SigningKeyRing(directory: directory.signingKeysPath, rotation: configuration.signingKeyRotation)
    let deliverer = TrailDeliverer(
        journal: store, state: delivery, catalog: try TrailCatalog(directory: directory.trailsPath), objects: trailObjects,
        keys: signingKeys,
        identity: identity,
        configuration: deliveryConfiguration,
        logger: logger, now: { Int64(Date().timeIntervalSince1970) })
    let lifecycleStore = BucketLifecycleStore(directory: directory.lifecyclePath)
    let lake = try LakeAssembly.build(
        settings: configuration.lake, directory: directory, journal: store, objects: trailObjects, identity: identity,
        organizationID: configuration.organizationID, storage: try lakeStorage(directory.lakeStoresPath), logger: logger)
    let queries = try LakeQueryAssembly.build(
        settings: configuration.lakeQuery, dataDirectory: directory.path, stores: lake.services.catalog,
        executor: SQLiteLakeQueryExecutor(storesDirectory: URL(fileURLWithPath: directory.lakeStoresPath)),
        objects: trailObjects, keys: signingKeys, identity: identity, logger: logger)
    let insights = try InsightsAssembly.build(
        settings: configuration.insights, directory: directory, journal: store, catalog: deliverer.catalog,
        lake: lake.services.catalog, logger: logger)
    let api = TrailAPIContext(
        store: store, objects: trailObjects, deliverer: deliverer, identity: identity, authenticator: SigV4Authenticator(keys: keys),
        configuration: .init(
            retentionDays: configuration.retentionDays, maximumRecordSize: configuration.maximumRecordBytes,
            organizationID: configuration.organizationID, governanceBypassKeys: configuration.governanceBypassKeys),
        now: { Int64(Date().timeIntervalSince1970) }, metricsText: metricsText, lifecycle: lifecycleStore,
        queries: queries, lake: lake.services, insights: insights?.state)
    let host = configuration.host
    let app = Application(
        router: buildRouter(api),
        // `100 Continue` right after the head: botocore otherwise waits a second before each upload body.
        server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
        configuration: .init(address: .hostname(host, port: configuration.port), serverName: "trailkeeper"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            logger.info("trailkeeper ready on http://\(host):\(port)")
        },
        logger: logger)
    logger.info(
        "starting",
        metadata: [
            "trail.data_dir": "\(configuration.dataDirectory)", "trail.account": "\(identity.accountID)",
            "trail.region": "\(identity.region)",
        ])
    let retention = RetentionService(
        store: store, retentionDays: configuration.retentionDays, logger: logger,
        now: { Int64(Date().timeIntervalSince1970) })
    var services: [any Service] = [
        StoreLifecycle(store: store, delivery: delivery, logger: logger),
        DeliveryService(deliverer: deliverer, period: .seconds(1), logger: logger),
        retention,
    ]
    services += lake.lifecycleServices
    services.append(queries)
    // Insights: counts and detection on the journal; its records reach trails, lookup and rules.
    services += insights?.services ?? []
    if let settings = configuration.pipeline {
        let assembly: PipelineAssembly
        do {
            assembly = try await PipelineAssembly.build(
                settings: settings, dataDirectory: directory.path, state: delivery, localObjects: trailObjects, journal: store,
                httpClient: HTTPClient.shared, aws: AWSConfiguration(environment: ProcessInfo.processInfo.environment),
                logger: logger)
        } catch {
            throw ConfigurationError("pipeline: \(error)")
        }
        services += assembly.services
    }
    // The lifecycle rules of the `lifecycle:` section and of the S3 API (S3 applies a bucket's
    // configuration by itself; so does `serve`, daily unless the section says otherwise).
    services.append(
        LifecycleService(
            settings: try configuration.lifecycle ?? LifecycleSettings(schedule: Schedule("rate(1 day)")), store: trailObjects,
            stored: lifecycleStore, logger: logger))
    if !configuration.backups.isEmpty {
        services.append(try backupScheduler(configuration.backups, directory: directory, aws: aws, logger: logger))
    }
    if let forwarder = try AWSBackends.notificationForwarder(
        endpoint: configuration.snsEndpoint, environment: ProcessInfo.processInfo.environment, aws: aws,
        deliverer: deliverer, logger: logger)
    {
        services.append(forwarder)
    }
    services.append(app)
    return ServiceGroup(
        configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
}

/// Keeps the journal open while the service runs and closes it last, after the HTTP server
/// has finished its in-flight requests.
struct StoreLifecycle: Service {
    let store: SQLiteEventStore
    let delivery: SQLiteDeliveryStateStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        try delivery.close()
        try store.close()
        logger.info("journal closed")
    }
}

/// Removes events past event history's retention, hourly.
struct RetentionService: Service {
    let store: any EventStore
    let retentionDays: Int
    let logger: Logger
    let now: @Sendable () -> Int64

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            let cutoff = now() - Int64(retentionDays) * 86400
            do {
                let removed = try await store.expire(before: cutoff)
                if removed > 0 { logger.info("expired events", metadata: ["trail.expired": "\(removed)"]) }
            } catch {
                logger.warning("retention pass failed", metadata: ["trail.error": "\(String(reflecting: error))"])
            }
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}

/// The scheduler of the `backups:` jobs; each run has its own HTTP client, notifications go
/// through the shared one.
func backupScheduler(
    _ jobs: [BackupJobConfiguration], directory: DataDirectory, aws: AWSConfiguration, logger: Logger
) throws -> BackupScheduler {
    let targets = AlertTargetConfiguration(httpClient: HTTPClient.shared, aws: aws, logger: logger)
    let scheduled = try jobs.map { job in
        let notifier: BackupNotifier
        do {
            notifier = try BackupNotifier(urls: job.notify, configuration: targets)
        } catch {
            throw ConfigurationError("backups.\(job.name).notify: \(error)")
        }
        var jobLogger = logger
        jobLogger[metadataKey: "trail.backup.job"] = "\(job.name)"
        let runLogger = jobLogger
        return BackupScheduler.Job(
            name: job.name, schedule: job.schedule, source: job.source.description,
            destination: job.destination.description, notifier: notifier
        ) { now in
            try await job.run(aws: aws, logger: runLogger, now: now)
        }
    }
    logger.info("backup jobs scheduled", metadata: ["trail.backup.jobs": "\(jobs.map(\.name).joined(separator: ","))"])
    return BackupScheduler(jobs: scheduled, states: BackupJobStateStore(folder: directory.backupsPath), logger: logger)
}
