import AsyncHTTPClient
import Foundation
import Testing
import TrailAlerts

/// Sends one alert to a real SMTP server named by `TRAILKEEPER_SMTP_URL` (for example aiosmtpd:
/// `python3 -m aiosmtpd -n -l 127.0.0.1:8025` and
/// `TRAILKEEPER_SMTP_URL='smtp://127.0.0.1:8025?from=a@example.com&to=b@example.com'`).
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["TRAILKEEPER_SMTP_URL"] != nil,
        "TRAILKEEPER_SMTP_URL is not set"
    )
)
struct ExternalSMTPTests {
    @Test func sendsToTheConfiguredServer() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["TRAILKEEPER_SMTP_URL"])
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(url, configuration: Fixtures.configuration(http))
            try await target.send(Alert(finding: Fixtures.finding(42), raisedAt: Date()))
        }
    }
}
