import Logging
import ServiceLifecycle
import TrailModel
import TrailStore

/// Lake housekeeping (plan §3.1, §2.2): enforces each store's retention (judged on eventTime) and purges stores
/// whose pending-deletion period has passed. Runs at start and then every ``interval``.
public struct LakeJanitor: Service {
    /// What one pass did.
    public struct Report: Sendable, Hashable {
        /// Events removed by retention, per store ID.
        public var expired: [String: Int] = [:]
        /// Stores purged after their pending deletion.
        public var purged: [String] = []
    }

    let catalog: LakeCatalog
    let logger: Logger
    let interval: Duration

    /// - Parameter interval: time between passes (hourly in `serve`, shorter when the pending-deletion period is).
    public init(catalog: LakeCatalog, logger: Logger, interval: Duration = .seconds(3600)) {
        self.catalog = catalog
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let report = try await pass()
                if !report.purged.isEmpty {
                    logger.info("event data stores purged", metadata: ["trail.lake.purged": "\(report.purged.joined(separator: ","))"])
                }
                let expired = report.expired.values.reduce(0, +)
                if expired > 0 { logger.info("lake retention", metadata: ["trail.lake.expired": "\(expired)"]) }
            } catch {
                logger.warning("lake maintenance pass failed", metadata: ["trail.error": "\(String(reflecting: error))"])
            }
            _ = try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
        }
    }

    /// One pass: purge, then retention of every store not pending deletion.
    public func pass() async throws -> Report {
        var report = Report()
        report.purged = try await catalog.purgeDeletedStores()
        for (store, storage) in try await catalog.retentionTargets() {
            let removed = try await storage.purge(before: await catalog.retentionCutoff(for: store))
            if removed > 0 { report.expired[store.id] = removed }
        }
        return report
    }
}
