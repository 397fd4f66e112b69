import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1

/// A minimal Amazon SNS client on ``AWSClient``, speaking SNS's Query protocol
/// (`Action=…&Version=2010-03-31` form posts, XML answers).
///
/// Every method throws ``AWSError`` when SNS answers with an error (such as `NotFound`), after
/// ``AWSClient``'s retries.
public struct SNSClient: Sendable {
    /// The underlying signed client.
    public let client: AWSClient
    /// `scheme://host[:port]` of the SNS endpoint.
    public let endpoint: String
    /// The SigV4 region.
    public let region: String

    /// A client of the SNS endpoint `endpoint` in `region`.
    public init(client: AWSClient, endpoint: String, region: String) {
        self.client = client
        self.endpoint = endpoint
        self.region = region
    }

    /// A client from the user's configuration: its credentials and region, and `endpoint`, else
    /// the configured SNS endpoint (`AWS_ENDPOINT_URL_SNS`…), else `https://sns.<region>.amazonaws.com`.
    ///
    /// - Throws: ``AWSError`` with code `MissingCredentials` when no credentials are configured.
    public init(
        httpClient: HTTPClient = .shared,
        configuration: AWSConfiguration,
        endpoint: String? = nil,
        clientConfiguration: AWSClient.Configuration = .init(),
        logger: Logger
    ) throws {
        self.client = try AWSClient(
            httpClient: httpClient, awsConfiguration: configuration, configuration: clientConfiguration, logger: logger)
        self.endpoint =
            endpoint ?? configuration.endpoint(for: "SNS") ?? "https://sns.\(configuration.region).amazonaws.com"
        self.region = configuration.region
    }

    /// A typed message attribute of ``publish(topicARN:message:subject:messageAttributes:)``.
    public struct MessageAttribute: Sendable, Hashable {
        /// `String`, `String.Array`, `Number` or `Binary`.
        public var dataType: String
        /// The value (base64 for `Binary`).
        public var value: String

        /// A `String` attribute.
        public static func string(_ value: String) -> Self { .init(dataType: "String", value: value) }
        /// A `Number` attribute.
        public static func number(_ value: String) -> Self { .init(dataType: "Number", value: value) }

        /// An attribute from its parts.
        public init(dataType: String, value: String) {
            self.dataType = dataType
            self.value = value
        }
    }

    /// Publishes a message to a topic.
    ///
    /// - Parameters:
    ///   - subject: the subject (email subscribers see it; queues get it in the envelope).
    ///   - messageAttributes: typed message attributes.
    /// - Returns: the message ID.
    @discardableResult
    public func publish(
        topicARN: String, message: String, subject: String? = nil,
        messageAttributes: [String: MessageAttribute] = [:]
    ) async throws -> String {
        var parameters = [("TopicArn", topicARN), ("Message", message)]
        if let subject { parameters.append(("Subject", subject)) }
        for (index, (name, attribute)) in messageAttributes.sorted(by: { $0.key < $1.key }).enumerated() {
            let prefix = "MessageAttributes.entry.\(index + 1)."
            parameters.append((prefix + "Name", name))
            parameters.append((prefix + "Value.DataType", attribute.dataType))
            let field = attribute.dataType.hasPrefix("Binary") ? "BinaryValue" : "StringValue"
            parameters.append((prefix + "Value." + field, attribute.value))
        }
        return try Self.text("MessageId", in: try await call("Publish", parameters))
    }

    /// Creates a topic, or returns the ARN of the existing one of that name.
    ///
    /// - Parameter attributes: topic attributes, such as `DisplayName`, `Policy` or `FifoTopic`.
    /// - Returns: the topic ARN.
    @discardableResult
    public func createTopic(name: String, attributes: [String: String] = [:]) async throws -> String {
        var parameters = [("Name", name)]
        parameters += Self.entries("Attributes", attributes)
        return try Self.text("TopicArn", in: try await call("CreateTopic", parameters))
    }

    /// Deletes a topic.
    public func deleteTopic(topicARN: String) async throws {
        _ = try await call("DeleteTopic", [("TopicArn", topicARN)])
    }

    /// Subscribes an endpoint to a topic.
    ///
    /// - Parameters:
    ///   - protocol: `sqs`, `https`, `email`, `lambda`…
    ///   - endpoint: for `sqs`, the queue ARN.
    ///   - attributes: subscription attributes, such as `RawMessageDelivery` or `FilterPolicy`.
    /// - Returns: the subscription ARN (`pending confirmation` for protocols that confirm).
    @discardableResult
    public func subscribe(
        topicARN: String, protocol: String, endpoint: String, attributes: [String: String] = [:]
    ) async throws -> String {
        var parameters = [("TopicArn", topicARN), ("Protocol", `protocol`), ("Endpoint", endpoint)]
        parameters += Self.entries("Attributes", attributes)
        parameters.append(("ReturnSubscriptionArn", "true"))
        return try Self.text("SubscriptionArn", in: try await call("Subscribe", parameters))
    }

    /// One page of topic ARNs.
    ///
    /// - Returns: the ARNs and the token of the next page, if any.
    public func listTopics(nextToken: String? = nil) async throws -> (topicARNs: [String], nextToken: String?) {
        let result = try await call("ListTopics", nextToken.map { [("NextToken", $0)] } ?? [])
        let arns = result.child("Topics")?.children("member").compactMap { $0.child("TopicArn")?.text } ?? []
        let token = result.child("NextToken")?.text
        return (arns, token.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Every topic ARN, following pages.
    public func allTopics() async throws -> [String] {
        var arns: [String] = []
        var token: String?
        repeat {
            try Task.checkCancellation()
            let page = try await listTopics(nextToken: token)
            arns += page.topicARNs
            token = page.nextToken
        } while token != nil
        return arns
    }

    // MARK: plumbing

    /// `Attributes.entry.N.key` / `Attributes.entry.N.value` pairs.
    static func entries(_ name: String, _ map: [String: String]) -> [(String, String)] {
        map.sorted { $0.key < $1.key }.enumerated().flatMap { index, pair in
            [("\(name).entry.\(index + 1).key", pair.key), ("\(name).entry.\(index + 1).value", pair.value)]
        }
    }

    static func text(_ name: String, in result: XMLTree) throws -> String {
        guard let value = result.child(name)?.text else {
            throw AWSError(code: "MalformedResponse", message: "the response has no \(name)", status: 200)
        }
        return value
    }

    /// Sends one action and returns its `<ActionResult>` element; a non-2xx answer becomes an ``AWSError``.
    func call(_ action: String, _ parameters: [(String, String)]) async throws -> XMLTree {
        let form = ([("Action", action), ("Version", "2010-03-31")] + parameters)
            .map { SigV4.encode($0.0) + "=" + SigV4.encode($0.1) }
            .joined(separator: "&")
        let response = try await client.send(
            method: .POST,
            endpoint: endpoint,
            path: "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Data(form.utf8),
            service: "sns",
            region: region
        )
        guard response.isSuccess else { throw AWSError(response: response) }
        guard let root = try? XMLTree.parse(response.body) else {
            throw AWSError(code: "MalformedResponse", message: "\(action) answered with no XML document", status: 200)
        }
        return root.child(action + "Result") ?? XMLTree(name: action + "Result", text: "", children: [])
    }
}
