import Foundation
import Logging
import ServiceLifecycle
import TrailAlerts
import TrailStore

/// Sends the alerts the ledger says are owed, through the alerter (dedup, aggregation, retries),
/// then marks them. A crash before the mark re-sends them after restart: alerts are at least once.
public struct AlertDispatcher: Service {
    public let ledger: any AlertLedger
    public let alerter: Alerter
    public let poll: Duration
    let logger: Logger

    public init(ledger: any AlertLedger, alerter: Alerter, poll: Duration = .milliseconds(100), logger: Logger) {
        self.ledger = ledger
        self.alerter = alerter
        self.poll = poll
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let sent = await dispatchOnce()
            if sent == 0 {
                log(await alerter.flush(force: false))
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: poll) }
            }
        }
        // Shutting down: send what is owed and the open window summaries.
        _ = await dispatchOnce()
        log(await alerter.flush(force: true))
    }

    /// Logs what a window flush could not deliver. The findings it summarised were marked as
    /// alerted when they were folded into the summary (see README: a crash inside an aggregation
    /// window loses that window's summary, not its findings).
    func log(_ report: AlertReport) {
        for failure in report.failures {
            logger.error(
                "alert summary delivery failed after retries",
                metadata: [
                    "trail.target": "\(failure.target)", "trail.rule": "\(failure.rule)",
                    "trail.findings": "\(failure.keys.count)", "trail.error": "\(failure.error)",
                ])
        }
    }

    /// Sends one batch of owed alerts; returns how many findings it covered.
    @discardableResult
    public func dispatchOnce(limit: Int = 1000) async -> Int {
        let pending: [Finding]
        do {
            pending = try await ledger.pendingAlerts(limit: limit)
        } catch {
            logger.error("alert ledger read failed", metadata: ["trail.error": "\(error)"])
            return 0
        }
        guard !pending.isEmpty else { return 0 }
        let report = await alerter.submit(pending)
        // Failed alerts were retried within the bound by the alerter; they are given up on here
        // with the reason kept on the finding (the finding itself is stored either way).
        var failed: [String: [FindingKey]] = [:]
        for failure in report.failures {
            logger.error(
                "alert delivery failed after retries",
                metadata: [
                    "trail.target": "\(failure.target)", "trail.rule": "\(failure.rule)",
                    "trail.findings": "\(failure.keys.count)", "trail.error": "\(failure.error)",
                ])
            failed["\(failure.target): \(failure.error)", default: []] += failure.keys
        }
        let failedKeys = report.failedKeys
        do {
            try await ledger.markAlerted(pending.map(\.key).filter { !failedKeys.contains($0) }, failure: nil)
            for (reason, keys) in failed { try await ledger.markAlerted(keys, failure: reason) }
        } catch {
            logger.error("alert ledger update failed", metadata: ["trail.error": "\(error)"])
        }
        return pending.count
    }
}
