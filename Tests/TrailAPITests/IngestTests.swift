import Crypto
import Foundation
import HTTPTypes
import Testing
import TrailAPI
import TrailModel
import TrailStore
import TrailTesting

@Suite struct PutAuditEventsTests {
    static func eventData(uid: String = UUID().uuidString, recipient: String = TestAPI.account, name: String? = "CreateWidget") -> String {
        var fields: [String: Any] = [
            "version": "1.0", "userIdentity": ["type": "Employee", "principalId": "alice@example.com", "details": ["team": "ops"]],
            "eventSource": "widgets.example.com", "eventTime": "2024-03-01T10:00:00Z", "UID": uid, "recipientAccountId": recipient,
            "requestParameters": ["size": 3],
        ]
        if let name { fields["eventName"] = name }
        return String(decoding: try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
    }

    static func body(_ events: [[String: String]]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: ["auditEvents": events]), as: UTF8.self)
    }

    static var uri: String { "/PutAuditEvents?channelArn=\(TestAPI.channel.arn.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }

    @Test func goodAndBadEventsInOneCall() async throws {
        let api = TestAPI()
        let good = Self.eventData()
        let checksum = Data(SHA256.hash(data: Data(good.utf8))).base64EncodedString()
        let events: [[String: String]] = [
            ["id": "good", "eventData": good, "eventDataChecksum": checksum],
            ["id": "badsum", "eventData": Self.eventData(), "eventDataChecksum": checksum],
            ["id": "noname", "eventData": Self.eventData(name: nil)],
            ["id": "stranger", "eventData": Self.eventData(recipient: "999999999999")],
            ["id": "notjson", "eventData": "{nope"],
        ]
        try await api.test { client in
            let (status, body) = try await client.post(Self.uri, Self.body(events))
            #expect(status == .ok)
            let successful = try #require(body["successful"] as? [[String: String]])
            #expect(successful.map { $0["id"] } == ["good"])
            let failed = try #require(body["failed"] as? [[String: String]])
            let codes = Dictionary(uniqueKeysWithValues: failed.map { ($0["id"]!, $0["errorCode"]!) })
            #expect(codes == ["badsum": "InvalidChecksum", "noname": "FieldNotFound", "stranger": "InvalidRecipient", "notjson": "InvalidData"])
            let eventID = try #require(successful.first?["eventID"])
            let stored = try #require(try await api.store.record(eventID: eventID))
            #expect(stored.eventCategory == "ActivityAuditLog")
            let object = try JSONSerialization.jsonObject(with: stored.raw) as! [String: Any]
            #expect((object["eventData"] as? NSDictionary) == (try JSONSerialization.jsonObject(with: Data(good.utf8)) as! NSDictionary))
            #expect((object["metadata"] as? [String: String])?["channelARN"] == TestAPI.channel.arn)
            #expect(object["recipientAccountId"] as? String == TestAPI.account)
        }
    }

    @Test func retriedEventsAreStoredOnce() async throws {
        let api = TestAPI()
        let data = Self.eventData(uid: "uid-1")
        try await api.test { client in
            let (_, first) = try await client.post(Self.uri, Self.body([["id": "a", "eventData": data]]))
            let (_, second) = try await client.post(Self.uri, Self.body([["id": "a", "eventData": data]]))
            let id1 = (first["successful"] as? [[String: String]])?.first?["eventID"]
            let id2 = (second["successful"] as? [[String: String]])?.first?["eventID"]
            #expect(id1 != nil && id1 == id2)
            #expect(try await api.store.statistics().eventCount == 1)
        }
    }

    @Test func requestLevelErrors() async throws {
        let one = [["id": "a", "eventData": Self.eventData()]]
        try await TestAPI().test { client in
            let (s1, b1) = try await client.post(Self.uri, Self.body(one + one))
            #expect(s1 == .badRequest)
            #expect(b1["__type"] as? String == "DuplicatedAuditEventId")
            let (s2, b2) = try await client.post("/PutAuditEvents?channelArn=arn:aws:cloudtrail:us-east-1:111122223333:channel/unknown", Self.body(one))
            #expect(s2 == .badRequest)
            #expect(b2["__type"] as? String == "ChannelNotFound")
            let (_, b3) = try await client.post("/PutAuditEvents?channelArn=arn:aws:s3:::bucket", Self.body(one))
            #expect(b3["__type"] as? String == "InvalidChannelARN")
            let many = (0..<101).map { ["id": "e\($0)", "eventData": Self.eventData()] }
            let (_, b4) = try await client.post(Self.uri, Self.body(many))
            #expect(b4["__type"] as? String == "ValidationException")
            let (_, b5) = try await client.post(Self.uri, "{\"auditEvents\": [")
            #expect(b5["__type"] as? String == "SerializationException")
            let (_, b6) = try await client.post(Self.uri, "{\"auditEvents\": [{\"id\": 5, \"eventData\": \"{}\"}]}")
            #expect(b6["__type"] as? String == "SerializationException")
            let huge = String(repeating: "x", count: 1_100_000)
            let (s7, b7) = try await client.post(Self.uri, Self.body([["id": "big", "eventData": huge]]))
            #expect(s7 == .contentTooLarge)
            #expect(b7["__type"] as? String == "ValidationException")
        }
    }
}

@Suite struct EventBatchTests {
    @Test func recordsGetPerRecordResults() async throws {
        let api = TestAPI()
        let a = RecordFixtures.record(time: api.now - 5)
        let b = RecordFixtures.record(time: api.now - 4)
        let body = "{\"Records\":[\(String(decoding: a.raw, as: UTF8.self)),{\"eventName\":\"NoTime\"},\(String(decoding: b.raw, as: UTF8.self)),\(String(decoding: a.raw, as: UTF8.self))]}"
        try await api.test { client in
            let (status, result) = try await client.post("/v1/events", body)
            #expect(status == .ok)
            #expect(result["stored"] as? Int == 2)
            #expect(result["duplicates"] as? Int == 1)
            #expect(result["rejected"] as? Int == 1)
            let results = try #require(result["results"] as? [[String: Any]])
            #expect(results.map { $0["status"] as? String } == ["stored", "rejected", "stored", "duplicate"])
            #expect(results[1]["reason"] as? String == "eventTime is missing")
            // JSON lines too, and reads back byte for byte.
            let c = RecordFixtures.record(time: api.now - 3)
            let (s2, r2) = try await client.post("/v1/events", String(decoding: c.raw, as: UTF8.self) + "\n")
            #expect(s2 == .ok && r2["stored"] as? Int == 1)
            #expect(try await api.store.record(eventID: c.eventID)?.raw == c.raw)
        }
    }

    @Test func malformedBodiesGetNativeErrors() async throws {
        let api = TestAPI()
        try await api.test { client in
            for body in ["{\"Records\":[{", "", "   "] {
                let (status, result) = try await client.post("/v1/events", body)
                #expect(status == .badRequest)
                #expect(((result["error"] as? [String: Any])?["message"] as? String)?.isEmpty == false)
            }
            #expect(try await api.store.statistics().eventCount == 0)
        }
    }
}
