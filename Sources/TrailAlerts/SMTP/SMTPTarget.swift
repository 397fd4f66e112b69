import Foundation
import Logging
import NIOCore
import TrailStore

/// Emails each alert (see ``SMTPSettings`` for the URL).
struct SMTPTarget: AlertTarget {
    let settings: SMTPSettings
    let client: SMTPClient
    let delivery: AlertDelivery
    let logger: Logger
    var description: String { "email " + settings.description }

    init(settings: SMTPSettings, configuration: AlertTargetConfiguration) throws {
        self.settings = settings
        delivery = configuration.delivery
        logger = configuration.logger
        client = try SMTPClient(
            settings: settings, group: configuration.eventLoopGroup,
            connectTimeout: .nanoseconds(Int64(AlertDelivery.seconds(configuration.delivery.attemptTimeout) * 1e9)),
            logger: configuration.logger
        )
    }

    func send(_ alert: Alert) async throws {
        let domain = settings.from.split(separator: "@").last.map(String.init) ?? "trailkeeper.localhost"
        let message = SMTPMessage(
            from: settings.from, to: settings.to, subject: alert.subject(limit: 150),
            body: alert.text, date: Date(), messageID: UUID().uuidString.lowercased() + "@" + domain,
            extraHeaders: [("X-Trailkeeper-Rule", alert.rule), ("X-Trailkeeper-Severity", alert.severity.rawValue)]
        )
        let name = description
        try await delivery.run(name) { [client, logger] number in
            do {
                try await client.send(message)
            } catch is CancellationError {
                throw CancellationError()
            } catch let error as SMTPClient.UnexpectedReply {
                let failure = AlertError(
                    error.reply.code >= 500 ? .rejected : .unavailable, "\(name): \(error)", underlying: error)
                throw error.reply.code >= 500
                    ? AlertDelivery.Failure.permanent(failure) : AlertDelivery.Failure.transient(failure)
            } catch let error as AlertError where error.code == .rejected || error.code == .protocolViolation {
                throw AlertDelivery.Failure.permanent(error)
            } catch {
                logger.debug(
                    "email send failed",
                    metadata: [LogKey.target: "\(name)", LogKey.attempt: "\(number)", LogKey.error: "\(error)"]
                )
                throw AlertDelivery.Failure.transient(AlertError(.unavailable, "\(name): \(error)", underlying: error))
            }
        }
    }
}
