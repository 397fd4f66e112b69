import Foundation
import Testing
import TrailModel
import TrailStore

@testable import TrailDetection

@Suite struct RuleSetTests {
    func temporaryFile(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trail-detection-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func loadsYAMLRulesOfAllThreeKinds() throws {
        let path = try temporaryFile("rules.yaml", """
            - name: deletes
              severity: high
              description: Deleting things
              eventPattern:
                eventName: [{prefix: Delete}]
            - name: root
              severity: CRITICAL
              filterPattern: '{ $.userIdentity.type = "Root" }'
            - name: watched
              eventNames: [CreateUser, CreateRole]
            - name: off
              enabled: false
              eventNames: [CreateUser]
            - name: pattern-as-string
              severity: info
              eventPattern: '{"eventSource":["s3.amazonaws.com"]}'
            """)
        let rules = try RuleSet.load([path])
        #expect(rules.rules.map(\.name) == ["deletes", "root", "watched", "off", "pattern-as-string"])
        #expect(rules.rules.map(\.severity) == [.high, .critical, .medium, .medium, .info])
        #expect(rules.rules[0].description == "Deleting things")
        #expect(!rules.rules[3].isEnabled)
        let create = try Fixtures.event(["eventName": "CreateUser", "eventSource": "iam.amazonaws.com"])
        #expect(rules.matchingRules(create).map(\.name) == ["watched"], "disabled rules never match")
        let delete = try Fixtures.event(["eventName": "DeleteBucket", "eventSource": "s3.amazonaws.com"])
        #expect(rules.matchingRules(delete).map(\.name) == ["deletes", "pattern-as-string"])
    }

    @Test func loadsJSONRuleFilesAndSeedMonitoredEvents() throws {
        let json = try temporaryFile("rules.json", #"{"rules":[{"name":"a","severity":"LOW","eventNames":["ConsoleLogin"]}]}"#)
        let seed = try temporaryFile(
            "monitored_events.json", #"{"monitoredEvents": ["ConsoleLogin", "CreateUser", "DeleteTrail"]}"#)
        let rules = try RuleSet.load([json, seed, "cis-aws-foundations"])
        #expect(rules.rules.count == 2 + 17)
        let monitored = try #require(rules.rules.first { $0.name == RuleSet.monitoredEventsRuleName })
        #expect(monitored.severity == .medium)
        guard case .eventNames(let names) = monitored.condition else { Issue.record("not eventNames"); return }
        #expect(names == ["ConsoleLogin", "CreateUser", "DeleteTrail"])
        let trail = try Fixtures.event(["eventName": "DeleteTrail", "eventSource": "cloudtrail.amazonaws.com"])
        #expect(rules.matchingRules(trail).map(\.name) == ["monitored-events", "cis-5-cloudtrail-configuration-changes"])
    }

    @Test(arguments: [
        ("- name: x\n  eventNames: [A]\n  filterPattern: '{ $.a = 1 }'", "exactly one of"),
        ("- name: x", "exactly one of"),
        ("- severity: HIGH\n  eventNames: [A]", "name is required"),
        ("- name: x\n  severity: URGENT\n  eventNames: [A]", "severity must be"),
        ("- name: x\n  eventNames: [A]\n  tags: [t]", "unknown key \"tags\""),
        ("- name: x\n  filterPattern: '{ $.a = }'", "syntax error"),
        ("- name: x\n  eventPattern: {eventName: Delete}", "array of alternatives"),
        ("- name: x\n  eventNames: [A]\n- name: x\n  eventNames: [B]", "used twice"),
        ("- name: x\n  eventNames: []", "non-empty list"),
        ("- name: x\n  enabled: maybe\n  eventNames: [A]", "enabled is true or false"),
        ("{\"rules\": 3}", "expected a list of rules"),
        ("[{\"name\": \"x\", ", "invalid JSON"),
        ("- name: [unclosed", "invalid YAML"),
    ])
    func badRuleFilesFailWithAMessageNamingTheProblem(_ text: String, _ fragment: String) throws {
        let path = try temporaryFile("bad.yaml", text)
        #expect {
            _ = try RuleSet.load([path])
        } throws: { error in
            guard let error = error as? DetectionError else { return false }
            return error.message.contains(fragment) && error.message.contains(path)
        }
    }

    @Test func unknownSourcesNameTheBuiltInPacks() {
        #expect {
            _ = try RuleSet.load(["no-such-pack"])
        } throws: { error in
            (error as? DetectionError)?.code == .unknownSource
                && ((error as? DetectionError)?.message.contains("cis-aws-foundations") ?? false)
        }
    }

    @Test func findingsCarryWhoWhereAndTheRecord() throws {
        let rules = RuleSet(rules: [
            Rule(name: "user-made", severity: .high, description: "d", condition: .eventNames(["CreateUser"]))
        ])
        let record = try Fixtures.event(["eventName": "CreateUser", "eventSource": "iam.amazonaws.com"])
        let findings = rules.findings(for: record, origin: "s3://bucket/key.json.gz", detectedAt: 42)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.rule == "user-made")
        #expect(finding.severity == .high)
        #expect(finding.ruleDescription == "d")
        #expect(finding.eventID == record.eventID)
        #expect(finding.eventName == "CreateUser")
        #expect(finding.who == "arn:aws:iam::111122223333:user/alice")
        #expect(finding.sourceIPAddress == "198.51.100.7")
        #expect(finding.region == "us-east-1")
        #expect(finding.account == "111122223333")
        #expect(finding.origin == "s3://bucket/key.json.gz")
        #expect(finding.detectedAt == 42)
        #expect(finding.record == record.raw)

        let service = try Fixtures.event([
            "eventName": "CreateUser", "recipientAccountId": Fixtures.absent,
            "userIdentity": ["type": "AWSService", "invokedBy": "cloudformation.amazonaws.com", "accountId": "444455556666"],
        ])
        let second = try #require(rules.findings(for: service, origin: "journal", detectedAt: 1).first)
        #expect(second.who == "cloudformation.amazonaws.com")
        #expect(second.account == "444455556666")
        let other = try Fixtures.event(["eventName": "ListUsers"])
        #expect(rules.findings(for: other, origin: "journal", detectedAt: 1).isEmpty)
    }

    @Test func recordsNoRuleCanMatchAreRejectedWithoutParsingTheJSON() throws {
        let rules = try RuleSet.load(["cis-aws-foundations"])
        // Row 1/1b pin nothing but read errorCode, which is indexed: a successful call is decided
        // from the indexed fields alone.
        let quiet = try Fixtures.event(["eventName": "DescribeInstances", "eventSource": "ec2.amazonaws.com"])
        var parsed: JSONValue?? = nil
        #expect(rules.matchingIndices(quiet, parsed: &parsed).isEmpty)
        #expect(parsed == nil, "no JSON parse for a record no rule can match")
        // A pinned event name that needs a non-indexed field is parsed.
        let login = try Fixtures.event(["eventName": "ConsoleLogin", "additionalEventData": ["MFAUsed": "No"]])
        #expect(rules.matchingIndices(login, parsed: &parsed).count == 1)
        #expect(parsed != nil)
    }

    @Test func substringPrefilterIsSkippedForRecordsWithUnicodeEscapes() throws {
        let rules = try RuleSet.load(["cis-aws-foundations"])
        let plain = #"{"eventTime":"2024-05-01T12:00:00Z","eventID":"a","eventName":"ListBuckets","eventSource":"s3.amazonaws.com","eventType":"AwsApiCall","userIdentity":{"type":"Root"}}"#
        let escaped = plain.replacingOccurrences(of: #""Root""#, with: #""R\u006fot""#)
        #expect(escaped.contains("\\u006f"))
        for json in [plain, escaped] {
            let names = rules.matchingRules(try Fixtures.record(json)).map(\.name)
            #expect(names == ["cis-3-root-account-usage"], "\(json)")
        }
        let notRoot = plain.replacingOccurrences(of: #""Root""#, with: #""IAMUser""#)
        var parsed: JSONValue?? = nil
        #expect(rules.matchingIndices(try Fixtures.record(notRoot), parsed: &parsed).isEmpty)
        #expect(parsed == nil, "Root does not occur in the bytes: no parse")
    }

    @Test func prefilteredEvaluationAgreesWithFullEvaluationOnEveryInvictusRecord() throws {
        let sources = [
            "cis-aws-foundations",
            try Fixtures.resource("panther/panther-as-patterns.yaml").path,
            try Fixtures.resource("sigma/sigma-as-eventbridge.yaml").path,
        ]
        let rules = try RuleSet.load(sources)
        var parsedCount = 0
        var matchCount = 0
        for record in try Fixtures.invictusRecords() {
            var parsed: JSONValue?? = nil
            let fast = rules.matchingIndices(record, parsed: &parsed)
            if parsed != nil { parsedCount += 1 }
            let json = try JSONValue.parse(record.raw)
            let envelope = RecordNode.value(RecordViews.envelope(json))
            let slow = rules.rules.indices.filter { i in
                rules.rules[i].isEnabled && rules.rules[i].evaluate(record: .value(json), envelope: envelope) == true
            }
            #expect(fast == slow, "\(record.eventName ?? "?") \(record.eventID)")
            matchCount += fast.count
        }
        #expect(matchCount > 0)
        // The Sigma translations compare userIdentity.type case-insensitively, which neither the
        // index nor the substring check can decide; without them most records are never parsed.
        #expect(parsedCount > 0)
        let decidable = try RuleSet.load(Array(sources.prefix(2)))
        var parsedWithoutSigma = 0
        for record in try Fixtures.invictusRecords() {
            var parsed: JSONValue?? = nil
            _ = decidable.matchingIndices(record, parsed: &parsed)
            if parsed != nil { parsedWithoutSigma += 1 }
        }
        #expect(parsedWithoutSigma < 2900 / 10, "the prefilter should spare most records a parse (parsed \(parsedWithoutSigma))")
    }

    @Test func ruleSetIsSharedAcrossConcurrentTasks() async throws {
        let rules = try RuleSet.load(["cis-aws-foundations"])
        let records = try Fixtures.invictusRecords()
        let counts = await withTaskGroup(of: Int.self, returning: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask { records.reduce(0) { $0 + rules.matchingRules($1).count } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(counts).count == 1)
        #expect(counts[0] > 0)
    }
}
