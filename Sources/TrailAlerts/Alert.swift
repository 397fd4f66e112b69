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
        /// A message about Trailkeeper's own work (a backup run): ``notice`` holds its text and fields.
        case notice
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
    /// `rule/eventID` for a finding, `rule/window-start-seconds` for a summary; a notice's own key.
    public var dedupKey: String
    /// The title, text and fields of a ``Kind/notice``; `nil` for findings and summaries.
    public var notice: Notice?

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

extension Alert {
    /// A message that is not about findings: what Trailkeeper itself did (a backup run), in words
    /// and as named values that JSON targets keep typed.
    public struct Notice: Sendable, Hashable {
        /// A named value: a number stays a number in JSON bodies.
        public struct Field: Sendable, Hashable {
            public enum Value: Sendable, Hashable {
                case text(String)
                case integer(Int64)
                case number(Double)
            }

            public var name: String
            public var value: Value

            public init(_ name: String, _ value: Value) {
                self.name = name
                self.value = value
            }

            /// The value as text (`1.25` for numbers, without exponent).
            public var text: String {
                switch value {
                case .text(let text): text
                case .integer(let n): String(n)
                case .number(let x): String(format: "%.3f", x)
                }
            }
        }

        /// The one-line title (the headline after the severity).
        public var title: String
        /// The plain-text body.
        public var text: String
        /// The values the text reports, in order.
        public var fields: [Field]
        /// Whether this notice ends a problem an earlier notice with the same ``Alert/dedupKey``
        /// reported (a successful run after a failed one): PagerDuty resolves the incident.
        public var isResolution: Bool

        public init(title: String, text: String, fields: [Field], isResolution: Bool = false) {
            self.title = title
            self.text = text
            self.fields = fields
            self.isResolution = isResolution
        }
    }

    /// A notice alert.
    ///
    /// - Parameters:
    ///   - name: what the notice is about (`backup:nightly`); it stands where a rule name stands
    ///     (`X-Trailkeeper-Rule`, PagerDuty's `class`).
    ///   - dedupKey: the identity receivers that deduplicate use (PagerDuty's `dedup_key`).
    public init(notice: Notice, name: String, severity: Severity, at time: Date, dedupKey: String) {
        kind = .notice
        rule = name
        self.severity = severity
        ruleDescription = ""
        count = 1
        findings = []
        eventIDs = []
        topActors = []
        topSourceIPs = []
        windowStart = time
        windowEnd = time
        self.dedupKey = dedupKey
        self.notice = notice
    }
}
