import Foundation
import TrailStore

/// One message for the alert targets: a single finding, or a summary of the findings of one rule
/// that were folded together within an aggregation window.
public struct Alert: Sendable {
    /// What an alert stands for.
    public enum Kind: Sendable, Hashable {
        /// One finding, sent on its own.
        case finding
        /// Findings of one rule folded into one message at the end of a window.
        case summary
    }

    /// A value and how many findings carried it (an actor, a source IP).
    public struct Tally: Sendable, Hashable {
        /// The value.
        public var value: String
        /// How many findings had it.
        public var count: Int

        /// A tally.
        public init(value: String, count: Int) {
            self.value = value
            self.count = count
        }
    }

    /// Single finding or summary.
    public var kind: Kind
    /// The rule that fired.
    public var rule: String
    /// The highest severity among the findings.
    public var severity: Severity
    /// The rule's description (may be empty).
    public var ruleDescription: String
    /// How many findings the alert stands for: 1 for a single finding.
    public var count: Int
    /// The finding (single) or a few examples (summary, at most ``AlertPolicy/summarySamples``).
    public var findings: [Finding]
    /// Event IDs covered: the finding's, or the first ones of a summary (at most ``AlertPolicy/summaryEventIDs``).
    public var eventIDs: [String]
    /// Most frequent actors, most frequent first (summaries; a single finding has its own).
    public var topActors: [Tally]
    /// Most frequent source IP addresses, most frequent first.
    public var topSourceIPs: [Tally]
    /// Start of the window the alert covers (a single finding: when it was raised).
    public var windowStart: Date
    /// End of the window the alert covers (a single finding: same as ``windowStart``).
    public var windowEnd: Date
    /// A stable identity for receivers that deduplicate (PagerDuty `dedup_key`):
    /// `rule/eventID` for a finding, `rule/window-start-seconds` for a summary.
    public var dedupKey: String

    /// An alert for one finding.
    public init(finding: Finding, raisedAt: Date) {
        kind = .finding
        rule = finding.rule
        severity = finding.severity
        ruleDescription = finding.ruleDescription
        count = 1
        findings = [finding]
        eventIDs = [finding.eventID]
        topActors = finding.who.map { [Tally(value: $0, count: 1)] } ?? []
        topSourceIPs = finding.sourceIPAddress.map { [Tally(value: $0, count: 1)] } ?? []
        windowStart = raisedAt
        windowEnd = raisedAt
        dedupKey = finding.rule + "/" + finding.eventID
    }

    /// A summary alert; every property as given.
    public init(
        summaryOf rule: String, severity: Severity, ruleDescription: String, count: Int, samples: [Finding],
        eventIDs: [String], topActors: [Tally], topSourceIPs: [Tally], windowStart: Date, windowEnd: Date
    ) {
        kind = .summary
        self.rule = rule
        self.severity = severity
        self.ruleDescription = ruleDescription
        self.count = count
        findings = samples
        self.eventIDs = eventIDs
        self.topActors = topActors
        self.topSourceIPs = topSourceIPs
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        dedupKey = rule + "/" + String(Int64(windowStart.timeIntervalSince1970.rounded(.down)))
    }
}
