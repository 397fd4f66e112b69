import Foundation
import HTTPTypes
import Testing
import TrailAPI
import TrailModel
import TrailStore
import TrailTesting

@Suite struct LookupEventsTests {
    @Test func pagesNewestFirstWithinTheSigningRegion() async throws {
        let api = TestAPI()
        let base = api.now - 3600
        let east = (0..<120).map { RecordFixtures.record(time: base + Int64($0), name: "CreateUser") }
        let west = (0..<5).map { RecordFixtures.record(time: base + Int64($0), name: "CreateUser", region: "eu-west-1") }
        _ = try await api.store.append(east + west)
        try await api.test { client in
            var ids: [String] = []
            var token: String?
            var pages = 0
            repeat {
                var input: [String: Any] = ["LookupAttributes": [["AttributeKey": "EventName", "AttributeValue": "CreateUser"]], "MaxResults": 50]
                if let token { input["NextToken"] = token }
                let (status, body) = try await client.cloudTrail("LookupEvents", input)
                #expect(status == .ok)
                let events = try #require(body["Events"] as? [[String: Any]])
                ids += events.map { $0["EventId"] as! String }
                token = body["NextToken"] as? String
                pages += 1
            } while token != nil
            #expect(pages == 3)
            #expect(ids == east.reversed().map(\.eventID))
            let (_, westBody) = try await client.cloudTrail("LookupEvents", [:], region: "eu-west-1")
            #expect((westBody["Events"] as? [Any])?.count == 5)
        }
    }

    @Test func responseCarriesTheRecordAsReceived() async throws {
        let api = TestAPI()
        let record = RecordFixtures.record(
            time: api.now - 10, readOnly: false, resources: [(type: "AWS::S3::Bucket", arn: "arn:aws:s3:::b")])
        _ = try await api.store.append([record])
        try await api.test { client in
            let (_, body) = try await client.cloudTrail("LookupEvents", [:])
            let event = try #require((body["Events"] as? [[String: Any]])?.first)
            #expect(event["EventId"] as? String == record.eventID)
            #expect(event["ReadOnly"] as? String == "false")
            #expect(event["Username"] as? String == "alice")
            #expect(event["AccessKeyId"] as? String == "AKIAEXAMPLE000000001")
            #expect((event["EventTime"] as? NSNumber)?.int64Value == record.eventTime)
            #expect(event["Resources"] as? [[String: String]] == [["ResourceType": "AWS::S3::Bucket", "ResourceName": "arn:aws:s3:::b"]])
            #expect(Data((event["CloudTrailEvent"] as! String).utf8) == record.raw)
        }
    }

    @Test func retentionHidesOldEvents() async throws {
        let api = TestAPI()
        let old = RecordFixtures.record(time: api.now - 91 * 86400)
        let recent = RecordFixtures.record(time: api.now - 89 * 86400)
        _ = try await api.store.append([old, recent])
        try await api.test { client in
            let (_, body) = try await client.cloudTrail("LookupEvents", ["StartTime": 0])
            #expect((body["Events"] as? [[String: Any]])?.map { $0["EventId"] as! String } == [recent.eventID])
        }
    }

    @Test(arguments: [
        (#"{"MaxResults": 0}"#, "InvalidMaxResultsException"),
        (#"{"MaxResults": 51}"#, "InvalidMaxResultsException"),
        (#"{"StartTime": 200, "EndTime": 100}"#, "InvalidTimeRangeException"),
        (#"{"NextToken": "garbage"}"#, "InvalidNextTokenException"),
        (#"{"EventCategory": "foo"}"#, "InvalidEventCategoryException"),
        (#"{"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "A"}, {"AttributeKey": "EventName", "AttributeValue": "B"}]}"#, "InvalidLookupAttributesException"),
        (#"{"LookupAttributes": [{"AttributeKey": "Color", "AttributeValue": "red"}]}"#, "InvalidLookupAttributesException"),
        (#"{"LookupAttributes": [{"AttributeKey": "ReadOnly", "AttributeValue": "maybe"}]}"#, "InvalidLookupAttributesException"),
        (#"{"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": ""}]}"#, "InvalidLookupAttributesException"),
        (#"{"EventCategory": "insight", "LookupAttributes": [{"AttributeKey": "Username", "AttributeValue": "x"}]}"#, "InvalidLookupAttributesException"),
        (#"{"MaxResults": "ten"}"#, "SerializationException"),
    ])
    func badInputGetsAWSErrors(_ json: String, _ type: String) async throws {
        try await TestAPI().test { client in
            let input = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            let (status, body) = try await client.cloudTrail("LookupEvents", input)
            #expect(status == .badRequest)
            #expect(body["__type"] as? String == type)
            #expect((body["message"] as? String)?.isEmpty == false)
        }
    }

    @Test func tokensAreBoundToTheirQuery() async throws {
        let api = TestAPI()
        _ = try await api.store.append((0..<3).map { RecordFixtures.record(time: api.now - 100 + Int64($0)) })
        try await api.test { client in
            let (_, first) = try await client.cloudTrail("LookupEvents", ["MaxResults": 1])
            let token = try #require(first["NextToken"] as? String)
            let (ok, _) = try await client.cloudTrail("LookupEvents", ["MaxResults": 1, "NextToken": token])
            #expect(ok == .ok)
            let (status, body) = try await client.cloudTrail(
                "LookupEvents",
                ["MaxResults": 1, "NextToken": token, "LookupAttributes": [["AttributeKey": "EventName", "AttributeValue": "X"]]])
            #expect(status == .badRequest)
            #expect(body["__type"] as? String == "InvalidNextTokenException")
        }
    }

    @Test func unsignedAndUnknownRequestsAreRefused() async throws {
        try await TestAPI().test { client in
            let (status, body) = try await client.cloudTrail("LookupEvents", [:], signed: false)
            #expect(status == .forbidden)
            #expect(body["__type"] as? String == "MissingAuthenticationTokenException")
            let (s2, b2) = try await client.cloudTrail("DescribeNothing", [:])
            #expect(s2 == .badRequest)
            #expect(b2["__type"] as? String == "UnknownOperationException")
        }
    }

    @Test func channelsAreListed() async throws {
        try await TestAPI().test { client in
            let (_, list) = try await client.cloudTrail("ListChannels", [:])
            #expect((list["Channels"] as? [[String: String]])?.first?["ChannelArn"] == TestAPI.channel.arn)
            let (_, channel) = try await client.cloudTrail("GetChannel", ["Channel": TestAPI.channel.arn])
            #expect(channel["Name"] as? String == "trailkeeper-default")
            let (status, missing) = try await client.cloudTrail("GetChannel", ["Channel": "arn:aws:cloudtrail:us-east-1:111122223333:channel/nope"])
            #expect(status == .badRequest)
            #expect(missing["__type"] as? String == "ChannelNotFoundException")
        }
    }
}
