import Foundation
import TrailModel

/// How serious a rule's match is. Ordered: `info` < `low` < `medium` < `high` < `critical`.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case info = "INFO"
    case low = "LOW"
    case medium = "MEDIUM"
    case high = "HIGH"
    case critical = "CRITICAL"

    /// Parses a severity case-insensitively (`high`, `High`, `HIGH`); `informational` is `info`.
    public init?(parsing text: String) {
        switch text.uppercased() {
        case "INFO", "INFORMATIONAL": self = .info
        case "LOW": self = .low
        case "MEDIUM": self = .medium
        case "HIGH": self = .high
        case "CRITICAL": self = .critical
        default: return nil
        }
    }

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One record matched by one rule. Identity is (`eventID`, `rule`): storing the same pair twice
/// keeps one finding, which makes at-least-once processing idempotent.
public struct Finding: Sendable, Hashable, Codable {
    /// The record's eventID.
    public var eventID: String
    /// The rule's name.
    public var rule: String
    public var severity: Severity
    /// The rule's description (may be empty).
    public var ruleDescription: String
    public var eventName: String?
    public var eventSource: String?
    /// The record's eventTime, seconds since 1970 (UTC).
    public var eventTime: Int64
    /// Who acted: `userIdentity.arn`, else `userIdentity.userName`, else `userIdentity.principalId`,
    /// else `userIdentity.invokedBy`.
    public var who: String?
    public var sourceIPAddress: String?
    public var region: String?
    /// `recipientAccountId`, else `userIdentity.accountId`.
    public var account: String?
    /// Where the record came from: an object URI (`s3://bucket/key`, `file://…`) or `journal`.
    public var origin: String
    /// When the finding was raised, seconds since 1970.
    public var detectedAt: Int64
    /// The record's original JSON bytes.
    public var record: Data

    public init(
        eventID: String, rule: String, severity: Severity, ruleDescription: String = "",
        eventName: String?, eventSource: String?, eventTime: Int64, who: String?,
        sourceIPAddress: String?, region: String?, account: String?, origin: String,
        detectedAt: Int64, record: Data
    ) {
        self.eventID = eventID
        self.rule = rule
        self.severity = severity
        self.ruleDescription = ruleDescription
        self.eventName = eventName
        self.eventSource = eventSource
        self.eventTime = eventTime
        self.who = who
        self.sourceIPAddress = sourceIPAddress
        self.region = region
        self.account = account
        self.origin = origin
        self.detectedAt = detectedAt
        self.record = record
    }

    /// The identity key: eventID and rule.
    public var key: FindingKey { FindingKey(eventID: eventID, rule: rule) }
}

/// The identity of a finding.
public struct FindingKey: Sendable, Hashable, Codable {
    public var eventID: String
    public var rule: String
    public init(eventID: String, rule: String) {
        self.eventID = eventID
        self.rule = rule
    }
}

/// A query over stored findings, newest eventTime first.
public struct FindingQuery: Sendable, Hashable {
    public var rule: String?
    public var eventID: String?
    public var minimumSeverity: Severity?
    public var limit: Int
    public init(rule: String? = nil, eventID: String? = nil, minimumSeverity: Severity? = nil, limit: Int = 100) {
        self.rule = rule
        self.eventID = eventID
        self.minimumSeverity = minimumSeverity
        self.limit = limit
    }
}

/// Where findings are kept (SQLite embedded, PostgreSQL, DynamoDB). Implementations must be
/// idempotent by (eventID, rule): inserting a finding that exists changes nothing.
public protocol FindingStore: Sendable {
    /// Stores `findings` durably; returns the keys that were not stored before this call.
    /// A finding already stored (same eventID and rule) is left as it was.
    func insert(_ findings: [Finding]) async throws -> Set<FindingKey>
    /// Findings matching `query`, newest eventTime first.
    func findings(_ query: FindingQuery) async throws -> [Finding]
    /// How many findings are stored.
    func count() async throws -> Int
    /// Releases connections.
    func close() async throws
}

/// The durable record of which findings still owe an alert. The pipeline inserts findings, then the
/// alert dispatcher reads `pendingAlerts`, sends, and calls `markAlerted`; a crash in between
/// re-sends on restart (at-least-once) and never forgets an alert.
public protocol AlertLedger: Sendable {
    /// Records that these findings owe an alert (no-op for keys already recorded).
    func recordPending(_ findings: [Finding]) async throws
    /// Up to `limit` findings still owing an alert, oldest first.
    func pendingAlerts(limit: Int) async throws -> [Finding]
    /// Marks findings as alerted (or given up on, with `failure` saying why).
    func markAlerted(_ keys: [FindingKey], failure: String?) async throws
}
