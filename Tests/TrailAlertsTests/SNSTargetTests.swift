import AWSWire
import AsyncHTTPClient
import Foundation
import Testing
import NIOHTTP1
import TrailAlerts
import TrailStore

/// moto server, when the environment names it.
enum Moto {
    static let endpoint = ProcessInfo.processInfo.environment["MOTO_ENDPOINT"]
    static let isRequired = ProcessInfo.processInfo.environment["TRAILKEEPER_REQUIRE_INTEGRATION"] == "1"
}

/// SNS Publish against moto: a topic with an SQS queue subscribed; the test reads the message back.
@Suite(
    .enabled(
        if: Moto.endpoint != nil || Moto.isRequired,
        "MOTO_ENDPOINT is not set (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    )
)
struct SNSTargetTests {
    static let credentials = SigV4.Credentials(accessKeyID: "AKIAMOTOTEST00000001", secretAccessKey: "moto-secret")

    @Test func publishesSubjectAndMessageToTheTopic() async throws {
        let endpoint = try #require(Moto.endpoint, "TRAILKEEPER_REQUIRE_INTEGRATION=1 but MOTO_ENDPOINT is not set")
        let name = "tk-alerts-" + UUID().uuidString.lowercased().prefix(8)
        try await HTTPClient.withHTTPClient { http in
            let aws = AWSClient(httpClient: http, credentials: Self.credentials, logger: Fixtures.logger)
            let topicARN = try await Self.createTopic(name, aws: aws, endpoint: endpoint)
            let queueURL =
                try await Self.sqs("CreateQueue", ["QueueName": name], aws: aws, endpoint: endpoint)["QueueUrl"]
                as? String
            let queue = try #require(queueURL)
            let attributes = try await Self.sqs(
                "GetQueueAttributes", ["QueueUrl": queue, "AttributeNames": ["QueueArn"]], aws: aws, endpoint: endpoint
            )
            let queueARN = try #require((attributes["Attributes"] as? [String: Any])?["QueueArn"] as? String)
            let subscribed = try await Self.sns(
                [("Action", "Subscribe"), ("TopicArn", topicARN), ("Protocol", "sqs"), ("Endpoint", queueARN)],
                aws: aws, endpoint: endpoint
            )
            #expect(subscribed.isSuccess)

            let configuration = Fixtures.configuration(
                http,
                environment: [
                    "AWS_ACCESS_KEY_ID": "AKIAMOTOTEST00000001", "AWS_SECRET_ACCESS_KEY": "moto-secret",
                    "AWS_ENDPOINT_URL": endpoint,
                ]
            )
            let target = try AlertTargets.make("sns://" + topicARN, configuration: configuration)
            let finding = Fixtures.finding(
                4, who: "arn:aws:iam::123456789012:user/" + String(repeating: "x", count: 120))
            try await target.send(Alert(finding: finding, raisedAt: Date()))

            let received = try await Self.sqs(
                "ReceiveMessage", ["QueueUrl": queue, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1], aws: aws,
                endpoint: endpoint
            )
            let messages = try #require(received["Messages"] as? [[String: Any]])
            #expect(messages.count == 1)
            let body = try #require(messages.first?["Body"] as? String)
            let envelope = try #require(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(envelope["TopicArn"] as? String == topicARN)
            let subject = try #require(envelope["Subject"] as? String)
            #expect(subject.count == 100)
            #expect(subject.hasPrefix("[HIGH] CreateUser: arn:aws:iam::123456789012:user/xxx"))
            #expect(subject.hasSuffix("..."))
            let message = try #require(envelope["Message"] as? String)
            #expect(message.contains("Rule CreateUser fired (severity HIGH)."))
            #expect(message.contains("Event ID: " + finding.eventID))
            #expect(message.contains("Where:  203.0.113.7 in us-east-1"))
        }
    }

    @Test func refusesAnARNThatIsNotATopic() async throws {
        try await HTTPClient.withHTTPClient { http in
            let configuration = Fixtures.configuration(
                http, environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"]
            )
            #expect(throws: AlertError.self) {
                _ = try AlertTargets.make("arn:aws:sqs:us-east-1:123456789012:queue", configuration: configuration)
            }
        }
    }

    static func sns(_ fields: [(String, String)], aws: AWSClient, endpoint: String) async throws -> AWSClient.Response {
        let body = (fields + [("Version", "2010-03-31")]).map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }
            .joined(separator: "&")
        return try await aws.send(
            method: .POST, endpoint: endpoint, path: "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Data(body.utf8),
            service: "sns", region: "us-east-1"
        )
    }

    static func createTopic(_ name: String, aws: AWSClient, endpoint: String) async throws -> String {
        let response = try await sns([("Action", "CreateTopic"), ("Name", name)], aws: aws, endpoint: endpoint)
        let xml = String(decoding: response.body, as: UTF8.self)
        let start = try #require(xml.range(of: "<TopicArn>"))
        let end = try #require(xml.range(of: "</TopicArn>"))
        return String(xml[start.upperBound..<end.lowerBound])
    }

    static func sqs(_ action: String, _ input: [String: Any], aws: AWSClient, endpoint: String) async throws -> [String:
        Any]
    {
        let response = try await aws.send(
            method: .POST, endpoint: endpoint, path: "/",
            headers: [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS." + action)],
            body: try JSONSerialization.data(withJSONObject: input), service: "sqs", region: "us-east-1"
        )
        try #require(
            response.isSuccess, "\(action): \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        return try #require(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(
                charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")) ?? text
    }
}
