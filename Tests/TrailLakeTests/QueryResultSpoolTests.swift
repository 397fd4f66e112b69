import Crypto
import Foundation
import Testing
import TrailLake

@Suite struct QueryResultSpoolTests {
    @Test func rowsRoundTripAcrossIndexEntriesWithAndWithoutTheIndex() throws {
        let spool = try ResultSpool(directory: QueryFixtures.temporaryDirectory())
        let writer = try spool.makeWriter(id: "q", maxRows: 10_000, maxBytes: 1 << 20)
        var expected: [[String?]] = []
        for i in 0..<2345 {
            let row: [String?] = [i % 5 == 0 ? nil : "v\(i)", i % 7 == 0 ? "" : "ünï\u{1F600}\(i)", String(repeating: "x", count: i % 200)]
            expected.append(row)
            try writer.append(row)
        }
        let extent = try writer.finish()
        #expect(extent.rows == 2345)
        let index = spool.index(id: "q")
        #expect(index.count == 3 && index[0] == 0)
        for (offset, limit) in [(0, 10), (995, 10), (1000, 1), (1999, 2), (2300, 100), (2345, 10)] {
            let withIndex = try spool.rows(id: "q", columns: 3, extent: extent, index: index, from: offset, limit: limit)
            let scanned = try spool.rows(id: "q", columns: 3, extent: extent, index: [], from: offset, limit: limit)
            let want = Array(expected[Swift.min(offset, 2345)..<Swift.min(2345, offset + limit)])
            #expect(withIndex == want)
            #expect(scanned == want)
        }
    }

    @Test func aReaderNeverReadsPastTheVisibleExtent() throws {
        let spool = try ResultSpool(directory: QueryFixtures.temporaryDirectory())
        let writer = try spool.makeWriter(id: "q", maxRows: 100, maxBytes: 1 << 20)
        for i in 0..<10 { try writer.append(["\(i)"]) }
        let visible = try writer.visibleExtent()
        for i in 10..<20 { try writer.append(["\(i)"]) }
        let rows = try spool.rows(id: "q", columns: 1, extent: visible.extent, index: visible.index, from: 0, limit: 100)
        #expect(rows.count == 10 && rows.last! == ["9"])
    }

    @Test func capsStopTheWriter() throws {
        let spool = try ResultSpool(directory: QueryFixtures.temporaryDirectory())
        let writer = try spool.makeWriter(id: "q", maxRows: 100, maxBytes: 10)
        try writer.append(["12345"])
        try writer.append(["12345"])
        #expect(throws: ResultSpoolError.limitExceeded("Query results exceed the maximum size of 10 bytes")) { try writer.append(["1"]) }
        #expect(throws: ResultSpoolError.self) { try writer.append([nil]) }
        #expect(try writer.finish().rows == 2)
        #expect(writer.limitMessage == "Query results exceed the maximum size of 10 bytes")
    }

    @Test func pageTokensRoundTripAndRefuseTampering() throws {
        let codec = ResultPageToken(key: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)))
        let token = codec.encode(scope: "abc", offset: 1234)
        #expect(token.count >= 4 && !token.contains("=") && !token.contains("+") && !token.contains("/"))
        #expect(try codec.decode(token, scope: "abc") == 1234)
        #expect(throws: LakeError.self) { try codec.decode(token, scope: "abd") }
        let other = ResultPageToken(key: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))
        #expect(throws: LakeError.self) { try other.decode(token, scope: "abc") }
        // Flip every character in turn: each altered token is refused.
        let characters = Array(token)
        for i in characters.indices {
            var altered = characters
            altered[i] = altered[i] == "A" ? "B" : "A"
            #expect(throws: LakeError.self) { _ = try codec.decode(String(altered), scope: "abc") }
        }
    }
}
