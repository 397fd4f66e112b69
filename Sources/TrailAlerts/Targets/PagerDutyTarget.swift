import Foundation
import TrailStore

/// Triggers PagerDuty incidents through the Events API v2.
///
/// `dedup_key` is ``Alert/dedupKey`` (rule/eventID, or rule/window for summaries), so a retried
/// send does not open a second incident.
struct PagerDutyTarget: AlertTarget {
    let poster: HTTPPoster
    let routingKey: String
    let description: String

    init(endpoint: String, routingKey: String, configuration: AlertTargetConfiguration) throws {
        guard let parsed = URL(string: endpoint), let host = parsed.host(), !host.isEmpty else {
            throw AlertTargets.invalid(endpoint, "not an Events API URL")
        }
        self.routingKey = routingKey
        description = "pagerduty " + AlertTargets.redacted(endpoint)
        poster = HTTPPoster(
            url: endpoint, headers: [], httpClient: configuration.httpClient, delivery: configuration.delivery,
            logger: configuration.logger, name: description
        )
    }

    func send(_ alert: Alert) async throws {
        try await poster.post(AlertJSON.data(Self.event(alert, routingKey: routingKey)))
    }

    /// The Events API v2 severity for ours.
    static func severity(_ severity: Severity) -> String {
        switch severity {
        case .critical: "critical"
        case .high: "error"
        case .medium: "warning"
        case .low, .info: "info"
        }
    }

    /// The `trigger` event for an alert; a notice that is a resolution (``Alert/Notice/isResolution``)
    /// is a `resolve` event for its dedup key instead, closing the incident an earlier notice opened.
    static func event(_ alert: Alert, routingKey: String) -> [String: Any] {
        if alert.notice?.isResolution == true {
            return [
                "routing_key": routingKey,
                "event_action": "resolve",
                "dedup_key": String(alert.dedupKey.prefix(255)),
                "client": "trailkeeper",
            ]
        }
        var details: [String: Any] = [
            "rule": alert.rule,
            "severity": alert.severity.rawValue,
            "count": alert.count,
            "eventIDs": alert.eventIDs,
            "text": alert.text,
        ]
        if !alert.ruleDescription.isEmpty { details["description"] = alert.ruleDescription }
        if alert.kind == .summary {
            details["topActors"] = alert.topActors.map(AlertJSON.tally)
            details["topSourceIPs"] = alert.topSourceIPs.map(AlertJSON.tally)
            details["windowStart"] = Alert.timestamp(alert.windowStart)
            details["windowEnd"] = Alert.timestamp(alert.windowEnd)
        }
        if let notice = alert.notice { details["details"] = AlertJSON.details(notice) }
        let first = alert.findings.first
        if alert.kind == .finding, let first {
            details["finding"] = AlertJSON.finding(for: first, includeRecord: false)
        }
        var payload: [String: Any] = [
            "summary": String(alert.headline.prefix(1024)),
            "source": first?.account.map { "aws account " + $0 } ?? "trailkeeper",
            "severity": severity(alert.severity),
            "component": first?.eventSource ?? (alert.kind == .notice ? "trailkeeper" : "cloudtrail"),
            "group": first?.region ?? "global",
            "class": alert.rule,
            "custom_details": details,
        ]
        payload["timestamp"] =
            first.map { Alert.timestamp(Date(timeIntervalSince1970: TimeInterval($0.eventTime))) }
            ?? Alert.timestamp(alert.windowEnd)
        return [
            "routing_key": routingKey,
            "event_action": "trigger",
            "dedup_key": String(alert.dedupKey.prefix(255)),
            "payload": payload,
            "client": "trailkeeper",
        ]
    }
}
