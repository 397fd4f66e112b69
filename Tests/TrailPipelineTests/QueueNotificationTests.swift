import Foundation
import Testing
import TrailModel

@testable import TrailPipeline

@Suite("Queue notifications")
struct QueueNotificationTests {
    static let s3Event = #"""
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-2",
        "eventTime":"2022-06-27T16:19:22.631Z","eventName":"ObjectCreated:Put",
        "s3":{"s3SchemaVersion":"1.0","configurationId":"ct-logs",
        "bucket":{"name":"audit-logs","arn":"arn:aws:s3:::audit-logs"},
        "object":{"key":"AWSLogs/111111111111/CloudTrail/eu-west-2/2022/06/27/a+b%2Bc%3Dd.json.gz","size":9234}}}]}
        """#

    @Test func s3EventKeysAreFormDecoded() throws {
        let parsed = try QueueNotification.parse(Self.s3Event)
        #expect(
            parsed
                == .objects([
                    ObjectReference(
                        bucket: "audit-logs", key: "AWSLogs/111111111111/CloudTrail/eu-west-2/2022/06/27/a b+c=d.json.gz",
                        size: 9234)
                ]))
    }

    @Test func snsEnvelopeIsUnwrapped() throws {
        let envelope: [String: Any] = [
            "Type": "Notification", "MessageId": "1", "TopicArn": "arn:aws:sns:us-east-1:1:t", "Message": Self.s3Event,
            "Timestamp": "2022-06-27T16:19:22.631Z",
        ]
        let body = String(decoding: try JSONSerialization.data(withJSONObject: envelope), as: UTF8.self)
        guard case .objects(let refs) = try QueueNotification.parse(body) else {
            Issue.record("not objects")
            return
        }
        #expect(refs.map(\.bucket) == ["audit-logs"])
    }

    @Test func testEventIsRecognisedRawAndWrapped() throws {
        let test = #"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2014-10-13T15:57:02.089Z","Bucket":"b","RequestId":"5582815E1AEA5ADF","HostId":"x"}"#
        #expect(try QueueNotification.parse(test) == .testEvent)
        let wrapped = String(
            decoding: try JSONSerialization.data(withJSONObject: ["Type": "Notification", "Message": test]), as: UTF8.self)
        #expect(try QueueNotification.parse(wrapped) == .testEvent)
    }

    @Test func cloudTrailNotificationKeysAreNotDecoded() throws {
        let body = #"{"s3Bucket":"audit-logs","s3ObjectKey":["AWSLogs/1/CloudTrail/us-east-2/2016/08/11/a+b.json.gz","k2"]}"#
        #expect(
            try QueueNotification.parse(body)
                == .objects([
                    ObjectReference(bucket: "audit-logs", key: "AWSLogs/1/CloudTrail/us-east-2/2016/08/11/a+b.json.gz"),
                    ObjectReference(bucket: "audit-logs", key: "k2"),
                ]))
    }

    @Test func removalsAreIgnored() throws {
        let body = Self.s3Event.replacingOccurrences(of: "ObjectCreated:Put", with: "ObjectRemoved:Delete")
        guard case .ignored = try QueueNotification.parse(body) else {
            Issue.record("removal not ignored")
            return
        }
    }

    @Test(arguments: ["", "not json", "[1,2]", #"{"hello":"world"}"#, #"{"Records":[{"s3":{}}]}"#])
    func poisonMessagesThrow(_ body: String) {
        #expect(throws: NotificationError.self) { try QueueNotification.parse(body) }
    }

    @Test func ownNotificationRoundTrips() throws {
        let body = S3EventNotification.objectCreated(
            bucket: "b", objects: [("AWSLogs/1/CloudTrail/us-east-1/2024/01/02/x y+z%.json.gz", 42)], time: 1_700_000_000,
            region: "us-east-1")
        #expect(
            try QueueNotification.parse(body)
                == .objects([ObjectReference(bucket: "b", key: "AWSLogs/1/CloudTrail/us-east-1/2024/01/02/x y+z%.json.gz", size: 42)]))
        #expect(body.contains(#""eventTime":"2023-11-14T22:13:20.000Z""#))
    }
}
