extension InsightsAnalyzer {
    /// Settings of the analyzer (`insights:` in the server configuration, plan §3.6).
    public struct Configuration: Sendable, Hashable {
        /// Thresholds, hysteresis, lateness and warmup of ApiCallRateInsight series.
        public var callRate: InsightThresholds
        /// Thresholds, hysteresis, lateness and warmup of ApiErrorRateInsight series.
        public var errorRate: InsightThresholds
        /// Which minutes form a baseline.
        public var baselineWindow: BaselineWindow
        /// When a type becomes enabled, minutes this many seconds before that moment are evaluated too
        /// (their counts come from the stored history). Default 0: only minutes after enabling.
        public var backfill: Int64
        /// Journal entries read per step.
        public var batchSize: Int
        /// While catching up, entries counted between commits of the state (always committed once caught up).
        public var commitInterval: Int
        /// Pause between steps when the journal has nothing new.
        public var poll: Duration
        /// Days of per-minute counts kept (baselines after a restart, ListInsightsMetricData). Default 90.
        public var countRetentionDays: Int
        /// Journal events read per insight record for its attributions (the rest is not attributed).
        public var attributionScanLimit: Int

        /// Creates a configuration; every argument has the documented default.
        public init(
            callRate: InsightThresholds = .callRate, errorRate: InsightThresholds = .errorRate,
            baselineWindow: BaselineWindow = .fromMidnightSevenDaysBefore, backfill: Int64 = 0, batchSize: Int = 5000,
            commitInterval: Int = 200_000, poll: Duration = .seconds(1), countRetentionDays: Int = 90, attributionScanLimit: Int = 1_000_000
        ) {
            self.callRate = callRate
            self.errorRate = errorRate
            self.baselineWindow = baselineWindow
            self.backfill = Swift.max(0, backfill)
            self.batchSize = Swift.max(1, batchSize)
            self.commitInterval = Swift.max(1, commitInterval)
            self.poll = poll
            self.countRetentionDays = Swift.max(1, countRetentionDays)
            self.attributionScanLimit = Swift.max(0, attributionScanLimit)
        }

        /// The detector settings of a type enabled at `enabledAt` (seconds since 1970).
        func detector(enabledAt: Int64) -> InsightDetector.Configuration {
            InsightDetector.Configuration(
                callRate: callRate, errorRate: errorRate, baselineWindow: baselineWindow,
                evaluationStart: enabledAt - backfill)
        }
    }
}
