import Foundation
import Logging
import TrailStore

/// Turns findings into alerts: drops duplicates, sends the first findings of each rule's window
/// on their own, folds the rest into one summary per rule and window, and delivers to every
/// target at once.
///
/// Per rule, the first finding opens a window of ``AlertPolicy/window``. Its first
/// ``AlertPolicy/individualAlertsPerWindow`` findings are alerts of their own; the others are
/// counted, and when the window has closed ``flush(force:)`` (or the next ``submit(_:)``) sends
/// one summary: "RULE matched 9,995 more events in the last 60 s; top actors …". A burst of 10,000
/// matches of one rule thus makes N + 1 messages.
///
/// A target that fails does not hold the others: targets are sent to concurrently, each with its
/// own retries and deadline (``AlertDelivery``). Findings whose alert failed anywhere are listed in
/// the report and forgotten by the dedup memory, so submitting them again retries them.
public actor Alerter {
    let targets: [any AlertTarget]
    let policy: AlertPolicy
    let now: @Sendable () -> Date
    let logger: Logger
    var windows: [String: RuleWindow] = [:]
    var remembered = Remembered()

    /// An alerter.
    ///
    /// - Parameters:
    ///   - targets: where alerts go.
    ///   - policy: dedup and aggregation limits.
    ///   - now: the clock (injectable for tests).
    ///   - logger: where failures are logged (debug; the caller acts on the report).
    public init(
        targets: [any AlertTarget],
        policy: AlertPolicy = AlertPolicy(),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        self.targets = targets
        self.policy = policy
        self.now = now
        self.logger = logger
    }

    /// Sends (or schedules for the window summary) alerts for these findings; returns when every
    /// target has accepted or definitively failed each alert due now.
    ///
    /// Summaries of windows that have closed are sent too.
    /// - Returns: per-target outcomes; ``AlertReport/deferred`` lists findings that wait for a summary.
    public func submit(_ findings: [Finding]) async -> AlertReport {
        let time = now()
        var report = AlertReport()
        var due = closeWindows(at: time, force: false)
        remembered.expire(
            before: time.addingTimeInterval(-AlertDelivery.seconds(policy.dedupHorizon)),
            limit: policy.maximumRemembered)
        let cutoff = time.addingTimeInterval(-AlertDelivery.seconds(policy.dedupHorizon))
        for finding in findings {
            let key = finding.key
            if remembered.contains(key, after: cutoff) {
                report.duplicates += 1
                continue
            }
            remembered.insert(key, at: time)
            var window = windows[finding.rule] ?? RuleWindow(start: time)
            if window.individuallySent < policy.individualAlertsPerWindow {
                window.individuallySent += 1
                due.append(Dispatch(alert: Alert(finding: finding, raisedAt: time), keys: [key]))
            } else {
                window.fold(finding, policy: policy)
                report.deferred.append(key)
            }
            windows[finding.rule] = window
        }
        report.merge(await dispatch(due))
        return report
    }

    /// Sends pending window summaries whose window has closed (call periodically, and at shutdown).
    ///
    /// - Parameter force: send every pending summary now and start every rule's window afresh
    ///   (at shutdown).
    public func flush(force: Bool) async -> AlertReport {
        await dispatch(closeWindows(at: now(), force: force))
    }

    /// Summaries pending, for tests and metrics: how many findings wait in open windows.
    public var pendingSummaryCount: Int { windows.values.reduce(0) { $0 + $1.folded } }

    /// Removes closed windows (all with `force`) and returns their summaries.
    private func closeWindows(at time: Date, force: Bool) -> [Dispatch] {
        let length = AlertDelivery.seconds(policy.window)
        var due: [Dispatch] = []
        for (rule, window) in windows.sorted(by: { $0.key < $1.key }) {
            let end = window.start.addingTimeInterval(length)
            guard force || end <= time else { continue }
            windows[rule] = nil
            if let summary = window.summary(rule: rule, end: min(end, time), policy: policy) { due.append(summary) }
        }
        return due
    }

    /// Sends `due` to every target concurrently (in order within a target). After a target fails
    /// as unavailable, its remaining alerts of this batch fail at once instead of waiting again.
    private func dispatch(_ due: [Dispatch]) async -> AlertReport {
        var report = AlertReport()
        guard !due.isEmpty else { return report }
        report.alertsSent = due.count
        let failures = await withTaskGroup(of: (Int, [AlertReport.Failure]).self) { group in
            for target in targets {
                group.addTask {
                    var failures: [AlertReport.Failure] = []
                    var down: AlertError?
                    for dispatch in due {
                        do {
                            if let down { throw down }
                            try await target.send(dispatch.alert)
                        } catch {
                            let alertError =
                                error as? AlertError
                                ?? AlertError(.unavailable, "\(target.description): \(error)", underlying: error)
                            if alertError.code == .unavailable || alertError.code == .timedOut { down = alertError }
                            failures.append(
                                AlertReport.Failure(
                                    target: target.description, alert: dispatch.alert.headline,
                                    rule: dispatch.alert.rule,
                                    keys: dispatch.keys, error: alertError
                                )
                            )
                        }
                    }
                    return (due.count - failures.count, failures)
                }
            }
            var all: [AlertReport.Failure] = []
            for await (delivered, failed) in group {
                report.deliveries += delivered
                all += failed
            }
            return all
        }
        report.failures = failures
        for failure in failures {
            logger.debug(
                "alert not delivered",
                metadata: [
                    LogKey.target: "\(failure.target)", LogKey.rule: "\(failure.rule)",
                    LogKey.error: "\(failure.error)",
                ]
            )
            for key in failure.keys { remembered.remove(key) }
        }
        let failedKeys = report.failedKeys
        for dispatch in due {
            report.delivered += dispatch.keys.filter { !failedKeys.contains($0) }
        }
        return report
    }
}
