import Foundation
import Testing
import TrailModel
import TrailStore

@testable import TrailDetection

/// The built-in `cis-aws-foundations` pack: every row of spec §9 with one event that must match
/// and one that must not.
@Suite struct CISPackTests {
    static let pack = Result { try RuleSet.load(["cis-aws-foundations"]) }

    struct Case: Sendable, CustomTestStringConvertible {
        var rule: String
        var positive: [String: any Sendable]
        var negative: [String: any Sendable]
        var testDescription: String { rule }
    }

    static let absent = Fixtures.absent
    static let rootIdentity: [String: any Sendable] = ["type": "Root", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333", "principalId": "111122223333"]

    static let cases: [Case] = [
        Case(rule: "cis-1-unauthorized-api-calls",
             positive: ["eventName": "DescribeInstances", "errorCode": "Client.UnauthorizedOperation"],
             negative: ["eventName": "DescribeInstances", "errorCode": "Client.InvalidParameterValue"]),
        Case(rule: "cis-1b-unauthorized-api-calls",
             positive: ["eventName": "GetObject", "errorCode": "AccessDenied"],
             negative: ["eventName": "HeadBucket", "errorCode": "AccessDenied"]),
        Case(rule: "cis-2-console-signin-without-mfa",
             positive: ["eventName": "ConsoleLogin", "additionalEventData": ["MFAUsed": "No"]],
             negative: ["eventName": "ConsoleLogin", "additionalEventData": ["MFAUsed": "Yes"]]),
        Case(rule: "cis-2b-console-signin-without-mfa",
             positive: ["eventName": "ConsoleLogin", "eventType": "AwsConsoleSignIn", "additionalEventData": ["MFAUsed": "No"], "responseElements": ["ConsoleLogin": "Success"]],
             negative: ["eventName": "ConsoleLogin", "eventType": "AwsConsoleSignIn", "additionalEventData": ["MFAUsed": "No"], "responseElements": ["ConsoleLogin": "Failure"]]),
        Case(rule: "cis-3-root-account-usage",
             positive: ["eventName": "CreateAccessKey", "userIdentity": rootIdentity],
             negative: ["eventName": "CreateAccessKey", "userIdentity": rootIdentity.merging(["invokedBy": "support.amazonaws.com"]) { $1 }]),
        Case(rule: "cis-4-iam-policy-changes",
             positive: ["eventSource": "iam.amazonaws.com", "eventName": "PutUserPolicy"],
             negative: ["eventSource": "iam.amazonaws.com", "eventName": "GetUserPolicy"]),
        Case(rule: "cis-5-cloudtrail-configuration-changes",
             positive: ["eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"],
             negative: ["eventSource": "cloudtrail.amazonaws.com", "eventName": "DescribeTrails"]),
        Case(rule: "cis-6-console-authentication-failures",
             positive: ["eventName": "ConsoleLogin", "errorMessage": "Failed authentication"],
             negative: ["eventName": "ConsoleLogin", "responseElements": ["ConsoleLogin": "Success"]]),
        Case(rule: "cis-7-cmk-disabled-or-scheduled-deletion",
             positive: ["eventSource": "kms.amazonaws.com", "eventName": "ScheduleKeyDeletion"],
             negative: ["eventSource": "kms.amazonaws.com", "eventName": "EnableKey"]),
        Case(rule: "cis-8-s3-bucket-policy-changes",
             positive: ["eventSource": "s3.amazonaws.com", "eventName": "PutBucketPolicy"],
             negative: ["eventSource": "s3.amazonaws.com", "eventName": "GetBucketPolicy"]),
        Case(rule: "cis-9-config-changes",
             positive: ["eventSource": "config.amazonaws.com", "eventName": "StopConfigurationRecorder"],
             negative: ["eventSource": "s3.amazonaws.com", "eventName": "StopConfigurationRecorder"]),
        Case(rule: "cis-10-security-group-changes",
             positive: ["eventSource": "ec2.amazonaws.com", "eventName": "AuthorizeSecurityGroupIngress"],
             negative: ["eventSource": "ec2.amazonaws.com", "eventName": "DescribeSecurityGroups"]),
        Case(rule: "cis-11-nacl-changes",
             positive: ["eventSource": "ec2.amazonaws.com", "eventName": "ReplaceNetworkAclEntry"],
             negative: ["eventSource": "ec2.amazonaws.com", "eventName": "DescribeNetworkAcls"]),
        Case(rule: "cis-12-network-gateway-changes",
             positive: ["eventSource": "ec2.amazonaws.com", "eventName": "AttachInternetGateway"],
             negative: ["eventSource": "ec2.amazonaws.com", "eventName": "DescribeInternetGateways"]),
        Case(rule: "cis-13-route-table-changes",
             positive: ["eventSource": "ec2.amazonaws.com", "eventName": "ReplaceRoute"],
             negative: ["eventSource": "ec2.amazonaws.com", "eventName": "DescribeRouteTables"]),
        Case(rule: "cis-14-vpc-changes",
             positive: ["eventSource": "ec2.amazonaws.com", "eventName": "CreateVpcPeeringConnection"],
             negative: ["eventSource": "ec2.amazonaws.com", "eventName": "DescribeVpcs"]),
        Case(rule: "cis-15-organizations-changes",
             positive: ["eventSource": "organizations.amazonaws.com", "eventName": "LeaveOrganization"],
             negative: ["eventSource": "organizations.amazonaws.com", "eventName": "DescribeOrganization"]),
    ]

    func names(_ fields: [String: any Sendable]) throws -> Set<String> {
        let record = try Fixtures.event(fields)
        return Set(try Self.pack.get().matchingRules(record).map(\.name))
    }

    @Test func packHasEveryRowOfTheSpecWithDocumentedSeverities() throws {
        let rules = try Self.pack.get().rules
        #expect(rules.count == 17)
        #expect(Set(rules.map(\.name)) == Set(Self.cases.map(\.rule)))
        #expect(rules.first { $0.name == "cis-3-root-account-usage" }?.severity == .critical)
        #expect(rules.first { $0.name == "cis-6-console-authentication-failures" }?.severity == .low)
        for rule in rules {
            guard case .filterPattern(let p) = rule.condition else {
                Issue.record("\(rule.name) is not a filter pattern")
                continue
            }
            #expect(p.text.hasPrefix("{") && p.text.hasSuffix("}"))
        }
    }

    @Test(arguments: cases)
    func rowMatchesItsPositiveAndNotItsNegative(_ c: Case) throws {
        #expect(try names(c.positive).contains(c.rule))
        #expect(try !names(c.negative).contains(c.rule))
    }

    @Test func rootUsageNeedsNoInvokedByAndNoServiceEvent() throws {
        let rule = "cis-3-root-account-usage"
        #expect(try names(["eventName": "ConsoleLogin", "eventType": "AwsConsoleSignIn", "userIdentity": Self.rootIdentity]).contains(rule))
        #expect(try !names(["eventName": "CreateAccessKey", "eventType": "AwsServiceEvent", "userIdentity": Self.rootIdentity]).contains(rule))
        #expect(try !names(["eventName": "CreateAccessKey"]).contains(rule), "an IAM user is not root")
    }

    @Test func mfaYesDoesNotMatchAndMissingMFAFieldDoesNotMatchEither() throws {
        // CloudWatch semantics as implemented (spec §10.1): != on a missing field is false, so a
        // ConsoleLogin without additionalEventData.MFAUsed is not reported by rows 2/2b.
        let rule = "cis-2-console-signin-without-mfa"
        #expect(try names(["eventName": "ConsoleLogin", "additionalEventData": ["MFAUsed": "No"]]).contains(rule))
        #expect(try !names(["eventName": "ConsoleLogin", "additionalEventData": ["MFAUsed": "Yes"]]).contains(rule))
        #expect(try !names(["eventName": "ConsoleLogin"]).contains(rule))
    }

    @Test func unauthorizedVariantsDiffer() throws {
        let fromLogs = try names(["eventName": "PutObject", "errorCode": "AccessDenied", "sourceIPAddress": "delivery.logs.amazonaws.com"])
        #expect(fromLogs.contains("cis-1-unauthorized-api-calls"))
        #expect(!fromLogs.contains("cis-1b-unauthorized-api-calls"))
        let denied = try names(["eventName": "PutObject", "errorCode": "AccessDeniedException"])
        #expect(denied.isSuperset(of: ["cis-1-unauthorized-api-calls", "cis-1b-unauthorized-api-calls"]))
    }
}
