import Crypto
import Foundation
import HTTPTypes
import ObjectStorage
import Testing
import TrailModel
import TrailStore

@Suite struct ChannelOperationsTests {
    nonisolated(unsafe) static let activity: [[String: Any]] = [["FieldSelectors": [["Field": "eventCategory", "Equals": ["ActivityAuditLog"]]]]]

    @Test func createGetListUpdateDelete() async throws {
        try await LakeTestAPI().test { client in
            let store = try #require(try await client.createStore("audit", ["AdvancedEventSelectors": Self.activity])["EventDataStoreArn"] as? String)
            let created = try await client.ok(
                "CreateChannel",
                ["Name": "partner", "Source": "Custom", "Destinations": [["Type": "EVENT_DATA_STORE", "Location": store]],
                 "Tags": [["Key": "k", "Value": "v"]]])
            let arn = try #require(created["ChannelArn"] as? String)
            #expect(arn.hasPrefix("arn:aws:cloudtrail:us-east-1:111122223333:channel/"))
            #expect(created["Source"] as? String == "Custom")
            #expect((created["Destinations"] as? [[String: String]]) == [["Type": "EVENT_DATA_STORE", "Location": store]])
            #expect((created["Tags"] as? [[String: String]]) == [["Key": "k", "Value": "v"]])

            let got = try await client.ok("GetChannel", ["Channel": arn])
            #expect(got["Name"] as? String == "partner")
            let config = try #require(got["SourceConfig"] as? [String: Any])
            #expect(config["ApplyToAllRegions"] as? Bool == false)
            #expect(got["IngestionStatus"] as? [String: Any] != nil)

            let page = try await client.ok("ListChannels", ["MaxResults": 1])
            #expect((page["Channels"] as? [[String: String]])?.first?["ChannelArn"] == TestAPI.channel.arn)
            let token = try #require(page["NextToken"] as? String)
            let rest = try await client.ok("ListChannels", ["MaxResults": 1, "NextToken": token])
            #expect((rest["Channels"] as? [[String: String]])?.first?["Name"] == "partner")

            let updated = try await client.ok("UpdateChannel", ["Channel": arn, "Name": "renamed"])
            #expect(updated["Name"] as? String == "renamed")
            #expect(try await client.refusal("DeleteEventDataStore", ["EventDataStore": store]) == "ChannelExistsForEDSException")
            #expect(try await client.ok("DeleteChannel", ["Channel": arn]).isEmpty)
            #expect(try await client.refusal("GetChannel", ["Channel": arn]) == "ChannelNotFoundException")
            #expect(try await client.ok("DeleteEventDataStore", ["EventDataStore": store]).isEmpty)
        }
    }

    @Test func refusals() async throws {
        try await LakeTestAPI().test { client in
            let store = try #require(try await client.createStore("audit", ["AdvancedEventSelectors": Self.activity])["EventDataStoreArn"] as? String)
            let management = try #require(try await client.createStore("mgmt")["EventDataStoreArn"] as? String)
            let destination: [[String: String]] = [["Type": "EVENT_DATA_STORE", "Location": store]]
            _ = try await client.ok("CreateChannel", ["Name": "taken", "Source": "Custom", "Destinations": destination])
            #expect(try await client.refusal("CreateChannel", ["Name": "taken", "Source": "Custom", "Destinations": destination]) == "ChannelAlreadyExistsException")
            #expect(try await client.refusal("CreateChannel", ["Name": "chan2", "Source": "CloudTrail", "Destinations": destination]) == "InvalidSourceException")
            #expect(
                try await client.refusal("CreateChannel", ["Name": "chan2", "Source": "Custom", "Destinations": [["Type": "EVENT_DATA_STORE", "Location": management]]])
                    == "InvalidEventDataStoreCategoryException")
            #expect(
                try await client.refusal("CreateChannel", ["Name": "chan2", "Source": "Custom", "Destinations": [["Type": "AWS_SERVICE", "Location": store]]])
                    == "InvalidParameterException")
            #expect(
                try await client.refusal(
                    "CreateChannel",
                    ["Name": "chan2", "Source": "Custom", "Destinations": [["Type": "EVENT_DATA_STORE", "Location": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"]]])
                    == "EventDataStoreARNInvalidException")
            #expect(try await client.refusal("GetChannel", ["Channel": "arn:aws:s3:::bucket"]) == "ChannelARNInvalidException")
            #expect(try await client.refusal("DeleteChannel", ["Channel": TestAPI.channel.arn]) == "OperationNotPermittedException")
            #expect(try await client.refusal("ListChannels", ["MaxResults": 0]) == "InvalidMaxResultsException")
        }
    }

    @Test func putAuditEventsThroughACreatedChannelUpdatesIngestionStatus() async throws {
        let api = LakeTestAPI()
        try await api.test { client in
            let store = try #require(try await client.createStore("audit", ["AdvancedEventSelectors": Self.activity])["EventDataStoreArn"] as? String)
            let created = try await client.ok(
                "CreateChannel", ["Name": "partner", "Source": "Custom", "Destinations": [["Type": "EVENT_DATA_STORE", "Location": store]]])
            let arn = try #require(created["ChannelArn"] as? String)
            let uri = "/PutAuditEvents?channelArn=\(arn.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            let (status, body) = try await client.post(uri, PutAuditEventsTests.body([["id": "one", "eventData": PutAuditEventsTests.eventData()]]))
            #expect(status == .ok, "\(body)")
            let eventID = try #require((body["successful"] as? [[String: String]])?.first?["eventID"])
            let record = try #require(try await api.base.store.record(eventID: eventID))
            #expect(String(decoding: record.raw, as: UTF8.self).contains(arn), "metadata.channelARN names the channel")
            let got = try await client.ok("GetChannel", ["Channel": arn])
            let ingestion = try #require(got["IngestionStatus"] as? [String: Any])
            #expect(ingestion["LatestIngestionSuccessEventID"] as? String == eventID)
            #expect(ingestion["LatestIngestionSuccessTime"] as? Int == 1_700_000_000)
            let (s2, b2) = try await client.post(
                "/PutAuditEvents?channelArn=arn:aws:cloudtrail:us-east-1:111122223333:channel/unknown",
                PutAuditEventsTests.body([["id": "one", "eventData": PutAuditEventsTests.eventData()]]))
            #expect(s2 == .badRequest)
            #expect(b2["__type"] as? String == "ChannelNotFound")
        }
    }
}
