import AsyncHTTPClient
import Foundation
import Testing
import TrailAlerts

/// Parsing target URLs: what is accepted, and clear errors without secrets for what is not.
@Suite struct AlertTargetsTests {
    @Test(arguments: [
        ("http://127.0.0.1:9/hook", "webhook "),
        ("https://example.com/hook", "webhook "),
        ("webhook+https://example.com/hook", "webhook "),
        ("slack+https://hooks.slack.com/services/A/B/C", "slack "),
        ("https://hooks.slack.com/services/A/B/C", "slack "),
        ("pagerduty://abcdef0123456789", "pagerduty "),
        ("pagerduty+https://pd.internal:8443/v2/enqueue?routing_key=k", "pagerduty "),
        ("smtp://mail.example.com?from=a@example.com&to=b@example.com", "email smtp://mail.example.com:25"),
        ("smtps://mail.example.com?from=a@example.com&to=b@example.com", "email smtps://mail.example.com:465"),
        ("arn:aws:sns:eu-west-1:123456789012:alerts", "sns arn:aws:sns:eu-west-1:123456789012:alerts"),
        ("sns://arn:aws:sns:eu-west-1:123456789012:alerts", "sns arn:aws:sns:eu-west-1:123456789012:alerts"),
    ])
    func accepts(url: String, prefix: String) async throws {
        try await HTTPClient.withHTTPClient { http in
            let configuration = Fixtures.configuration(
                http, environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"])
            let target = try AlertTargets.make(url, configuration: configuration)
            #expect(target.description.hasPrefix(prefix))
        }
    }

    @Test(arguments: [
        ("ftp://example.com", "unknown scheme"),
        ("hooks.slack.com/services/x", "expected SCHEME://"),
        ("pagerduty://", "pagerduty://ROUTING_KEY"),
        ("pagerduty+https://pd.internal/v2/enqueue", "routing_key"),
        ("smtp://mail.example.com?to=b@example.com", "from="),
        ("smtp://mail.example.com?from=a@example.com", "to="),
        ("smtp://mail.example.com?from=a@example.com&to=b@example.com&starttls=maybe", "starttls"),
        ("smtp://mail.example.com?from=a@example.com&to=b@example.com&user=u", "user and password"),
        ("smtp://mail.example.com?from=a@example.com&to=b@example.com&bogus=1", "unknown parameter"),
        ("arn:aws:sns:us-east-1:123456789012", "arn:aws:sns:REGION:ACCOUNT:TOPIC"),
    ])
    func refuses(url: String, reason: String) async throws {
        try await HTTPClient.withHTTPClient { http in
            let configuration = Fixtures.configuration(
                http, environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"])
            let error = #expect(throws: AlertError.self) {
                _ = try AlertTargets.make(url, configuration: configuration)
            }
            #expect(error?.code == .invalidTarget)
            #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
        }
    }

    @Test func errorsDoNotShowSecrets() async throws {
        try await HTTPClient.withHTTPClient { http in
            let error = #expect(throws: AlertError.self) {
                _ = try AlertTargets.make(
                    "smtp://mail.example.com?from=a@example.com&to=b@example.com&user=u&password=hunter2&starttls=x",
                    configuration: Fixtures.configuration(http)
                )
            }
            #expect(error?.description.contains("hunter2") == false)
        }
    }

    @Test func snsNeedsCredentials() async throws {
        try await HTTPClient.withHTTPClient { http in
            let error = #expect(throws: AlertError.self) {
                _ = try AlertTargets.make(
                    "arn:aws:sns:us-east-1:123456789012:t", configuration: Fixtures.configuration(http))
            }
            #expect(error?.description.contains("credentials") == true)
        }
    }
}
