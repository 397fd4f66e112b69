import TrailModel

/// A record (or its EventBridge envelope) as the rule languages walk it.
///
/// `partial` is the view built from ``AuditRecord``'s indexed fields before the JSON is parsed:
/// the members it lists are known, every other member is unknown. Evaluating a rule against a
/// partial view gives `true`, `false` or `nil` (unknown: parse the record and evaluate again).
indirect enum RecordNode: Sendable {
    case value(JSONValue)
    case partial([String: RecordNode])
    /// An indexed field that is absent or JSON null (the indexed fields do not say which).
    case absentOrNull

    /// The result of looking up one member or element.
    enum Lookup {
        case missing
        case found(RecordNode)
        case unknown
    }

    func member(_ key: String) -> Lookup {
        switch self {
        case .partial(let members):
            return members[key].map(Lookup.found) ?? .unknown
        case .value(.object(let members)):
            return members[key].map { .found(.value($0)) } ?? .missing
        case .value, .absentOrNull:
            return .missing
        }
    }

    func element(_ index: Int) -> Lookup {
        switch self {
        case .partial:
            return .unknown
        case .value(.array(let elements)):
            return elements.indices.contains(index) ? .found(.value(elements[index])) : .missing
        case .value, .absentOrNull:
            return .missing
        }
    }
}

/// Three-valued logic for prefiltering: `nil` is unknown.
enum Tri {
    static func and(_ values: some Sequence<Bool?>) -> Bool? {
        var unknown = false
        for v in values {
            if v == false { return false }
            if v == nil { unknown = true }
        }
        return unknown ? nil : true
    }

    static func or(_ values: some Sequence<Bool?>) -> Bool? {
        var unknown = false
        for v in values {
            if v == true { return true }
            if v == nil { unknown = true }
        }
        return unknown ? nil : false
    }
}

/// Builds the views rules evaluate: the bare record and its EventBridge envelope (spec §5.4),
/// either from the parsed JSON or from the indexed fields alone.
enum RecordViews {
    /// The partial record known from indexed fields. Only fields that ``RecordParser`` copies
    /// verbatim from the record are listed (`recipientAccountID` has a fallback, Insights
    /// records take eventName/eventSource from `insightDetails`, so those stay unknown).
    static func indexedRecord(_ record: AuditRecord) -> RecordNode {
        var members: [String: RecordNode] = [:]
        if !record.isInsight {
            members["eventName"] = node(record.eventName)
            members["eventSource"] = node(record.eventSource)
        }
        members["awsRegion"] = node(record.awsRegion)
        members["errorCode"] = node(record.errorCode)
        members["eventType"] = node(record.eventType)
        return .partial(members)
    }

    /// An indexed string field: its value, or absent-or-null when the parser found no string.
    static func node(_ value: String?) -> RecordNode {
        value.map { .value(.string($0)) } ?? .absentOrNull
    }

    /// The partial envelope known from indexed fields.
    static func indexedEnvelope(_ record: AuditRecord) -> RecordNode {
        var members: [String: RecordNode] = [
            "version": .value(.string("0")),
            "resources": .value(.array([])),
            "detail": indexedRecord(record),
        ]
        members["detail-type"] = .value(.string(detailType(eventType: record.eventType)))
        if record.eventType == "AwsCloudTrailInsight" {
            members["source"] = .value(.string("aws.cloudtrail"))
        } else if !record.isInsight {
            members["source"] = node(source(eventSource: record.eventSource, eventType: record.eventType))
        }
        members["account"] = node(record.recipientAccountID)
        members["region"] = node(record.awsRegion)
        return .partial(members)
    }

    /// The full envelope around a parsed record.
    static func envelope(_ detail: JSONValue) -> JSONValue {
        let eventType = detail["eventType"]?.stringValue
        var members: [String: JSONValue] = [
            "version": .string("0"),
            "resources": .array([]),
            "detail": detail,
            "detail-type": .string(detailType(eventType: eventType)),
        ]
        if let s = source(eventSource: detail["eventSource"]?.stringValue, eventType: eventType) {
            members["source"] = .string(s)
        }
        if let account = detail["recipientAccountId"]?.stringValue ?? detail["userIdentity"]?["accountId"]?.stringValue {
            members["account"] = .string(account)
        }
        if let v = detail["awsRegion"] { members["region"] = v }
        if let v = detail["eventTime"] { members["time"] = v }
        if let v = detail["eventID"] { members["id"] = v }
        return .object(members)
    }

    /// EventBridge `detail-type` for a CloudTrail `eventType`.
    static func detailType(eventType: String?) -> String {
        switch eventType {
        case "AwsConsoleSignIn": return "AWS Console Sign In via CloudTrail"
        case "AwsConsoleAction": return "AWS Console Action via CloudTrail"
        case "AwsServiceEvent": return "AWS Service Event via CloudTrail"
        case "AwsCloudTrailInsight": return "AWS Insight via CloudTrail"
        case "AwsVpceEvent", "AwsVpceEvents": return "AWS Network Activity Event via CloudTrail"
        default: return "AWS API Call via CloudTrail"
        }
    }

    /// EventBridge `source`: `aws.` plus the service part of `eventSource` (`iam.amazonaws.com` →
    /// `aws.iam`); Insights events use `aws.cloudtrail`.
    static func source(eventSource: String?, eventType: String?) -> String? {
        if eventType == "AwsCloudTrailInsight" { return "aws.cloudtrail" }
        guard let eventSource, !eventSource.isEmpty else { return nil }
        let service = eventSource.split(separator: ".", maxSplits: 1).first.map(String.init) ?? eventSource
        return "aws." + service
    }
}
