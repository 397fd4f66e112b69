import AWSWire
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Publishes alerts to an SNS topic (Query protocol `Publish`) with a `Subject` of at most 100
/// characters and the plain-text body as `Message`.
///
/// Credentials and the endpoint come from ``AlertTargetConfiguration/aws`` (`AWS_ENDPOINT_URL_SNS`,
/// `AWS_ENDPOINT_URL`, else `https://sns.REGION.amazonaws.com` with the topic's region).
struct SNSTarget: AlertTarget {
    let topicARN: String
    let region: String
    let endpoint: String
    let client: AWSClient
    let delivery: AlertDelivery
    let logger: Logger
    let description: String

    init(topicARN: String, configuration: AlertTargetConfiguration) throws {
        let parts = topicARN.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "sns", !parts[3].isEmpty, !parts[4].isEmpty,
            !parts[5].isEmpty
        else {
            throw AlertTargets.invalid(topicARN, "expected arn:aws:sns:REGION:ACCOUNT:TOPIC")
        }
        guard let credentials = configuration.aws.credentials else {
            throw AlertTargets.invalid(topicARN, "no AWS credentials are configured for SNS")
        }
        self.topicARN = topicARN
        region = String(parts[3])
        endpoint = configuration.aws.endpoint(for: "SNS") ?? "https://sns.\(region).amazonaws.com"
        delivery = configuration.delivery
        logger = configuration.logger
        description = "sns " + topicARN
        // One attempt per AWSClient call: ``AlertDelivery`` owns retries and deadlines.
        client = AWSClient(
            httpClient: configuration.httpClient,
            credentials: credentials,
            configuration: AWSClient.Configuration(
                retry: AWSClient.RetryPolicy(maximumAttempts: 1),
                timeout: .nanoseconds(Int64(AlertDelivery.seconds(configuration.delivery.attemptTimeout) * 1e9)),
                maximumResponseBytes: 1 << 20
            ),
            logger: configuration.logger
        )
    }

    func send(_ alert: Alert) async throws {
        let sns = SNSClient(client: client, endpoint: endpoint, region: region)
        let subject = Self.subject(alert)
        let message = alert.headline + "\n\n" + alert.text
        try await delivery.run(description) { [self] number in
            do {
                _ = try await sns.publish(topicARN: topicARN, message: message, subject: subject)
            } catch is CancellationError {
                throw CancellationError()
            } catch let error as AWSError where error.status != 0 {
                // SNS answered: throttling and 5xx are worth another attempt, the rest is final.
                let failure = AlertError(
                    error.isRetryable ? .unavailable : .rejected, "\(description): \(error)", underlying: error)
                throw error.isRetryable
                    ? AlertDelivery.Failure.transient(failure) : AlertDelivery.Failure.permanent(failure)
            } catch {
                logger.debug(
                    "SNS publish failed",
                    metadata: [LogKey.target: "\(description)", LogKey.attempt: "\(number)", LogKey.error: "\(error)"]
                )
                throw AlertDelivery.Failure.transient(
                    AlertError(.unavailable, "\(description): \(error)", underlying: error))
            }
        }
    }

    /// SNS subjects: at most 100 characters, printable ASCII without line breaks, not starting
    /// with a space.
    static func subject(_ alert: Alert) -> String {
        let ascii = alert.subject(limit: 200).unicodeScalars.map { scalar -> Character in
            (0x20..<0x7F).contains(scalar.value) ? Character(scalar) : "?"
        }
        var text = String(ascii).trimmingCharacters(in: .whitespaces)
        if text.count > 100 { text = String(text.prefix(97)) + "..." }
        return text.isEmpty ? "Trailkeeper alert" : text
    }
}
