import Foundation

/// Builds alert targets from URLs.
///
/// | URL | target |
/// |---|---|
/// | `http://…`, `https://…`, `webhook+http(s)://…` | generic JSON webhook (POST) |
/// | `slack+https://hooks.slack.com/services/…`, or a plain `https://hooks.slack.com/…` | Slack incoming webhook |
/// | `arn:aws:sns:REGION:ACCOUNT:TOPIC`, `sns://arn:aws:sns:…` | SNS Publish |
/// | `smtp://host[:port]?from=…&to=…[,…][&user=…&password=…][&starttls=auto\|require\|never][&ca_file=PEM][&tls_verify=false]` | email (port 25 by default) |
/// | `smtps://host[:port]?…` | email over implicit TLS (port 465 by default) |
/// | `pagerduty://ROUTING_KEY` | PagerDuty Events API v2 at `https://events.pagerduty.com/v2/enqueue` |
/// | `pagerduty+http(s)://host[:port]/path?routing_key=KEY` | PagerDuty Events API v2 at that URL |
public enum AlertTargets {
    /// The target a URL names.
    ///
    /// - Throws: ``AlertError`` with ``AlertError/Code/invalidTarget`` saying what is wrong.
    public static func make(_ url: String, configuration: AlertTargetConfiguration) throws -> any AlertTarget {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("arn:") || lower.hasPrefix("sns://") {
            let arn = lower.hasPrefix("sns://") ? String(trimmed.dropFirst("sns://".count)) : trimmed
            return try SNSTarget(topicARN: arn, configuration: configuration)
        }
        guard let schemeEnd = trimmed.range(of: "://") else {
            throw invalid(url, "expected SCHEME://… or arn:aws:sns:…")
        }
        let scheme = lower[..<schemeEnd.lowerBound]
        let rest = String(trimmed[schemeEnd.upperBound...])
        switch scheme {
        case "http", "https":
            let host = hostOf(rest)
            if host == "hooks.slack.com" {
                return try SlackTarget(url: trimmed, configuration: configuration)
            }
            return try WebhookTarget(url: trimmed, configuration: configuration)
        case "webhook+http", "webhook+https":
            return try WebhookTarget(
                url: String(scheme.dropFirst("webhook+".count)) + "://" + rest, configuration: configuration)
        case "slack+https", "slack+http":
            return try SlackTarget(
                url: String(scheme.dropFirst("slack+".count)) + "://" + rest, configuration: configuration)
        case "pagerduty":
            let key = rest.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard !key.isEmpty, !key.contains("/"), !key.contains("?") else {
                throw invalid(url, "expected pagerduty://ROUTING_KEY")
            }
            return try PagerDutyTarget(
                endpoint: "https://events.pagerduty.com/v2/enqueue", routingKey: key, configuration: configuration
            )
        case "pagerduty+http", "pagerduty+https":
            guard var components = URLComponents(string: String(scheme.dropFirst("pagerduty+".count)) + "://" + rest),
                components.host?.isEmpty == false
            else { throw invalid(url, "expected pagerduty+https://host[:port]/path?routing_key=KEY") }
            guard let key = components.queryItems?.first(where: { $0.name == "routing_key" })?.value, !key.isEmpty
            else {
                throw invalid(url, "the routing_key query parameter is missing")
            }
            components.queryItems = components.queryItems?.filter { $0.name != "routing_key" }
            if components.queryItems?.isEmpty == true { components.queryItems = nil }
            guard let endpoint = components.string else { throw invalid(url, "not a URL") }
            return try PagerDutyTarget(endpoint: endpoint, routingKey: key, configuration: configuration)
        case "smtp", "smtps":
            return try SMTPTarget(settings: SMTPSettings(url: trimmed), configuration: configuration)
        default:
            throw invalid(
                url,
                "unknown scheme \"\(scheme)\" (http, https, webhook+https, slack+https, sns, smtp, smtps, "
                    + "pagerduty, pagerduty+https)"
            )
        }
    }

    /// The host of `host[:port]/path?…` (lower-cased, without user info).
    static func hostOf(_ rest: String) -> String {
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[...close]).lowercased()
        }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    /// An ``AlertError`` for a URL that cannot be used; the URL is shown without its secret parts.
    static func invalid(_ url: String, _ reason: String) -> AlertError {
        AlertError(.invalidTarget, "invalid alert target \(redacted(url)): \(reason)")
    }

    /// `url` with its query, user info and (for known secret-bearing forms) path hidden.
    static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else {
            return url.lowercased().hasPrefix("arn:") ? url : "\"" + url.prefix(12) + "…\""
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        if scheme == "pagerduty" { return "pagerduty://…" }
        let host = hostOf(String(rest))
        let hasMore = rest.count > rest.prefix { $0 != "/" && $0 != "?" }.count
        return scheme + "://" + host + (hasMore ? "/…" : "")
    }
}
