import Foundation
import TrailModel
import TrailStore

/// A check of the conformance suite that did not hold.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The behaviour every ``EventStore`` backend must have. Each check takes a fresh, empty store
/// and throws ``ConformanceFailure`` when the backend misbehaves.
public enum EventStoreConformance {
    public typealias Check = @Sendable (any EventStore) async throws -> Void

    /// Every check, by name.
    public static let checks: [(String, Check)] = [
        ("appendAssignsIncreasingSequences", appendAssignsIncreasingSequences),
        ("appendIsIdempotentByEventID", appendIsIdempotentByEventID),
        ("lookupPagesNewestFirst", lookupPagesNewestFirst),
        ("lookupByEachAttribute", lookupByEachAttribute),
        ("lookupFiltersRegionCategoryAndTime", lookupFiltersRegionCategoryAndTime),
        ("pagesStayCorrectWhileEventsArrive", pagesStayCorrectWhileEventsArrive),
        ("cursorsOnlyMoveForward", cursorsOnlyMoveForward),
        ("expiryKeepsWhatConsumersHaveNotRead", expiryKeepsWhatConsumersHaveNotRead),
        ("recordsRoundTripLosslessly", recordsRoundTripLosslessly),
    ]

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw ConformanceFailure(message()) }
    }

    static let base: Int64 = 1_700_000_000

    public static func appendAssignsIncreasingSequences(_ store: any EventStore) async throws {
        let records = (0..<10).map { RecordFixtures.record(time: base + Int64($0)) }
        let outcomes = try await store.append(records)
        var last: Int64 = 0
        for o in outcomes {
            guard case .stored(let seq) = o else { throw ConformanceFailure("a new record was not stored: \(o)") }
            try expect(seq > last, "sequences must increase: \(seq) after \(last)")
            last = seq
        }
        let stats = try await store.statistics()
        try expect(stats.eventCount == 10, "eventCount \(stats.eventCount), expected 10")
        try expect(stats.lastSequence == last, "lastSequence \(stats.lastSequence), expected \(last)")
        let entries = try await store.entries(after: 0, limit: 100)
        try expect(entries.map(\.record.eventID) == records.map(\.eventID), "journal order differs from append order")
    }

    public static func appendIsIdempotentByEventID(_ store: any EventStore) async throws {
        let a = RecordFixtures.record(time: base)
        let b = RecordFixtures.record(time: base + 1)
        let first = try await store.append([a, b, a])
        guard case .stored = first[0], case .stored = first[1], first[2] == .duplicate else {
            throw ConformanceFailure("a repeated eventID in one batch must be a duplicate: \(first)")
        }
        let second = try await store.append([b, a])
        try expect(second == [.duplicate, .duplicate], "re-sent events must be duplicates: \(second)")
        let count = try await store.statistics().eventCount
        try expect(count == 2, "stored \(count) events, expected 2")
    }

    public static func lookupPagesNewestFirst(_ store: any EventStore) async throws {
        // 120 events, several sharing a timestamp, appended out of time order.
        var records = (0..<120).map { RecordFixtures.record(time: base + Int64($0 / 3)) }
        records.shuffle()
        _ = try await store.append(records)
        var seen: [String] = []
        var times: [Int64] = []
        var after: PagePosition?
        var pages = 0
        repeat {
            let page = try await store.lookup(LookupQuery(maxResults: 50, after: after))
            pages += 1
            seen += page.events.map(\.record.eventID)
            times += page.events.map(\.record.eventTime)
            after = page.next
            try expect(pages < 10, "pagination does not end")
        } while after != nil
        try expect(pages == 3, "120 events at 50 a page must take 3 pages, took \(pages)")
        try expect(Set(seen).count == 120 && seen.count == 120, "pages repeated or skipped events")
        try expect(times == times.sorted(by: >), "events are not newest first")
    }

    public static func lookupByEachAttribute(_ store: any EventStore) async throws {
        let target = RecordFixtures.record(
            time: base + 50, name: "CreateUser", source: "iam.amazonaws.com", userName: "mallory",
            accessKeyID: "AKIATARGET0000000001", readOnly: false,
            resources: [
                (type: "AWS::IAM::User", arn: "arn:aws:iam::111122223333:user/eve"),
                (type: "AWS::IAM::User", arn: "arn:aws:iam::111122223333:user/eve2"),
            ])
        let others = (0..<20).map { RecordFixtures.record(time: base + Int64($0)) }
        _ = try await store.append(others + [target])
        let attributes: [LookupAttribute] = [
            .eventID(target.eventID), .eventName("CreateUser"), .eventSource("iam.amazonaws.com"),
            .username("mallory"), .accessKeyID("AKIATARGET0000000001"), .resourceType("AWS::IAM::User"),
            .resourceName("arn:aws:iam::111122223333:user/eve"),
        ]
        for attribute in attributes {
            let page = try await store.lookup(LookupQuery(attribute: attribute))
            try expect(
                page.events.map(\.record.eventID) == [target.eventID],
                "lookup by \(attribute.key) returned \(page.events.count) events")
        }
        let writes = try await store.lookup(LookupQuery(attribute: .readOnly(false)))
        try expect(writes.events.map(\.record.eventID) == [target.eventID], "lookup by ReadOnly=false")
        let reads = try await store.lookup(LookupQuery(attribute: .readOnly(true)))
        try expect(reads.events.count == 20, "lookup by ReadOnly=true returned \(reads.events.count)")
    }

    public static func lookupFiltersRegionCategoryAndTime(_ store: any EventStore) async throws {
        let east = RecordFixtures.record(time: base + 10, region: "us-east-1")
        let west = RecordFixtures.record(time: base + 20, region: "eu-west-1")
        let data = RecordFixtures.record(time: base + 30, name: "GetObject", source: "s3.amazonaws.com", management: false)
        let old = RecordFixtures.record(time: base - 1000)
        _ = try await store.append([east, west, data, old])
        let inEast = try await store.lookup(LookupQuery(region: "us-east-1"))
        try expect(Set(inEast.events.map(\.record.eventID)) == [east.eventID, old.eventID], "region filter")
        let ranged = try await store.lookup(LookupQuery(startTime: base, endTime: base + 15))
        try expect(ranged.events.map(\.record.eventID) == [east.eventID], "time range is inclusive and bounded")
        let insight = try await store.lookup(LookupQuery(category: .insight))
        try expect(insight.events.isEmpty, "no insight events were stored")
        let all = try await store.lookup(LookupQuery())
        try expect(!all.events.contains { $0.record.eventID == data.eventID }, "data events are not in event history")
    }

    public static func pagesStayCorrectWhileEventsArrive(_ store: any EventStore) async throws {
        let records = (0..<30).map { RecordFixtures.record(time: base + Int64($0)) }
        _ = try await store.append(records)
        let first = try await store.lookup(LookupQuery(maxResults: 10))
        // Newer events, and events older than the page boundary, arrive between pages.
        let newer = (0..<5).map { RecordFixtures.record(time: base + 100 + Int64($0)) }
        let older = RecordFixtures.record(time: base - 5)
        _ = try await store.append(newer + [older])
        var ids = first.events.map(\.record.eventID)
        var after = first.next
        while let position = after {
            let page = try await store.lookup(LookupQuery(maxResults: 10, after: position))
            ids += page.events.map(\.record.eventID)
            after = page.next
        }
        try expect(Set(ids).count == ids.count, "a page repeated an event")
        let expected = Set(records.map(\.eventID)).union([older.eventID])
        try expect(Set(ids) == expected, "pages must cover every event older than the first page exactly once")
    }

    public static func cursorsOnlyMoveForward(_ store: any EventStore) async throws {
        try expect(try await store.cursor(named: "delivery") == 0, "a new cursor starts at 0")
        _ = try await store.append((0..<5).map { RecordFixtures.record(time: base + Int64($0)) })
        let entries = try await store.entries(after: 0, limit: 3)
        try expect(entries.count == 3, "entries(after:limit:) must honour the limit")
        try await store.commitCursor(named: "delivery", to: entries[2].sequence)
        try await store.commitCursor(named: "delivery", to: entries[0].sequence)
        let position = try await store.cursor(named: "delivery")
        try expect(position == entries[2].sequence, "a cursor moved backwards to \(position)")
        let rest = try await store.entries(after: position, limit: 100)
        try expect(rest.count == 2, "reading after the cursor returned \(rest.count)")
    }

    public static func expiryKeepsWhatConsumersHaveNotRead(_ store: any EventStore) async throws {
        let old = (0..<4).map { RecordFixtures.record(time: base - 100 * 86400 + Int64($0)) }
        let fresh = RecordFixtures.record(time: base)
        let outcomes = try await store.append(old + [fresh])
        guard case .stored(let secondSeq) = outcomes[1] else { throw ConformanceFailure("append failed") }
        try await store.commitCursor(named: "consumer", to: secondSeq)
        let removed = try await store.expire(before: base - 90 * 86400)
        try expect(removed == 2, "expiry must stop at the slowest cursor: removed \(removed)")
        let remaining = try await store.statistics().eventCount
        try expect(remaining == 3, "remaining \(remaining), expected 3")
    }

    public static func recordsRoundTripLosslessly(_ store: any EventStore) async throws {
        let raw = Data(
            """
            {"eventVersion":"1.08" ,  "eventTime":"2023-07-10T12:20:01Z","eventID":"e-ü-1","unknownField":{"x":[1,2.50,null]},"eventName":"Ünïcode\\u00e9\\n","awsRegion":"us-east-1","userIdentity":null,"resources":[{"ARN":"arn:x","type":null}]}
            """.utf8)
        guard case .success(let record) = RecordParser().record(raw) else { throw ConformanceFailure("fixture must parse") }
        _ = try await store.append([record])
        guard let back = try await store.record(eventID: "e-ü-1") else { throw ConformanceFailure("record not found") }
        try expect(back.raw == raw, "raw bytes changed in storage")
        try expect(back == record, "indexed fields changed in storage")
    }
}
