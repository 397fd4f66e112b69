import Foundation
import Testing
import TrailModel
import TrailTesting

@Suite struct RecordParserTests {
    func resource(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Resources/\(name)", withExtension: nil))
        return try Data(contentsOf: url)
    }

    /// The JSON objects of a document as Foundation sees them, for lossless comparisons.
    func foundationRecords(_ data: Data) throws -> [NSDictionary] {
        let top = try JSONSerialization.jsonObject(with: data)
        if let d = top as? [String: Any], let records = d["Records"] as? [[String: Any]] {
            return records.map { $0 as NSDictionary }
        }
        if let list = top as? [[String: Any]] { return list.map { $0 as NSDictionary } }
        return [try #require(top as? [String: Any]) as NSDictionary]
    }

    @Test func recordsWrappedFileKeepsEveryRecordLosslessly() throws {
        let data = try resource("cloudtrail-log-file-examples__2.json")
        let results = try RecordParser().records(in: data)
        let expected = try foundationRecords(data)
        #expect(results.count == expected.count)
        for (result, object) in zip(results, expected) {
            let record = try result.get()
            // The raw slice is a complete JSON object equal to the original record.
            let reparsed = try JSONSerialization.jsonObject(with: record.raw) as! NSDictionary
            #expect(reparsed == object)
            if let id = object["eventID"] as? String { #expect(record.eventID == id) } else { #expect(record.eventID.count == 36) }
            #expect(record.eventName == object["eventName"] as? String)
            // And it is a byte range of the input.
            #expect(data.range(of: record.raw) != nil)
        }
    }

    @Test func insightEventsUseTheirInsightDetails() throws {
        let data = try resource("cloudtrail-event-reference__1.json")
        let record = try RecordParser().record(data).get()
        #expect(record.eventCategory == EventCategory.insight)
        #expect(record.eventName != nil)
        #expect(record.eventTime == EventTime.parse("2020-07-21T20:56:00Z"))
    }

    @Test func badRecordsAreRejectedWithReasonsAndOthersKept() throws {
        let missing = try RecordParser().records(in: resource("SerializerTestFileMissField.json"))
        #expect(missing.count == 4)
        #expect(missing.prefix(3).allSatisfy { (try? $0.get()) != nil })
        guard case .failure(let rejection) = missing[3] else {
            Issue.record("a record with a wrong eventTime must be rejected")
            return
        }
        #expect(rejection.index == 3)
        #expect(rejection.reason.contains("eventTime"))

        let nulls = try RecordParser().records(in: resource("SerializerAllFieldsNull.json"))
        #expect(nulls.count == 2)
        if case .failure(let r) = nulls[0] { #expect(r.reason == "eventTime is missing") } else {
            Issue.record("an all-null record must be rejected")
        }
        #expect((try? nulls[1].get()) != nil)
    }

    @Test func brokenJSONIsADocumentError() throws {
        #expect(throws: DocumentError.self) {
            try RecordParser().records(in: resource("SerializerTestFileBadJsonFormat.json"))
        }
        #expect(throws: DocumentError.self) { try RecordParser().records(in: Data("{\"Records\":[{".utf8)) }
    }

    @Test func gzippedFilesInflate() throws {
        let gz = try resource("SerializerTestFileCompact.json.gz")
        let plain = try #require(Gzip.decompress(gz))
        let records = try RecordParser().records(in: plain)
        #expect(!records.isEmpty)
        #expect(records.allSatisfy { (try? $0.get()) != nil })
        let compressed = try #require(Gzip.compress(plain))
        let again = try #require(Gzip.decompress(compressed))
        #expect(again == plain)
        #expect(Gzip.decompress(Data(gz.prefix(gz.count / 2))) == nil)
    }

    @Test func arraysJSONLinesAndSingleObjects() throws {
        let a = #"{"eventTime":"2024-01-01T00:00:00Z","eventID":"a","eventName":"X"}"#
        let b = #"{"eventTime":"2024-01-01T00:00:01Z","eventID":"b","eventName":"Y"}"#
        let parser = RecordParser()
        for text in ["[\(a),\(b)]", "\(a)\n\(b)\n", "\(a)\r\n\(b)", "{\"Records\":[\(a),\(b)]}"] {
            let ids = try parser.records(in: Data(text.utf8)).map { try $0.get().eventID }
            #expect(ids == ["a", "b"], "\(text)")
        }
        let single = try parser.records(in: Data(a.utf8))
        #expect(try single.map { try $0.get().raw } == [Data(a.utf8)])
        let mixed = try parser.records(in: Data("[\(a), 42, \"x\"]".utf8))
        #expect(mixed.count == 3)
        if case .failure(let r) = mixed[1] { #expect(r.reason == "record is not a JSON object") } else {
            Issue.record("a number is not a record")
        }
    }

    @Test func recordsWithoutEventIDGetAStableDerivedID() throws {
        let raw = Data(#"{"eventVersion":"1.0","eventTime":"2014-01-01T00:00:00Z","eventName":"X"}"#.utf8)
        let first = try RecordParser().record(raw).get()
        let second = try RecordParser().record(raw).get()
        #expect(first.eventID == second.eventID)
        #expect(first.eventID.count == 36)
    }

    @Test func oversizedRecordsAreRejected() throws {
        let big = String(repeating: "x", count: 300 * 1024)
        let raw = Data(#"{"eventTime":"2024-01-01T00:00:00Z","eventID":"big","requestParameters":{"v":"\#(big)"}}"#.utf8)
        guard case .failure(let r) = RecordParser().record(raw) else {
            Issue.record("a 300 KB record must be rejected")
            return
        }
        #expect(r.reason.contains("limit"))
    }

    @Test func usernameFollowsEventHistory() {
        typealias I = EventHistoryUsername.Identity
        #expect(EventHistoryUsername.derive(I(type: "IAMUser", userName: "alice", arn: nil, principalID: nil, issuerUserName: nil)) == "alice")
        #expect(
            EventHistoryUsername.derive(
                I(type: "AssumedRole", userName: nil, arn: "arn:aws:sts::1:assumed-role/Admin/bob-session",
                  principalID: "AROA:bob-session", issuerUserName: "Admin")) == "bob-session")
        #expect(EventHistoryUsername.derive(I(type: "Root", userName: nil, arn: "arn:aws:iam::1:root", principalID: "1", issuerUserName: nil)) == "root")
        #expect(EventHistoryUsername.derive(I(type: "AWSService", userName: nil, arn: nil, principalID: nil, issuerUserName: nil)) == nil)
    }
}
