/// Somewhere alerts go: a webhook, Slack, an SNS topic, an email address, PagerDuty.
///
/// Build one from a URL with ``AlertTargets/make(_:configuration:)``.
public protocol AlertTarget: Sendable {
    /// The target without secrets (`slack+https://hooks.slack.com/…`, `pagerduty://…`), for logs.
    var description: String { get }
    /// Delivers `alert`, retrying transient failures as the target's ``AlertDelivery`` says.
    ///
    /// - Throws: ``AlertError`` when the alert was refused or could not be delivered in time.
    func send(_ alert: Alert) async throws
}
