import Foundation

/// POSTs each alert as JSON (see ``AlertJSON/webhook(_:includeRecords:)`` for the shape) to a URL.
struct WebhookTarget: AlertTarget {
    let poster: HTTPPoster
    let includeRecords: Bool
    let description: String

    init(url: String, configuration: AlertTargetConfiguration) throws {
        guard let parsed = URL(string: url), let host = parsed.host(), !host.isEmpty else {
            throw AlertTargets.invalid(url, "not an http(s) URL with a host")
        }
        description = "webhook " + AlertTargets.redacted(url)
        includeRecords = configuration.includeRecords
        poster = HTTPPoster(
            url: url, headers: [], httpClient: configuration.httpClient, delivery: configuration.delivery,
            logger: configuration.logger, name: description
        )
    }

    func send(_ alert: Alert) async throws {
        try await poster.post(AlertJSON.data(AlertJSON.webhook(alert, includeRecords: includeRecords)))
    }
}
