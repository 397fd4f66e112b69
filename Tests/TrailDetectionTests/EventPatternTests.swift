import Foundation
import Testing
import TrailModel
import TrailStore

@testable import TrailDetection

/// EventBridge event patterns (spec §10.2), on plain events and on CloudTrail records.
@Suite struct EventPatternTests {
    /// An EventBridge-style event in the shape of AWS's documentation examples.
    static let event = #"""
        {"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"EC2 Instance State-change Notification",
         "source":"aws.ec2","account":"111122223333","time":"2017-12-22T18:43:48Z","region":"us-west-1",
         "resources":["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
         "detail":{"instance-id":"i-1234567890abcdef0","state":"terminated","c-count":5,"d-count":3.5,
                   "x-limit":301.8,"source-ip":"10.0.0.123","ipv6":"2001:db8::7","filename":"dir/a/b.png",
                   "flag":true,"nothing":null,"empty":"","tags":["blue","green"],
                   "location":{"city":"Seattle","zip":98101}}}
        """#

    func matches(_ pattern: String, _ event: String = Self.event) throws -> Bool {
        let compiled = try EventPattern(json: pattern)
        return compiled.matches(.value(try JSONValue.parse(event))) == true
    }

    @Test func literalValuesAreOredAndKeysAnded() throws {
        #expect(try matches(#"{"source":["aws.ec2"],"detail":{"state":["running","terminated"]}}"#))
        #expect(try !matches(#"{"source":["aws.ec2"],"detail":{"state":["running"]}}"#))
        #expect(try !matches(#"{"source":["aws.s3"],"detail":{"state":["terminated"]}}"#))
        #expect(try !matches(#"{"source":["AWS.EC2"]}"#), "strings are case-sensitive")
        #expect(try matches(#"{"detail":{"c-count":[5]}}"#))
        #expect(try matches(#"{"detail":{"c-count":[5.0]}}"#), "numbers compare numerically")
        #expect(try !matches(#"{"detail":{"c-count":["5"]}}"#))
        #expect(try matches(#"{"detail":{"flag":[true]}}"#))
        #expect(try !matches(#"{"detail":{"flag":[false]}}"#))
        #expect(try matches(#"{"detail":{"nothing":[null]}}"#))
        #expect(try matches(#"{"detail":{"empty":[""]}}"#))
        #expect(try !matches(#"{"detail":{"missing":["x"]}}"#))
        #expect(try !matches(#"{"detail":{"location":["Seattle"]}}"#), "an object is not a leaf")
    }

    @Test func arrayValuesMatchWhenAnyElementMatches() throws {
        #expect(try matches(#"{"detail":{"tags":["green"]}}"#))
        #expect(try !matches(#"{"detail":{"tags":["red"]}}"#))
        #expect(try matches(#"{"resources":[{"prefix":"arn:aws:ec2:"}]}"#))
    }

    @Test func prefixSuffixAndEqualsIgnoreCase() throws {
        #expect(try matches(#"{"region":[{"prefix":"us-"}]}"#))
        #expect(try !matches(#"{"region":[{"prefix":"eu-"}]}"#))
        #expect(try matches(#"{"source":[{"prefix":{"equals-ignore-case":"AWS.E"}}]}"#))
        #expect(try matches(#"{"detail":{"filename":[{"suffix":".png"}]}}"#))
        #expect(try matches(#"{"detail":{"filename":[{"suffix":{"equals-ignore-case":".PNG"}}]}}"#))
        #expect(try !matches(#"{"detail":{"filename":[{"suffix":".PNG"}]}}"#))
        #expect(try matches(#"{"detail":{"state":[{"equals-ignore-case":"TERMINATED"}]}}"#))
        #expect(try !matches(#"{"detail":{"c-count":[{"prefix":"5"}]}}"#), "prefix applies to strings only")
    }

    @Test func wildcard() throws {
        #expect(try matches(#"{"detail":{"filename":[{"wildcard":"dir/*.png"}]}}"#))
        #expect(try matches(#"{"detail":{"filename":[{"wildcard":"dir/*/b.png"}]}}"#))
        #expect(try matches(#"{"detail":{"filename":[{"wildcard":"*"}]}}"#))
        #expect(try !matches(#"{"detail":{"filename":[{"wildcard":"dir/*.jpg"}]}}"#))
        #expect(try !matches(#"{"detail":{"filename":[{"wildcard":"a/*"}]}}"#))
        #expect(try matches(#"{"detail":{"star":[{"wildcard":"a\\*b"}]}}"#, #"{"detail":{"star":"a*b"}}"#))
        #expect(try !matches(#"{"detail":{"star":[{"wildcard":"a\\*b"}]}}"#, #"{"detail":{"star":"axxb"}}"#))
    }

    @Test func anythingButInAllForms() throws {
        #expect(try matches(#"{"detail":{"state":[{"anything-but":"running"}]}}"#))
        #expect(try !matches(#"{"detail":{"state":[{"anything-but":"terminated"}]}}"#))
        #expect(try !matches(#"{"detail":{"state":[{"anything-but":["stopped","terminated"]}]}}"#))
        #expect(try matches(#"{"detail":{"c-count":[{"anything-but":[1,2,3]}]}}"#))
        #expect(try !matches(#"{"detail":{"c-count":[{"anything-but":5}]}}"#))
        #expect(try !matches(#"{"region":[{"anything-but":{"prefix":"us-"}}]}"#))
        #expect(try matches(#"{"region":[{"anything-but":{"prefix":"eu-"}}]}"#))
        #expect(try !matches(#"{"detail":{"filename":[{"anything-but":{"suffix":".png"}}]}}"#))
        #expect(try !matches(#"{"detail":{"state":[{"anything-but":{"equals-ignore-case":["RUNNING","Terminated"]}}]}}"#))
        #expect(try matches(#"{"detail":{"state":[{"anything-but":{"equals-ignore-case":"RUNNING"}}]}}"#))
        #expect(try !matches(#"{"detail":{"filename":[{"anything-but":{"wildcard":"dir/*"}}]}}"#))
        #expect(try matches(#"{"detail":{"filename":[{"anything-but":{"wildcard":["x/*","*.gif"]}}]}}"#))
        #expect(try !matches(#"{"detail":{"missing":[{"anything-but":"x"}]}}"#), "anything-but needs the field")
    }

    @Test func numericRanges() throws {
        #expect(try matches(#"{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}"#))
        #expect(try !matches(#"{"detail":{"c-count":[{"numeric":[">",0,"<",5]}]}}"#))
        #expect(try matches(#"{"detail":{"d-count":[{"numeric":["<",10]}]}}"#))
        #expect(try matches(#"{"detail":{"x-limit":[{"numeric":["=",301.8]}]}}"#))
        #expect(try !matches(#"{"detail":{"x-limit":[{"numeric":[">=",302]}]}}"#))
        #expect(try !matches(#"{"detail":{"state":[{"numeric":[">",0]}]}}"#), "numeric needs a JSON number")
        #expect(try matches(#"{"detail":{"location":{"zip":[{"numeric":[">=",98000,"<",99000]}]}}}"#))
    }

    @Test func existsOnLeaves() throws {
        #expect(try matches(#"{"detail":{"state":[{"exists":true}]}}"#))
        #expect(try !matches(#"{"detail":{"state":[{"exists":false}]}}"#))
        #expect(try matches(#"{"detail":{"missing":[{"exists":false}]}}"#))
        #expect(try !matches(#"{"detail":{"missing":[{"exists":true}]}}"#))
        #expect(try matches(#"{"detail":{"nothing":[{"exists":true}]}}"#), "null is present")
        #expect(try matches(#"{"detail":{"missing":["x",{"exists":false}]}}"#), "alternatives are ORed")
    }

    @Test func cidrBlocks() throws {
        #expect(try matches(#"{"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}}"#))
        #expect(try !matches(#"{"detail":{"source-ip":[{"cidr":"10.0.1.0/24"}]}}"#))
        #expect(try matches(#"{"detail":{"source-ip":[{"cidr":"0.0.0.0/0"}]}}"#))
        #expect(try matches(#"{"detail":{"ipv6":[{"cidr":"2001:db8::/32"}]}}"#))
        #expect(try !matches(#"{"detail":{"ipv6":[{"cidr":"10.0.0.0/8"}]}}"#))
        #expect(try !matches(#"{"detail":{"state":[{"cidr":"10.0.0.0/8"}]}}"#))
    }

    @Test func orAtAnyLevel() throws {
        let pattern = #"{"source":["aws.ec2"],"$or":[{"detail":{"c-count":[{"numeric":[">",10]}]}},{"detail":{"d-count":[{"numeric":["<",5]}]}}]}"#
        #expect(try matches(pattern))
        let none = #"{"$or":[{"detail":{"c-count":[{"numeric":[">",10]}]}},{"detail":{"d-count":[{"numeric":["<",1]}]}}]}"#
        #expect(try !matches(none))
        let nested = #"{"detail":{"$or":[{"state":["running"]},{"location":{"city":["Seattle"]}}]}}"#
        #expect(try matches(nested))
    }

    @Test(arguments: [
        ("[]", "non-empty JSON object"),
        ("{}", "non-empty JSON object"),
        (#"{"source":"aws.ec2"}"#, "array of alternatives"),
        (#"{"source":[]}"#, "empty arrays"),
        (#"{"source":[{"prefix":"a","suffix":"b"}]}"#, "exactly one key"),
        (#"{"source":[{"regex":"a.*"}]}"#, "unknown operator"),
        (#"{"x":[{"numeric":[">","a"]}]}"#, "numbers"),
        (#"{"x":[{"numeric":[">",1,">",2]}]}"#, "two lower bounds"),
        (#"{"x":[{"numeric":["=",1,"<",2]}]}"#, "cannot be combined"),
        (#"{"x":[{"numeric":["~",1]}]}"#, "numeric operators"),
        (#"{"x":[{"exists":"yes"}]}"#, "true or false"),
        (#"{"x":[{"cidr":"10.0.0.0/33"}]}"#, "cidr"),
        (#"{"x":[{"cidr":"not-an-ip/8"}]}"#, "cidr"),
        (#"{"x":[{"wildcard":"a**b"}]}"#, "consecutive"),
        (#"{"x":[{"anything-but":{"numeric":[">",1]}}]}"#, "does not support"),
        (#"{"x":[{"anything-but":[true]}]}"#, "strings or numbers"),
        (#"{"$or":[{"a":["b"]}]}"#, "at least two"),
        (#"{"x":[["nested"]]}"#, "nested arrays"),
        (#"{"x":[1"#, "not JSON"),
    ])
    func invalidPatternsAreRejectedWithAClearMessage(_ pattern: String, _ fragment: String) {
        #expect {
            _ = try EventPattern(json: pattern)
        } throws: { error in
            guard let error = error as? DetectionError else { return false }
            return error.code == .invalidEventPattern && error.message.contains(fragment)
        }
    }

    // MARK: CloudTrail records and the envelope

    static let iamDeleteUser = #"""
        {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/admin","accountId":"111122223333","userName":"admin"},
         "eventTime":"2024-05-01T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"DeleteUser","awsRegion":"us-east-1",
         "sourceIPAddress":"203.0.113.9","requestParameters":{"userName":"bob"},"responseElements":null,
         "eventID":"0b6f1d2e-0000-4000-8000-000000000001","eventType":"AwsApiCall","recipientAccountId":"111122223333"}
        """#

    @Test func specRoutingExampleMatchesTheEnvelopeOfACloudTrailRecord() throws {
        let rule = Rule(
            name: "iam-deletes",
            condition: .eventPattern(
                try EventPattern(
                    json: #"{"source":["aws.iam"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["iam.amazonaws.com"],"eventName":[{"prefix":"Delete"}]}}"#
                )))
        let rules = RuleSet(rules: [rule])
        #expect(rules.matchingRules(try Fixtures.record(Self.iamDeleteUser)).map(\.name) == ["iam-deletes"])
        let create = Self.iamDeleteUser.replacingOccurrences(of: "DeleteUser", with: "CreateUser")
        #expect(rules.matchingRules(try Fixtures.record(create)).isEmpty)
    }

    @Test func envelopeFieldsComeFromTheRecord() throws {
        let json = try JSONValue.parse(Self.iamDeleteUser)
        let envelope = RecordViews.envelope(json)
        #expect(envelope["source"] == .string("aws.iam"))
        #expect(envelope["detail-type"] == .string("AWS API Call via CloudTrail"))
        #expect(envelope["account"] == .string("111122223333"))
        #expect(envelope["region"] == .string("us-east-1"))
        #expect(envelope["time"] == .string("2024-05-01T12:00:00Z"))
        #expect(envelope["detail"] == json)
        let pattern = try EventPattern(json: #"{"account":["111122223333"],"region":["us-east-1"]}"#)
        #expect(pattern.targetsEnvelope)
        #expect(pattern.matches(.value(envelope)) == true)
    }

    @Test func consoleSignInDetailTypeMatchesBothSpellings() throws {
        let signIn = #"{"eventVersion":"1.08","eventTime":"2024-05-01T12:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","eventID":"e1","userIdentity":{"type":"Root"}}"#
        for spelling in ["AWS Console Sign In via CloudTrail", "AWS Console Signin via CloudTrail"] {
            let rules = RuleSet(rules: [
                Rule(name: "signin", condition: .eventPattern(try EventPattern(json: #"{"source":["aws.signin"],"detail-type":["\#(spelling)"]}"#)))
            ])
            #expect(rules.matchingRules(try Fixtures.record(signIn)).count == 1, "\(spelling)")
        }
    }

    @Test func bareRecordPatternsDoNotUseTheEnvelope() throws {
        let pattern = try EventPattern(json: #"{"eventSource":["iam.amazonaws.com"],"userIdentity":{"type":["IAMUser"]}}"#)
        #expect(!pattern.targetsEnvelope)
        let rules = RuleSet(rules: [Rule(name: "bare", condition: .eventPattern(pattern))])
        #expect(rules.matchingRules(try Fixtures.record(Self.iamDeleteUser)).count == 1)
    }
}
