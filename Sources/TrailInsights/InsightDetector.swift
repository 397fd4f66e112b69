import TrailModel

/// The Insights state machine (plan §4.2): per-minute counts in, Start and End decisions out.
///
/// A pure value type (STYLE §3): the shell adds counts with ``add(_:to:atMinute:)`` as it reads the
/// journal and calls ``advance(now:)`` with the current time; the detector evaluates, in order, every
/// minute of every key that has become final and returns the resulting actions. A minute `m` is final
/// when `now ≥ (m + 1)·60 + lateness`; the shell must only pass a `now` up to which it has read the
/// journal, so that a final minute's count is complete.
///
/// Per key: the trailing baseline (``Baseline``, ``BaselineWindow``); a Start when a minute's count
/// reaches ``InsightThresholds/threshold(for:)``; while open, a frozen baseline and threshold, and an
/// End at the first minute of a streak of ``InsightThresholds/endQuietMinutes`` minutes below the
/// threshold; at most one open insight per key. ``state`` is `Codable`, so the shell can persist it
/// with its journal position and resume after a crash.
public struct InsightDetector: Sendable {
    /// What the detector decided.
    public enum Action: Sendable, Hashable {
        /// An insight opened (``Insight/endMinute`` is `nil`).
        case start(Insight)
        /// An insight closed (``Insight/endMinute`` is set).
        case end(Insight)
    }

    /// Settings of a detector.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Thresholds of call-rate keys.
        public var callRate: InsightThresholds
        /// Thresholds of error-rate keys.
        public var errorRate: InsightThresholds
        /// Which minutes form a baseline.
        public var baselineWindow: BaselineWindow
        /// Seconds since 1970 before which minutes only feed baselines and are never evaluated
        /// ("enable time − backfill"). Default: no limit.
        public var evaluationStart: Int64

        /// Creates a configuration; every argument has the documented default.
        public init(
            callRate: InsightThresholds = .callRate, errorRate: InsightThresholds = .errorRate,
            baselineWindow: BaselineWindow = .fromMidnightSevenDaysBefore, evaluationStart: Int64 = .min
        ) {
            self.callRate = callRate
            self.errorRate = errorRate
            self.baselineWindow = baselineWindow
            self.evaluationStart = evaluationStart
        }

        /// The thresholds of `type`.
        public func thresholds(for type: InsightType) -> InsightThresholds {
            type == .apiCallRate ? callRate : errorRate
        }
    }

    /// Everything the detector remembers; persist it to resume after a restart.
    public struct State: Sendable, Hashable, Codable {
        var series: [InsightKey: Series] = [:]

        /// An empty state.
        public init() {}
    }

    /// The settings.
    public let configuration: Configuration
    /// The current state.
    public private(set) var state: State

    /// Creates a detector, empty or resuming from a saved `state`.
    public init(configuration: Configuration = Configuration(), state: State = State()) {
        self.configuration = configuration
        self.state = state
    }

    /// Adds `count` calls of `key` in `minute` (minutes since 1970).
    ///
    /// Counts may arrive in pieces and out of order while the minute is not evaluated. A count for a
    /// minute already evaluated cannot change any decision; it is dropped and tallied in
    /// ``lateEvents(of:)`` for the shell to report.
    public mutating func add(_ count: Int, to key: InsightKey, atMinute minute: Int64) {
        guard count > 0 else { return }
        if state.series[key] == nil {
            state.series[key] = Series(firstMinute: minute)
        }
        state.series[key]?.add(count, atMinute: minute)
    }

    /// Evaluates every minute that is final at `now` (seconds since 1970), keys in order.
    /// - Returns: the Starts and Ends decided, per key in minute order.
    public mutating func advance(now: Int64) -> [Action] {
        var actions: [Action] = []
        for key in state.series.keys.sorted() {
            let thresholds = configuration.thresholds(for: key.insightType)
            let limit = InsightEventFields.minute(of: now - thresholds.lateness)
            guard var series = state.series[key] else { continue }
            state.series[key] = nil  // keep the stored value unique while it is mutated
            series.evaluate(
                until: limit, key: key, thresholds: thresholds, window: configuration.baselineWindow,
                evaluationStart: configuration.evaluationStart, actions: &actions
            )
            state.series[key] = series
        }
        return actions
    }

    /// The insights open now, by key.
    public var openInsights: [Insight] {
        state.series.keys.sorted().compactMap { state.series[$0]?.open?.insight }
    }

    /// The baseline of the next minute `key` will evaluate, or `nil` for an unknown key.
    public func nextBaseline(of key: InsightKey) -> Baseline? {
        guard let series = state.series[key] else { return nil }
        return series.baseline(at: series.nextMinute, window: configuration.baselineWindow)
    }

    /// The first minute of `key` not evaluated yet.
    public func nextMinute(of key: InsightKey) -> Int64? { state.series[key]?.nextMinute }

    /// Calls of `key` that arrived after their minute was evaluated.
    public func lateEvents(of key: InsightKey) -> Int { state.series[key]?.lateEvents ?? 0 }

    /// The keys the detector knows.
    public var keys: [InsightKey] { state.series.keys.sorted() }

    /// Forgets keys that have no open insight, no pending counts and nothing in the baseline of their
    /// next minute: they hold nothing a decision could use.
    ///
    /// The shell calls it now and then to bound memory. A forgotten key that becomes active again
    /// starts over, warmup included.
    public mutating func pruneIdle() {
        let window = configuration.baselineWindow
        for (key, series) in state.series
        where series.open == nil && series.pending.isEmpty
            && series.baseline(at: series.nextMinute, window: window).count == 0
        {
            state.series[key] = nil
        }
    }
}
