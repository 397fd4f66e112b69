import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TrailAPI
import TrailLake
import TrailLakeSQL
import TrailStore

/// Stores for the query operations: `lake-main` (alias `event_data_store_ID`) and `lake-gone` (pending deletion).
private struct QueryTestDirectory: EventDataStoreDirectory {
    static let mainID = "aaaaaaaa-0000-4000-8000-000000000001"
    static let goneID = "aaaaaaaa-0000-4000-8000-000000000002"
    static let mainARN = "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/\(mainID)"

    func storeEntries() async throws -> [LakeStoreEntry] {
        [
            LakeStoreEntry(id: Self.mainID, arn: Self.mainARN, name: "lake-main", family: .cloudTrail, isActive: true, aliases: ["event_data_store_ID"]),
            LakeStoreEntry(
                id: Self.goneID, arn: "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/\(Self.goneID)", name: "lake-gone",
                family: .cloudTrail, isActive: false, aliases: ["gone"]),
        ]
    }
}

/// Emits `rows` rows of (`name<i>`, NULL or `<i>`), then finishes, or waits until cancelled when `holds`.
private struct QueryTestExecutor: LakeQueryExecutor {
    var rows: Int
    var holds = false

    func execute(
        _ query: PhysicalQuery, limits: LakeQueryLimits, control: LakeQueryControl,
        rows emit: @escaping @Sendable ([String?]) throws -> Void
    ) async throws(LakeQueryFailure) -> LakeQueryStatistics {
        let statistics = LakeQueryStatistics(eventsMatched: 3, eventsScanned: 9, bytesScanned: 4096, resultRows: Int64(rows), executionTimeMillis: 12)
        for i in 0..<rows {
            do {
                try emit(["name\(i)", i % 2 == 0 ? nil : "\(i)"])
            } catch {
                throw .failed(message: "\(error)", statistics)
            }
        }
        while holds {
            if control.isCancelled { throw .cancelled(statistics) }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return statistics
    }
}

@Suite struct QueryOperationsTests {
    static let statement = "SELECT eventName, eventSource FROM event_data_store_ID"

    static func withQueries(
        rows: Int = 5, holds: Bool = false, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let folder = NSTemporaryDirectory() + "trailkeeper-queryops-" + UUID().uuidString
        let service = QueryService(
            directory: QueryTestDirectory(), executor: QueryTestExecutor(rows: rows, holds: holds),
            spool: try ResultSpool(directory: folder), tokens: ResultPageToken(key: ResultPageToken.makeKey()), logger: Logger(label: "test"))
        var context = TestAPI().context()
        context.queries = service
        let app = Application(router: buildRouter(context))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            defer { group.cancelAll() }
            try await app.test(.router) { client in try await body(client) }
        }
    }

    /// Polls DescribeQuery until the status is `status`.
    static func wait(_ client: any TestClientProtocol, _ id: String, for status: String) async throws -> [String: Any] {
        for _ in 0..<1000 {
            let (_, body) = try await client.cloudTrail("DescribeQuery", ["QueryId": id])
            if body["QueryStatus"] as? String == status { return body }
            try await Task.sleep(for: .milliseconds(2))
        }
        Issue.record("query \(id) never reached \(status)")
        return [:]
    }

    @Test func startDescribeAndPageThroughResults() async throws {
        try await Self.withQueries(rows: 5) { client in
            let (status, started) = try await client.cloudTrail("StartQuery", ["QueryStatement": Self.statement])
            #expect(status == .ok)
            let id = try #require(started["QueryId"] as? String)
            #expect(id.count == 36 && started["EventDataStoreOwnerAccountId"] == nil)
            let described = try await Self.wait(client, id, for: "FINISHED")
            #expect(described["QueryString"] as? String == Self.statement)
            let statistics = try #require(described["QueryStatistics"] as? [String: Any])
            #expect(statistics["EventsMatched"] as? Int == 3 && statistics["EventsScanned"] as? Int == 9)
            #expect(statistics["BytesScanned"] as? Int == 4096 && statistics["ExecutionTimeInMillis"] as? Int == 12)
            #expect(statistics["CreationTime"] is NSNumber && described["ErrorMessage"] == nil && described["DeliveryStatus"] == nil)

            let (_, first) = try await client.cloudTrail("GetQueryResults", ["QueryId": id, "MaxQueryResults": 3])
            #expect(first["QueryStatus"] as? String == "FINISHED")
            let rows = try #require(first["QueryResultRows"] as? [[[String: Any]]])
            #expect(rows.count == 3)
            #expect(rows[0].count == 2 && rows[0][0]["eventName"] as? String == "name0" && rows[0][1]["eventSource"] is NSNull)
            #expect(rows[1][1]["eventSource"] as? String == "1")
            let counts = try #require(first["QueryStatistics"] as? [String: Any])
            #expect(counts["ResultsCount"] as? Int == 3 && counts["TotalResultsCount"] as? Int == 5 && counts["BytesScanned"] as? Int == 4096)
            let token = try #require(first["NextToken"] as? String)
            let (_, second) = try await client.cloudTrail("GetQueryResults", ["QueryId": id, "MaxQueryResults": 3, "NextToken": token])
            #expect((second["QueryResultRows"] as? [Any])?.count == 2 && second["NextToken"] == nil)

            let (badStatus, tampered) = try await client.cloudTrail("GetQueryResults", ["QueryId": id, "NextToken": "x" + token])
            #expect(badStatus == .badRequest && tampered["__type"] as? String == "InvalidNextTokenException")
            for max in [0, 1001] {
                let (_, refused) = try await client.cloudTrail("GetQueryResults", ["QueryId": id, "MaxQueryResults": max])
                #expect(refused["__type"] as? String == "InvalidMaxResultsException")
            }
            let (_, inactive) = try await client.cloudTrail("CancelQuery", ["QueryId": id])
            #expect(inactive["__type"] as? String == "InactiveQueryException")

            let (_, listed) = try await client.cloudTrail("ListQueries", ["EventDataStore": QueryTestDirectory.mainARN])
            let queries = try #require(listed["Queries"] as? [[String: Any]])
            #expect(queries.count == 1 && queries[0]["QueryId"] as? String == id && queries[0]["QueryStatus"] as? String == "FINISHED")
            #expect(queries[0]["CreationTime"] is NSNumber)
        }
    }

    @Test func startQueryRefusals() async throws {
        try await Self.withQueries { client in
            let cases: [([String: Any], String)] = [
                (["QueryStatement": "SELECT FROM WHERE"], "InvalidQueryStatementException"),
                (["QueryStatement": "SELECT nosuch FROM event_data_store_ID"], "InvalidQueryStatementException"),
                (["QueryStatement": "DROP TABLE event_data_store_ID"], "InvalidQueryStatementException"),
                (["QueryStatement": "SELECT eventName FROM unknownstore"], "EventDataStoreNotFoundException"),
                (["QueryStatement": "SELECT eventName FROM gone"], "InactiveEventDataStoreException"),
                (["QueryStatement": "SELECT eventName FROM arn:aws:cloudtrail:us-east-1:111122223333:trail/t"], "EventDataStoreARNInvalidException"),
                (["QueryStatement": ""], "InvalidParameterException"),
                (["QueryStatement": String(repeating: "a", count: 10_001)], "InvalidParameterException"),
                ([:], "InvalidParameterException"),
                (["QueryStatement": Self.statement, "QueryAlias": "alias"], "InvalidParameterException"),
                (["QueryStatement": Self.statement, "QueryParameters": ["a"]], "InvalidParameterException"),
                (["QueryAlias": "alias"], "UnsupportedOperationException"),
                (["QueryStatement": Self.statement, "EventDataStoreOwnerAccountId": "999999999999"], "EventDataStoreNotFoundException"),
            ]
            for (input, type) in cases {
                let (status, body) = try await client.cloudTrail("StartQuery", input)
                #expect(status == .badRequest, "\(input)")
                #expect(body["__type"] as? String == type, "\(input) → \(body)")
            }
            let (_, syntax) = try await client.cloudTrail("StartQuery", ["QueryStatement": "SELECT FROM WHERE"])
            #expect((syntax["message"] as? String)?.hasPrefix("line 1:") == true)
            let (_, owned) = try await client.cloudTrail("StartQuery", ["QueryStatement": Self.statement, "EventDataStoreOwnerAccountId": TestAPI.account])
            #expect(owned["EventDataStoreOwnerAccountId"] as? String == TestAPI.account)
            let (_, delivery) = try await client.cloudTrail("StartQuery", ["QueryStatement": Self.statement, "DeliveryS3Uri": "s3://bucket/x"])
            #expect(delivery["__type"] as? String == "UnsupportedOperationException")
        }
    }

    @Test func unknownQueriesAndMissingMembers() async throws {
        try await Self.withQueries { client in
            let unknown = "00000000-0000-4000-8000-000000000000"
            for operation in ["DescribeQuery", "GetQueryResults", "CancelQuery"] {
                let (_, body) = try await client.cloudTrail(operation, ["QueryId": unknown])
                #expect(body["__type"] as? String == "QueryIdNotFoundException", "\(operation)")
                let (_, missing) = try await client.cloudTrail(operation, [:])
                #expect(missing["__type"] as? String == "InvalidParameterException", "\(operation)")
            }
            let (_, alias) = try await client.cloudTrail("DescribeQuery", ["QueryAlias": "a"])
            #expect(alias["__type"] as? String == "UnsupportedOperationException")
            let (_, noStore) = try await client.cloudTrail("ListQueries", [:])
            #expect(noStore["__type"] as? String == "InvalidParameterException")
            let (_, badRange) = try await client.cloudTrail("ListQueries", ["EventDataStore": QueryTestDirectory.mainID, "StartTime": 200, "EndTime": 100])
            #expect(badRange["__type"] as? String == "InvalidDateRangeException")
            let (_, badStatus) = try await client.cloudTrail("ListQueries", ["EventDataStore": QueryTestDirectory.mainID, "QueryStatus": "DONE"])
            #expect(badStatus["__type"] as? String == "InvalidQueryStatusException")
            let (_, badMax) = try await client.cloudTrail("ListQueries", ["EventDataStore": QueryTestDirectory.mainID, "MaxResults": 0])
            #expect(badMax["__type"] as? String == "InvalidMaxResultsException")
            let (_, gone) = try await client.cloudTrail("ListQueries", ["EventDataStore": "gone"])
            #expect(gone["__type"] as? String == "InactiveEventDataStoreException")
            let (_, none) = try await client.cloudTrail("ListQueries", ["EventDataStore": "nosuch"])
            #expect(none["__type"] as? String == "EventDataStoreNotFoundException")
            let (_, arn) = try await client.cloudTrail("ListQueries", ["EventDataStore": "arn:aws:s3:::b"])
            #expect(arn["__type"] as? String == "EventDataStoreARNInvalidException")
        }
    }

    @Test func cancelARunningQueryAndTheConcurrencyLimit() async throws {
        try await Self.withQueries(rows: 2, holds: true) { client in
            var ids: [String] = []
            for _ in 0..<10 {
                let (_, body) = try await client.cloudTrail("StartQuery", ["QueryStatement": Self.statement])
                ids.append(try #require(body["QueryId"] as? String))
            }
            let (_, limited) = try await client.cloudTrail("StartQuery", ["QueryStatement": Self.statement])
            #expect(limited["__type"] as? String == "MaxConcurrentQueriesException")
            _ = try await Self.wait(client, ids[0], for: "RUNNING")
            let (_, running) = try await client.cloudTrail("GetQueryResults", ["QueryId": ids[0]])
            #expect(running["QueryStatus"] as? String == "RUNNING" && running["NextToken"] is String)
            let (_, queued) = try await client.cloudTrail("DescribeQuery", ["QueryId": ids[5], "EventDataStore": "event_data_store_ID"])
            #expect(queued["QueryStatus"] as? String == "QUEUED")
            for id in ids {
                let (status, cancelled) = try await client.cloudTrail("CancelQuery", ["QueryId": id])
                #expect(status == .ok && cancelled["QueryStatus"] as? String == "CANCELLED" && cancelled["QueryId"] as? String == id)
            }
            let (_, listed) = try await client.cloudTrail("ListQueries", ["EventDataStore": "event_data_store_ID", "QueryStatus": "CANCELLED", "MaxResults": 4])
            #expect((listed["Queries"] as? [Any])?.count == 4 && listed["NextToken"] is String)
            let (_, wrongStore) = try await client.cloudTrail("DescribeQuery", ["QueryId": ids[0], "EventDataStore": "nosuch"])
            #expect(wrongStore["__type"] as? String == "EventDataStoreNotFoundException")
        }
    }

    @Test func withoutAQueryServiceTheOperationsAreUnsupported() async throws {
        try await TestAPI().test { client in
            let (status, body) = try await client.cloudTrail("StartQuery", ["QueryStatement": Self.statement])
            #expect(status == .badRequest && body["__type"] as? String == "UnsupportedOperationException")
        }
    }
}
