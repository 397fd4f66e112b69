import Foundation
import TrailModel

/// Builds realistic CloudTrail records for tests.
public enum RecordFixtures {
    /// One management (or data) event, as CloudTrail writes it, parsed into an ``AuditRecord``.
    public static func record(
        eventID: String = UUID().uuidString.lowercased(),
        time: Int64,
        name: String = "DescribeInstances",
        source: String = "ec2.amazonaws.com",
        region: String = "us-east-1",
        userName: String = "alice",
        accessKeyID: String = "AKIAEXAMPLE000000001",
        readOnly: Bool = true,
        management: Bool = true,
        resources: [(type: String, arn: String)] = [],
        account: String = "111122223333"
    ) -> AuditRecord {
        let resourceJSON = resources.map {
            "{\"accountId\":\"\(account)\",\"type\":\"\($0.type)\",\"ARN\":\"\($0.arn)\"}"
        }.joined(separator: ",")
        let json = """
            {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::\(account):user/\(userName)","accountId":"\(account)","accessKeyId":"\(accessKeyID)","userName":"\(userName)"},"eventTime":"\(EventTime.format(time))","eventSource":"\(source)","eventName":"\(name)","awsRegion":"\(region)","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"requestID":"\(UUID().uuidString)","eventID":"\(eventID)","readOnly":\(readOnly),"resources":[\(resourceJSON)],"eventType":"AwsApiCall","managementEvent":\(management),"recipientAccountId":"\(account)","eventCategory":"\(management ? "Management" : "Data")"}
            """
        switch RecordParser().record(Data(json.utf8)) {
        case .success(let r): return r
        case .failure(let f): preconditionFailure("fixture does not parse: \(f)")
        }
    }
}
