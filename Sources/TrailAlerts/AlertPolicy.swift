/// How the ``Alerter`` deduplicates and aggregates findings.
public struct AlertPolicy: Sendable, Hashable {
    /// How many findings per rule and window are sent as alerts of their own; the rest of the
    /// window's findings of that rule are folded into one summary. Default 5.
    public var individualAlertsPerWindow: Int
    /// The aggregation window, started by a rule's first finding. Default 60 s.
    public var window: Duration
    /// How long a (eventID, rule) pair is remembered to drop duplicates. Default 1 hour.
    public var dedupHorizon: Duration
    /// The most pairs remembered; the oldest are forgotten first. Default 1,000,000.
    public var maximumRemembered: Int
    /// Findings shown as examples in a summary. Default 3.
    public var summarySamples: Int
    /// Event IDs listed in a summary. Default 20.
    public var summaryEventIDs: Int
    /// Actors and source IPs listed in a summary. Default 5.
    public var topCount: Int

    /// A policy with the defaults above.
    public init(
        individualAlertsPerWindow: Int = 5,
        window: Duration = .seconds(60),
        dedupHorizon: Duration = .seconds(3600),
        maximumRemembered: Int = 1_000_000,
        summarySamples: Int = 3,
        summaryEventIDs: Int = 20,
        topCount: Int = 5
    ) {
        self.individualAlertsPerWindow = max(0, individualAlertsPerWindow)
        self.window = window
        self.dedupHorizon = dedupHorizon
        self.maximumRemembered = max(1, maximumRemembered)
        self.summarySamples = max(0, summarySamples)
        self.summaryEventIDs = max(0, summaryEventIDs)
        self.topCount = max(0, topCount)
    }
}
