import Foundation
import TrailStore

/// Posts to a Slack incoming webhook: `text` (the fallback shown in notifications) plus `blocks`
/// (a header, the details in mrkdwn, and a context line).
struct SlackTarget: AlertTarget {
    let poster: HTTPPoster
    let description: String

    init(url: String, configuration: AlertTargetConfiguration) throws {
        guard let parsed = URL(string: url), let host = parsed.host(), !host.isEmpty else {
            throw AlertTargets.invalid(url, "not a Slack webhook URL")
        }
        // The path is the webhook's secret.
        description = "slack " + AlertTargets.redacted(url)
        poster = HTTPPoster(
            url: url, headers: [], httpClient: configuration.httpClient, delivery: configuration.delivery,
            logger: configuration.logger, name: description
        )
    }

    func send(_ alert: Alert) async throws {
        try await poster.post(AlertJSON.data(Self.payload(alert)))
    }

    /// The Slack message for an alert.
    static func payload(_ alert: Alert) -> [String: Any] {
        var lines: [String] = []
        switch alert.kind {
        case .finding:
            if let finding = alert.findings.first {
                lines.append("*Who:* " + code(finding.who ?? "unknown"))
                lines.append("*What:* " + code(Alert.qualifiedName(finding)))
                lines.append("*When:* " + Alert.timestamp(Date(timeIntervalSince1970: TimeInterval(finding.eventTime))))
                lines.append(
                    "*Where:* " + code(finding.sourceIPAddress ?? "unknown source")
                        + (finding.region.map { " in " + escape($0) } ?? "")
                )
                if let account = finding.account { lines.append("*Account:* " + code(account)) }
                lines.append("*Event ID:* " + code(finding.eventID))
            }
        case .summary:
            lines.append("*\(escape(alert.rule))* " + escape(alert.summaryPhrase))
            if !alert.topActors.isEmpty { lines.append("*Top actors:* " + escape(Alert.list(alert.topActors))) }
            if !alert.topSourceIPs.isEmpty {
                lines.append("*Top source IPs:* " + escape(Alert.list(alert.topSourceIPs)))
            }
            if !alert.eventIDs.isEmpty {
                lines.append("*Event IDs:* " + alert.eventIDs.prefix(5).map(code).joined(separator: ", "))
            }
        case .notice:
            for field in alert.notice?.fields ?? [] { lines.append("*\(escape(field.name)):* " + code(field.text)) }
        }
        var blocks: [[String: Any]] = [
            [
                "type": "header",
                "text": ["type": "plain_text", "text": String(alert.subject(limit: 150)), "emoji": true],
            ],
            [
                "type": "section",
                "text": ["type": "mrkdwn", "text": String(lines.joined(separator: "\n").prefix(3000))],
            ],
        ]
        var context = "Rule *\(escape(alert.rule))* · severity *\(alert.severity.rawValue)*"
        if !alert.ruleDescription.isEmpty { context += " · " + escape(alert.ruleDescription) }
        blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": String(context.prefix(3000))]]])
        return ["text": escape(alert.headline), "blocks": blocks]
    }

    /// Slack's mrkdwn escaping: `&`, `<` and `>`.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Inline code, escaped, backticks removed so they cannot end it.
    static func code(_ text: String) -> String {
        "`" + escape(text.replacingOccurrences(of: "`", with: "'")) + "`"
    }
}
