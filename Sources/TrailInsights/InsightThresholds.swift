/// When a minute's count is unusual enough to open an insight, and when an insight ends.
///
/// The model is ours: AWS does not publish its own (spec §4.2). A minute `m` starts an insight when
/// `count(m) ≥ max(minimumPerMinute, ratio × baseline average, baseline average + sigma × σ)`.
public struct InsightThresholds: Sendable, Hashable, Codable {
    /// The smallest count per minute that can start an insight (at least 1). Default 10.
    public var minimumPerMinute: Int
    /// The count must be at least this multiple of the baseline average. Default 3.
    public var ratio: Double
    /// The count must exceed the baseline average by this many standard deviations. Default 4.
    public var sigma: Double
    /// Consecutive minutes below the threshold that end an open insight (at least 1). Default 5.
    public var endQuietMinutes: Int
    /// Seconds after a minute's end before it is final and evaluated (late events). Default 120.
    public var lateness: Int64
    /// Seconds after a key's first event before its minutes are evaluated, so the baseline holds a
    /// full week of history. Default 604 800 (7 days).
    public var warmup: Int64

    /// Creates thresholds; `minimumPerMinute` and `endQuietMinutes` are raised to 1 if smaller.
    public init(
        minimumPerMinute: Int = 10, ratio: Double = 3, sigma: Double = 4, endQuietMinutes: Int = 5,
        lateness: Int64 = 120, warmup: Int64 = 7 * 86_400
    ) {
        self.minimumPerMinute = Swift.max(1, minimumPerMinute)
        self.ratio = ratio
        self.sigma = sigma
        self.endQuietMinutes = Swift.max(1, endQuietMinutes)
        self.lateness = Swift.max(0, lateness)
        self.warmup = Swift.max(0, warmup)
    }

    /// The defaults for call-rate insights.
    public static let callRate = InsightThresholds()
    /// The defaults for error-rate insights: errors are rarer, so the floor is lower.
    public static let errorRate = InsightThresholds(minimumPerMinute: 5)

    /// The count a minute needs to start an insight, given the baseline.
    public func threshold(for baseline: Baseline) -> Double {
        Swift.max(
            Double(minimumPerMinute), ratio * baseline.average, baseline.average + sigma * baseline.standardDeviation)
    }
}
