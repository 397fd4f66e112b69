public import TrailStore

/// One detection rule: a name, a severity and a condition over a CloudTrail record.
public struct Rule: Sendable {
    /// What a rule matches.
    public enum Condition: Sendable {
        /// The record's `eventName` is one of these (the seed's `monitored_events.json`).
        case eventNames(Set<String>)
        /// An EventBridge event pattern, against the record or its envelope.
        case eventPattern(EventPattern)
        /// A CloudWatch Logs JSON filter pattern, against the record.
        case filterPattern(FilterPattern)
    }

    /// The rule's unique name; findings are identified by (eventID, rule name).
    public var name: String
    public var severity: Severity
    public var description: String
    public var condition: Condition
    /// Disabled rules are loaded (so their names are reserved) but never match.
    public var isEnabled: Bool

    public init(
        name: String, severity: Severity = .medium, description: String = "", condition: Condition,
        isEnabled: Bool = true
    ) {
        self.name = name
        self.severity = severity
        self.description = description
        self.condition = condition
        self.isEnabled = isEnabled
    }

    /// Whether the condition reads the EventBridge envelope rather than the bare record.
    var targetsEnvelope: Bool {
        if case .eventPattern(let pattern) = condition { return pattern.targetsEnvelope }
        return false
    }

    /// Evaluates the condition against a record view (`nil`: unknown for a partial view).
    func evaluate(record: RecordNode, envelope: @autoclosure () -> RecordNode, raw: RawText? = nil) -> Bool? {
        switch condition {
        case .eventNames(let names):
            switch record.member("eventName") {
            case .found(.value(.string(let name))): return names.contains(name)
            case .unknown, .found(.partial): return nil
            case .found(.absentOrNull): return false
            default: return false
            }
        case .eventPattern(let pattern):
            return pattern.matches(pattern.targetsEnvelope ? envelope() : record, raw: raw)
        case .filterPattern(let pattern):
            return pattern.matches(record, raw: raw)
        }
    }

    /// The `eventName` values a record must have for this rule to match, when the condition pins them.
    var pinnedEventNames: Set<String>? {
        switch condition {
        case .eventNames(let names): return names
        case .eventPattern(let p): return p.pinnedValues(p.targetsEnvelope ? ["detail", "eventName"] : ["eventName"])
        case .filterPattern(let p): return p.pinnedValues("eventName")
        }
    }

    /// The `eventSource` values a record must have for this rule to match, when the condition pins them.
    var pinnedEventSources: Set<String>? {
        switch condition {
        case .eventNames: return nil
        case .eventPattern(let p): return p.pinnedValues(p.targetsEnvelope ? ["detail", "eventSource"] : ["eventSource"])
        case .filterPattern(let p): return p.pinnedValues("eventSource")
        }
    }
}
