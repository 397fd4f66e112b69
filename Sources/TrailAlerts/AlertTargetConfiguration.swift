import AWSWire
import AsyncHTTPClient
import Logging
import NIOCore
import NIOPosix

/// What alert targets share: the HTTP client, AWS settings for SNS, the event loops SMTP runs on,
/// retry limits and whether raw records go along.
public struct AlertTargetConfiguration: Sendable {
    /// The HTTP client webhook, Slack, PagerDuty and SNS targets post with (the caller owns it).
    public var httpClient: HTTPClient
    /// Credentials, region and endpoints for SNS targets (`AWS_ENDPOINT_URL_SNS`…).
    public var aws: AWSConfiguration
    /// The event loops SMTP connections run on.
    public var eventLoopGroup: any EventLoopGroup
    /// Retries and deadlines of every target.
    public var delivery: AlertDelivery
    /// Whether webhook payloads carry the matched records' JSON (`records`); off by default,
    /// since records may hold data a chat channel should not see.
    public var includeRecords: Bool
    /// Where targets log retries (debug) and give-ups.
    public var logger: Logger

    /// A configuration.
    public init(
        httpClient: HTTPClient,
        aws: AWSConfiguration = AWSConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        delivery: AlertDelivery = AlertDelivery(),
        includeRecords: Bool = false,
        logger: Logger
    ) {
        self.httpClient = httpClient
        self.aws = aws
        self.eventLoopGroup = eventLoopGroup
        self.delivery = delivery
        self.includeRecords = includeRecords
        self.logger = logger
    }
}
