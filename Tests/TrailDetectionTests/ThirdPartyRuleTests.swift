import Foundation
import Testing
import TrailModel
import TrailStore

@testable import TrailDetection

/// Real detection content: Panther's labelled test events and Sigma rules, re-expressed as
/// EventBridge and CloudWatch patterns.
@Suite struct ThirdPartyRuleTests {
    struct PantherTest: Sendable, CustomTestStringConvertible {
        var ruleID: String
        var name: String
        var expected: Bool
        var raw: Data
        var testDescription: String { "\(ruleID): \(name)" }
    }

    static func pantherTests() throws -> [PantherTest] {
        let text = try String(contentsOf: try Fixtures.resource("panther/tests.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let log = try JSONSerialization.data(withJSONObject: object["log"]!)
            return PantherTest(
                ruleID: object["RuleID"] as! String, name: object["test_name"] as! String,
                expected: object["expected_result"] as! Bool, raw: log)
        }
    }

    @Test func everyPantherTestOfEveryReexpressedRuleHasItsExpectedResult() throws {
        let rules = try RuleSet.load([try Fixtures.resource("panther/panther-as-patterns.yaml").path])
        let tests = try Self.pantherTests()
        #expect(tests.count == 66)
        #expect(Set(tests.map(\.ruleID)) == Set(rules.rules.map(\.name)), "every rule has tests and vice versa")
        var checked = 0
        for test in tests {
            let record = try RecordParser().record(test.raw).get()
            let matched = rules.matchingRules(record).map(\.name)
            #expect(matched.contains(test.ruleID) == test.expected, "\(test.testDescription)")
            checked += 1
        }
        #expect(checked == tests.count)
    }

    static func sigmaRules() throws -> RuleSet {
        try RuleSet.load([try Fixtures.resource("sigma/sigma-as-eventbridge.yaml").path])
    }

    /// An independent evaluation of the Sigma selections (case-insensitive equality on dotted
    /// field paths; `null` = null or absent), with Foundation's JSON parser.
    static func sigmaReference(_ rule: String, _ raw: Data) -> Bool {
        let event = (try? JSONSerialization.jsonObject(with: raw)) as? [String: Any] ?? [:]
        func field(_ path: String) -> Any? {
            var current: Any? = event
            for part in path.split(separator: ".") { current = (current as? [String: Any])?[String(part)] }
            return current
        }
        func text(_ path: String) -> String? {
            switch field(path) {
            case let s as String: return s.lowercased()
            case let b as Bool: return b ? "true" : "false"
            default: return nil
            }
        }
        func eq(_ path: String, _ values: String...) -> Bool {
            guard let t = text(path) else { return false }
            return values.contains { $0.lowercased() == t }
        }
        func nullOrAbsent(_ path: String) -> Bool { field(path) == nil || field(path) is NSNull }
        switch rule {
        case "sigma-console-login-failed-authentication":
            return eq("eventName", "ConsoleLogin") && eq("errorMessage", "Failed authentication")
        case "sigma-console-login-success-without-mfa":
            return eq("eventName", "ConsoleLogin") && eq("additionalEventData.MFAUsed", "NO")
                && eq("responseElements.ConsoleLogin", "Success")
        case "sigma-new-route-added":
            return eq("eventSource", "ec2.amazonaws.com") && eq("eventName", "CreateRoute")
        case "sigma-security-group-change-ingress-egress":
            return eq("eventSource", "ec2.amazonaws.com")
                && eq("eventName", "AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress",
                      "RevokeSecurityGroupEgress", "RevokeSecurityGroupIngress")
        case "sigma-vpc-flow-logs-deleted":
            return eq("eventName", "DeleteFlowLogs") && (eq("errorCode", "Success") || nullOrAbsent("errorCode"))
        case "sigma-root-credentials":
            return eq("userIdentity.type", "Root") && !eq("eventType", "AwsServiceEvent")
        case "sigma-sts-getsessiontoken-misuse":
            return eq("eventSource", "sts.amazonaws.com") && eq("eventName", "GetSessionToken") && eq("userIdentity.type", "IAMUser")
        case "sigma-guardduty-detector-deleted-or-updated":
            return eq("eventSource", "guardduty.amazonaws.com")
                && (eq("eventName", "DeleteDetector") || (eq("eventName", "UpdateDetector") && eq("requestParameters.enable", "false")))
                && (eq("errorCode", "Success") || nullOrAbsent("errorCode"))
        case "sigma-s3-bucket-versioning-disable":
            return eq("eventSource", "s3.amazonaws.com") && eq("eventName", "PutBucketVersioning")
                && (text("requestParameters.VersioningConfiguration.Status")?.contains("suspended") ?? false)
        default:
            return false
        }
    }

    static func sigmaCrafted() throws -> [AuditRecord] {
        [
            try Fixtures.event(["eventName": "ConsoleLogin", "errorMessage": "Failed authentication"]),
            try Fixtures.event(["eventName": "ConsoleLogin", "additionalEventData": ["MFAUsed": "No"], "responseElements": ["ConsoleLogin": "Success"]]),
            try Fixtures.event(["eventSource": "ec2.amazonaws.com", "eventName": "CreateRoute"]),
            try Fixtures.event(["eventSource": "ec2.amazonaws.com", "eventName": "RevokeSecurityGroupEgress"]),
            try Fixtures.event(["eventSource": "ec2.amazonaws.com", "eventName": "DeleteFlowLogs", "errorCode": NSNull()]),
            try Fixtures.event(["eventSource": "ec2.amazonaws.com", "eventName": "DeleteFlowLogs", "errorCode": "AccessDenied"]),
            try Fixtures.event(["eventName": "ListBuckets", "userIdentity": ["type": "Root"], "eventType": Fixtures.absent]),
            try Fixtures.event(["eventName": "ListBuckets", "userIdentity": ["type": "Root"], "eventType": "AwsServiceEvent"]),
            try Fixtures.event(["eventSource": "sts.amazonaws.com", "eventName": "GetSessionToken"]),
            try Fixtures.event(["eventSource": "guardduty.amazonaws.com", "eventName": "UpdateDetector", "requestParameters": ["enable": false]]),
            try Fixtures.event(["eventSource": "guardduty.amazonaws.com", "eventName": "UpdateDetector", "requestParameters": ["enable": true]]),
            try Fixtures.event(["eventSource": "s3.amazonaws.com", "eventName": "PutBucketVersioning", "requestParameters": ["VersioningConfiguration": ["Status": "Suspended"]]]),
        ]
    }

    @Test func sigmaTranslationsAgreeWithTheSigmaSelectionsOnRealAndCraftedEvents() throws {
        let rules = try Self.sigmaRules()
        #expect(rules.rules.count == 9)
        var records = try Fixtures.invictusRecords()
        records += try Self.pantherTests().map { try RecordParser().record($0.raw).get() }
        records += try Self.sigmaCrafted()
        var hits: [String: Int] = [:]
        for record in records {
            let matched = Set(rules.matchingRules(record).map(\.name))
            for rule in rules.rules {
                let expected = Self.sigmaReference(rule.name, record.raw)
                #expect(matched.contains(rule.name) == expected, "\(rule.name) on \(record.eventName ?? "?") \(record.eventID)")
                if expected { hits[rule.name, default: 0] += 1 }
            }
        }
        for rule in rules.rules {
            #expect(hits[rule.name, default: 0] > 0, "\(rule.name) matched nothing: the comparison proves little")
        }
    }

    @Test func sigmaRuleFilesKeepTheirAuthors() throws {
        let folder = try Fixtures.resource("sigma")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yml") }
        #expect(files.count == 9)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(text.contains("\nauthor: "), "\(file)")
        }
    }
}
