import Foundation
import Logging
import ObjectStorage
import ServiceLifecycle

/// Runs the lifecycle rules on a schedule inside `serve`: the rules of the `lifecycle:` section and
/// those set through the S3 API (read again at every run), over the server's object store.
///
/// Each run's report goes to the log; a failed run is logged and the next one comes at its time.
public struct LifecycleService: Service {
    let settings: LifecycleSettings
    let store: any ObjectStore
    let stored: BucketLifecycleStore?
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        settings: LifecycleSettings, store: any ObjectStore, stored: BucketLifecycleStore?, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.settings = settings
        self.store = store
        self.stored = stored
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        logger.info("lifecycle rules scheduled", metadata: ["trail.lifecycle.schedule": "\(settings.schedule)"])
        while !Task.isShuttingDownGracefully {
            guard let next = settings.schedule.next(after: now()) else { return }
            let delay = next.timeIntervalSince(now())
            if delay > 0 {
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int64(delay * 1000))) }
                } catch {
                    return
                }
            }
            guard !Task.isShuttingDownGracefully else { return }
            do {
                let report = try await runOnce()
                logger.info("lifecycle report", metadata: ["trail.lifecycle.summary": "\(report.summary)"])
            } catch {
                logger.error("lifecycle run failed", metadata: ["trail.error": "\(String(reflecting: error))"])
            }
        }
    }

    /// One run over every bucket with rules, as of now.
    public func runOnce() async throws -> LifecycleReport {
        let targets = try await LifecycleJob.Target.collect(configured: settings.configurations, stored: stored, store: store)
        let job = LifecycleJob(
            store: store, targets: targets,
            options: LifecycleJob.Options(ageFrom: settings.ageFrom, concurrency: settings.concurrency), logger: logger)
        return try await job.run(now: now())
    }
}
