import Foundation
import Testing
import TrailModel

@testable import TrailDetection

@Suite struct JSONValueTests {
    @Test func parsesScalarsContainersAndKeepsNumberText() throws {
        let value = try JSONValue.parse(#"{"a":[1,2.50,-3e2],"b":{"c":null,"d":true,"e":false},"s":"x"}"#)
        #expect(value["a"] == .array([.number(1, text: "1"), .number(2.5, text: "2.50"), .number(-300, text: "-3e2")]))
        #expect(value["b"]?["c"] == .null)
        #expect(value["b"]?["d"] == .bool(true))
        #expect(value["b"]?["e"] == .bool(false))
        #expect(value["s"]?.stringValue == "x")
        #expect(value["missing"] == nil)
    }

    @Test func unescapesStringsIncludingSurrogatePairs() throws {
        let value = try JSONValue.parse(#"["a\"b\\c\/d\n\t", "\u00e9\ud83d\ude00", "plain é"]"#)
        #expect(value == .array([.string("a\"b\\c/d\n\t"), .string("é😀"), .string("plain é")]))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "{\"a\":1} x", "01x", "-", "\"bad \\q escape\"",
    ])
    func rejectsMalformedJSON(_ text: String) {
        #expect(throws: DetectionError.self) { try JSONValue.parse(text) }
    }

    @Test func parsesEveryInvictusRecordLikeFoundation() throws {
        let records = try Fixtures.invictusRecords()
        #expect(records.count == 2900)
        for record in records.prefix(300) {
            let ours = try JSONValue.parse(record.raw)
            let theirs = try JSONSerialization.jsonObject(with: record.raw) as? [String: Any]
            #expect(ours["eventName"]?.stringValue == theirs?["eventName"] as? String)
            let ui = theirs?["userIdentity"] as? [String: Any]
            #expect(ours["userIdentity"]?["arn"]?.stringValue == ui?["arn"] as? String)
            if case .object(let members) = ours { #expect(members.count == theirs?.count) }
        }
    }
}
