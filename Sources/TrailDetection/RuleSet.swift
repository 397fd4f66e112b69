import Foundation
public import TrailModel
public import TrailStore

/// A set of rules, evaluated against records.
///
/// Immutable once built and `Sendable`: share one value across tasks. Evaluation is fast for
/// records no rule can match: rules are indexed by the `eventName`s and `eventSource`s their
/// conditions pin, and each candidate rule is first evaluated against the record's indexed
/// fields (``AuditRecord``); the record's JSON is parsed only when that cannot decide, and at
/// most once per record.
public struct RuleSet: Sendable {
    /// The rules, in load order.
    public var rules: [Rule] {
        didSet { index = RuleIndex(rules) }
    }
    private var index: RuleIndex

    public init(rules: [Rule]) {
        self.rules = rules
        self.index = RuleIndex(rules)
    }

    /// Names of rules matching `record` (prefilter, then full evaluation), as rules in load order.
    public func matchingRules(_ record: AuditRecord) -> [Rule] {
        var parsed: JSONValue?? = nil
        return matchingIndices(record, parsed: &parsed).map { rules[$0] }
    }

    /// Findings for `record` (one per matching rule) with who/sourceIPAddress/region/account
    /// extracted from the record (see ``Finding``'s doc comments), origin and detectedAt as given.
    public func findings(for record: AuditRecord, origin: String, detectedAt: Int64) -> [Finding] {
        var parsed: JSONValue?? = nil
        let matched = matchingIndices(record, parsed: &parsed)
        guard !matched.isEmpty else { return [] }
        let json: JSONValue?
        if let p = parsed { json = p } else { json = try? JSONValue.parse(record.raw) }
        let identity = json?["userIdentity"]
        let who = [identity?["arn"], identity?["userName"], identity?["principalId"], identity?["invokedBy"]]
            .lazy.compactMap { $0?.stringValue }.first
        let account = json?["recipientAccountId"]?.stringValue ?? identity?["accountId"]?.stringValue
        return matched.map { i in
            let rule = rules[i]
            return Finding(
                eventID: record.eventID, rule: rule.name, severity: rule.severity, ruleDescription: rule.description,
                eventName: record.eventName, eventSource: record.eventSource, eventTime: record.eventTime, who: who,
                sourceIPAddress: json?["sourceIPAddress"]?.stringValue,
                region: json?["awsRegion"]?.stringValue ?? record.awsRegion, account: account, origin: origin,
                detectedAt: detectedAt, record: record.raw)
        }
    }

    /// Indices of matching rules. `parsed` receives the parsed record when parsing was needed
    /// (`.some(nil)` when the record is not valid JSON).
    func matchingIndices(_ record: AuditRecord, parsed: inout JSONValue??) -> [Int] {
        let candidates = index.candidates(for: record)
        guard !candidates.isEmpty else { return [] }
        let indexedRecord = RecordViews.indexedRecord(record)
        let raw = RawText(record.raw)
        var matched: [Int] = []
        var undecided: [Int] = []
        for i in candidates {
            let rule = rules[i]
            switch rule.evaluate(record: indexedRecord, envelope: RecordViews.indexedEnvelope(record), raw: raw) {
            case true?: matched.append(i)
            case false?: continue
            case nil: undecided.append(i)
            }
        }
        if !undecided.isEmpty {
            let json = try? JSONValue.parse(record.raw)
            parsed = .some(json)
            if let json {
                let full = RecordNode.value(json)
                var envelope: RecordNode?
                for i in undecided {
                    let rule = rules[i]
                    if rule.targetsEnvelope && envelope == nil { envelope = .value(RecordViews.envelope(json)) }
                    if rule.evaluate(record: full, envelope: envelope ?? full) == true { matched.append(i) }
                }
                matched.sort()
            }
        }
        return matched
    }
}

/// Which rules can match a record, by its indexed `eventName` and `eventSource`.
struct RuleIndex: Sendable {
    /// Rules whose conditions pin eventName, by name.
    var byEventName: [String: [Int]] = [:]
    /// Rules not pinned by eventName but by eventSource, by source.
    var byEventSource: [String: [Int]] = [:]
    /// Rules pinned by neither.
    var unpinned: [Int] = []
    /// Rules pinned by eventName that also pin eventSource: index → sources.
    var sourceOfNamed: [Int: Set<String>] = [:]
    var all: [Int] = []

    init(_ rules: [Rule]) {
        for (i, rule) in rules.enumerated() where rule.isEnabled {
            all.append(i)
            let sources = rule.pinnedEventSources
            if let names = rule.pinnedEventNames {
                for name in names { byEventName[name, default: []].append(i) }
                if let sources { sourceOfNamed[i] = sources }
            } else if let sources {
                for source in sources { byEventSource[source, default: []].append(i) }
            } else {
                unpinned.append(i)
            }
        }
    }

    /// Enabled rules that may match `record`, ascending.
    func candidates(for record: AuditRecord) -> [Int] {
        // Insights records carry eventName/eventSource from insightDetails: no index there.
        guard !record.isInsight, let name = record.eventName, let source = record.eventSource else { return all }
        var result = unpinned
        if let named = byEventName[name] {
            for i in named where sourceOfNamed[i]?.contains(source) ?? true { result.append(i) }
        }
        if let sourced = byEventSource[source] { result += sourced }
        if result.count > 1 { result.sort() }
        return result
    }
}
