import TrailStore

/// What happened to the alerts of one ``Alerter/submit(_:)`` or ``Alerter/flush(force:)``.
public struct AlertReport: Sendable {
    /// One alert one target did not take.
    public struct Failure: Sendable {
        /// The target's description (no secrets).
        public var target: String
        /// The alert's headline.
        public var alert: String
        /// The rule of the alert.
        public var rule: String
        /// The findings the alert stood for.
        public var keys: [FindingKey]
        /// Why.
        public var error: AlertError
    }

    /// Alerts sent (each counted once, whatever the number of targets).
    public var alertsSent = 0
    /// (alert, target) deliveries that succeeded.
    public var deliveries = 0
    /// Failed deliveries, in no particular order.
    public var failures: [Failure] = []
    /// Findings dropped as already seen within the dedup horizon.
    public var duplicates = 0
    /// Findings covered by alerts every target accepted.
    public var delivered: [FindingKey] = []
    /// Findings folded into a window summary that is not due yet (``Alerter/flush(force:)`` sends it).
    public var deferred: [FindingKey] = []

    /// An empty report.
    public init() {}

    /// Findings covered by an alert that at least one target did not take. The ``Alerter``
    /// forgets them, so submitting them again sends them again.
    public var failedKeys: Set<FindingKey> { Set(failures.lazy.flatMap(\.keys)) }

    /// Whether every target took every alert.
    public var isSuccess: Bool { failures.isEmpty }

    mutating func merge(_ other: AlertReport) {
        alertsSent += other.alertsSent
        deliveries += other.deliveries
        failures += other.failures
        duplicates += other.duplicates
        delivered += other.delivered
        deferred += other.deferred
    }
}
