import Foundation
import TrailStore

/// The JSON shapes alerts are sent in (built with JSONSerialization: alerts are few and small).
enum AlertJSON {
    /// The generic webhook payload.
    ///
    /// ```json
    /// {"source":"trailkeeper","kind":"finding"|"summary","rule":"…","severity":"HIGH","description":"…",
    ///  "title":"…","text":"…","count":1,"windowStart":"…","windowEnd":"…","dedupKey":"…",
    ///  "eventIDs":["…"],"topActors":[{"value":"…","count":1}],"topSourceIPs":[…],
    ///  "findings":[{"eventID":"…","eventName":"…","eventSource":"…","eventTime":"…","who":"…",
    ///    "sourceIPAddress":"…","region":"…","account":"…","origin":"…","record":{…}}]}
    /// ```
    ///
    /// A notice has `"kind":"notice"`, no findings, and `"details"`: its fields by name, numbers as numbers.
    static func webhook(_ alert: Alert, includeRecords: Bool) -> [String: Any] {
        var object: [String: Any] = [
            "source": "trailkeeper",
            "kind": kindName(alert.kind),
            "rule": alert.rule,
            "severity": alert.severity.rawValue,
            "description": alert.ruleDescription,
            "title": alert.headline,
            "text": alert.text,
            "count": alert.count,
            "windowStart": Alert.timestamp(alert.windowStart),
            "windowEnd": Alert.timestamp(alert.windowEnd),
            "dedupKey": alert.dedupKey,
            "eventIDs": alert.eventIDs,
            "topActors": alert.topActors.map(tally),
            "topSourceIPs": alert.topSourceIPs.map(tally),
            "findings": alert.findings.map { finding(for: $0, includeRecord: includeRecords) },
        ]
        if let notice = alert.notice { object["details"] = details(notice) }
        return object
    }

    static func kindName(_ kind: Alert.Kind) -> String {
        switch kind {
        case .finding: "finding"
        case .summary: "summary"
        case .notice: "notice"
        }
    }

    /// A notice's fields as a JSON object.
    static func details(_ notice: Alert.Notice) -> [String: Any] {
        var object: [String: Any] = [:]
        for field in notice.fields {
            switch field.value {
            case .text(let text): object[field.name] = text
            case .integer(let n): object[field.name] = n
            case .number(let x): object[field.name] = x
            }
        }
        return object
    }

    static func tally(_ tally: Alert.Tally) -> [String: Any] {
        ["value": tally.value, "count": tally.count]
    }

    /// One finding; `record` is the parsed record when asked for and parseable.
    static func finding(for finding: Finding, includeRecord: Bool) -> [String: Any] {
        var object: [String: Any] = [
            "eventID": finding.eventID,
            "eventTime": Alert.timestamp(Date(timeIntervalSince1970: TimeInterval(finding.eventTime))),
            "origin": finding.origin,
        ]
        object["eventName"] = finding.eventName
        object["eventSource"] = finding.eventSource
        object["who"] = finding.who
        object["sourceIPAddress"] = finding.sourceIPAddress
        object["region"] = finding.region
        object["account"] = finding.account
        if includeRecord, let record = try? JSONSerialization.jsonObject(with: finding.record) {
            object["record"] = record
        }
        return object
    }

    /// Serializes; JSONSerialization only fails on non-JSON values, which these builders never produce.
    static func data(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
