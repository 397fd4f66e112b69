import Foundation
import TrailModel

/// Calls (or errors) of one insight series in one minute.
public struct InsightMinuteCount: Sendable, Hashable {
    /// The series.
    public var key: InsightKey
    /// Minutes since 1970.
    public var minute: Int64
    /// Calls (call rate) or errors (error rate) counted in that minute.
    public var count: Int

    /// Creates a count.
    public init(key: InsightKey, minute: Int64, count: Int) {
        self.key = key
        self.minute = minute
        self.count = count
    }
}

/// The Insights analyzer's saved position and detector state.
public struct InsightAnalyzerSnapshot: Sendable, Hashable {
    /// The last journal sequence whose events are in the counts and the state.
    public var position: Int64
    /// The analyzer's encoded detector state (opaque to the store).
    public var state: Data

    /// Creates a snapshot.
    public init(position: Int64, state: Data) {
        self.position = position
        self.state = state
    }
}

/// Which series a ListInsightsMetricData request sums: every category of one API and insight type in
/// one account and region (and, for error rate, one error code).
public struct InsightSeriesFilter: Sendable, Hashable {
    public var account: String
    public var region: String
    public var eventSource: String
    public var eventName: String
    public var insightType: InsightType
    /// Error-rate series: the error code; `nil` for call rate.
    public var errorCode: String?

    /// Creates a filter.
    public init(
        account: String, region: String, eventSource: String, eventName: String, insightType: InsightType,
        errorCode: String?
    ) {
        self.account = account
        self.region = region
        self.eventSource = eventSource
        self.eventName = eventName
        self.insightType = insightType
        self.errorCode = errorCode
    }

    /// Whether `key` is one of the filtered series.
    public func matches(_ key: InsightKey) -> Bool {
        key.account == account && key.region == region && key.eventSource == eventSource && key.eventName == eventName
            && key.insightType == insightType && key.errorCode == errorCode
    }
}

/// Durable state of the Insights analyzer (`DATA_DIR/insights.sqlite`): per-minute counts and the
/// detector state, saved together with the journal position so they are exactly as far as it.
public protocol InsightStateStore: Sendable {
    /// The saved position and state, or `nil` before the first commit.
    func snapshot() async throws -> InsightAnalyzerSnapshot?

    /// In one transaction: adds `counts` to the stored minute counts, replaces the state and moves the
    /// position to `position`.
    func commit(position: Int64, state: Data, adding counts: [InsightMinuteCount]) async throws

    /// Minute counts of every series of `types` in `[from, to)` (minutes), ordered by minute.
    func counts(types: Set<InsightType>, fromMinute from: Int64, toMinute to: Int64) async throws -> [InsightMinuteCount]

    /// Per-minute sums over the series `filter` selects in `[from, to)` (minutes): minute → count, nonzero only.
    func counts(matching filter: InsightSeriesFilter, fromMinute from: Int64, toMinute to: Int64) async throws
        -> [Int64: Int]

    /// Removes counts of minutes before `minute`; returns how many rows went.
    func removeCounts(before minute: Int64) async throws -> Int
}
