import TrailModel

/// One detected insight of one key: open after its Start, closed once its End is known.
public struct Insight: Sendable, Hashable, Codable {
    /// The series the insight concerns.
    public var key: InsightKey
    /// The first unusual minute (minutes since 1970).
    public var startMinute: Int64
    /// The baseline at the start minute, frozen for the life of the insight.
    public var baseline: Baseline
    /// The threshold the start minute reached, also frozen.
    public var threshold: Double
    /// The count of the start minute.
    public var startCount: Int
    /// The first quiet minute of the streak that ended the insight; `nil` while open.
    public var endMinute: Int64?
    /// Calls (or errors) counted in `[startMinute, endMinute)` once closed; so far while open.
    public var totalCount: Int

    /// Creates an insight.
    public init(
        key: InsightKey, startMinute: Int64, baseline: Baseline, threshold: Double, startCount: Int,
        endMinute: Int64? = nil, totalCount: Int
    ) {
        self.key = key
        self.startMinute = startMinute
        self.baseline = baseline
        self.threshold = threshold
        self.startCount = startCount
        self.endMinute = endMinute
        self.totalCount = totalCount
    }

    /// `endMinute − startMinute`, or `nil` while open.
    public var durationMinutes: Int? { endMinute.map { Int($0 - startMinute) } }

    /// Calls per minute: the start minute's count while open, the whole insight's average once closed.
    public var average: Double {
        if let duration = durationMinutes, duration > 0 { return Double(totalCount) / Double(duration) }
        return Double(startCount)
    }

    /// The `sharedEventID` of the Start and End records, derived from the key and the start minute.
    public var sharedEventID: String { InsightRecord.derivedID(key.parts + [String(startMinute)]) }

    /// The `eventID` of the record with `state`.
    public func eventID(for state: InsightRecord.State) -> String {
        InsightRecord.derivedID(key.parts + [String(startMinute), state.rawValue])
    }

    /// The Start (at the start minute) or End (at the end minute) record of this insight.
    ///
    /// Start records carry the start minute's rate and no `insightDuration` (they are emitted at
    /// detection); End records carry the whole insight's average and its duration.
    /// - Parameter attributions: `insightContext.attributions` (see ``Attributions``); `nil` omits them.
    /// - Precondition: `state == .start` or the insight is closed.
    public func record(_ state: InsightRecord.State, attributions: [InsightRecord.Attribution]? = nil) -> InsightRecord
    {
        precondition(state == .start || endMinute != nil, "an End record needs a closed insight")
        let minute = state == .start ? startMinute : (endMinute ?? startMinute)
        return InsightRecord(
            eventTime: minute * 60, awsRegion: key.region, recipientAccountID: key.account,
            eventID: eventID(for: state), sharedEventID: sharedEventID, state: state, eventSource: key.eventSource,
            eventName: key.eventName, insightType: key.insightType, errorCode: key.errorCode,
            sourceEventCategory: key.category, baselineAverage: baseline.average,
            insightAverage: state == .start ? Double(startCount) : average,
            insightDuration: state == .start ? nil : durationMinutes, baselineDuration: baseline.durationMinutes,
            attributions: attributions
        )
    }
}
