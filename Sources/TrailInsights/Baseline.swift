/// The trailing baseline of one key at one minute (plan §4.2).
///
/// With the default window the baseline covers `[midnight(m) − 7 days, m)`: seven whole days plus
/// today's minutes before `m`, so `durationMinutes = 10080 + minuteOfDay(m)` (the documented
/// `baselineDuration` 11336 of an insight at 20:56). Minutes without calls count as zeros.
public struct Baseline: Sendable, Hashable, Codable {
    /// Calls (or errors) in the window.
    public var count: Int
    /// Sum of the squared per-minute counts in the window.
    public var sumOfSquares: Double
    /// Minutes in the window.
    public var durationMinutes: Int

    /// Creates a baseline from its sums.
    public init(count: Int, sumOfSquares: Double, durationMinutes: Int) {
        self.count = count
        self.sumOfSquares = sumOfSquares
        self.durationMinutes = durationMinutes
    }

    /// Calls per minute over the window.
    public var average: Double { durationMinutes > 0 ? Double(count) / Double(durationMinutes) : 0 }

    /// Population standard deviation of the per-minute counts, zeros included.
    public var standardDeviation: Double {
        guard durationMinutes > 0 else { return 0 }
        let mean = average
        return (Swift.max(0, sumOfSquares / Double(durationMinutes) - mean * mean)).squareRoot()
    }
}

/// Which minutes make up the baseline of minute `m`.
public enum BaselineWindow: String, Sendable, Hashable, Codable {
    /// `[midnight(m) − 7 days, m)`, `10080 + minuteOfDay(m)` minutes: the plan's rule, matching the
    /// documented `baselineDuration` of 11336 at 20:56.
    case fromMidnightSevenDaysBefore
    /// `[m − 7 days, m)`, always 10080 minutes: what the 2019 log-file example implies (its
    /// baseline 85.4202380952 = 861036 / 10080 at 00:51). Keeps per-minute counts for 8 days.
    case sevenDaysBefore
}
