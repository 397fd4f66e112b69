import AWSWire
import Foundation
import Logging
import ObjectStorage
import TrailDelivery

/// The AWS services `serve` can use instead of its embedded ones: an S3 API for trail buckets and
/// SNS for trail notifications. Credentials and region come from the usual AWS configuration
/// (`AWS_ACCESS_KEY_ID`…, profiles, `AWS_REGION`).
enum AWSBackends {
    /// The S3 object store when `s3-endpoint` is set: a URL (`http://127.0.0.1:5000`), or `aws`
    /// for the configured S3 endpoint (`AWS_ENDPOINT_URL_S3`…, else AWS's).
    ///
    /// - Throws: ``ConfigurationError`` when no AWS credentials are configured.
    static func objectStore(endpoint: String?, aws: AWSConfiguration, logger: Logger) throws -> S3ObjectStore? {
        guard let endpoint else { return nil }
        do {
            var client = try S3Client(configuration: aws, logger: logger)
            if endpoint != "aws" {
                client = S3Client(client: client.client, endpoint: endpoint, region: aws.region)
            }
            return S3ObjectStore(client: client)
        } catch {
            throw ConfigurationError("s3-endpoint: \(error)")
        }
    }

    /// The forwarder of trail notifications to SNS, when `sns-endpoint` is set (a URL, or `aws` for
    /// AWS's endpoint) or `AWS_ENDPOINT_URL_SNS` names one; nil otherwise (notifications then stay
    /// on the embedded queue).
    ///
    /// - Throws: ``ConfigurationError`` when no AWS credentials are configured.
    static func notificationForwarder(
        endpoint: String?, environment: [String: String], aws: AWSConfiguration, deliverer: TrailDeliverer,
        logger: Logger
    ) throws -> SNSNotificationForwarder? {
        let explicit = endpoint ?? environment["AWS_ENDPOINT_URL_SNS"].flatMap { $0.isEmpty ? nil : $0 }
        guard let explicit else { return nil }
        do {
            let sns = try SNSClient(
                configuration: aws, endpoint: explicit == "aws" ? "https://sns.\(aws.region).amazonaws.com" : explicit,
                logger: logger)
            logger.info("trail notifications go to SNS", metadata: ["trail.sns.endpoint": "\(sns.endpoint)"])
            return SNSNotificationForwarder(deliverer: deliverer, sns: sns, logger: logger)
        } catch {
            throw ConfigurationError("sns-endpoint: \(error)")
        }
    }
}

extension ServerConfiguration {
    /// The store `serve` keeps trail buckets in: the S3 API of `s3-endpoint` when set, else the
    /// data directory's embedded store.
    ///
    /// - Throws: ``ConfigurationError`` when `s3-endpoint` is set but no AWS credentials are configured.
    public func trailObjectStore(logger: Logger) throws -> any ObjectStore {
        let aws = AWSConfiguration(environment: ProcessInfo.processInfo.environment)
        if let store = try AWSBackends.objectStore(endpoint: s3Endpoint, aws: aws, logger: logger) { return store }
        return try FileObjectStore(root: dataDirectory)
    }
}
