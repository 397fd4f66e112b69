import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TrailLake
import TrailLakeSQL
import TrailStore

@Suite struct QueryServiceTests {
    @Test func aQueryRunsToFinishedAndPagesThroughItsRows() async throws {
        let service = try QueryFixtures.service(executor: FakeExecutor(rows: 2500))
        try await QueryFixtures.running(service) {
            let id = try await service.start(statement: QueryFixtures.statement)
            #expect(id.count == 36 && id == id.lowercased() && UUID(uuidString: id) != nil)
            let record = try await QueryFixtures.wait(service, id, for: .finished)
            #expect(record.columns == ["eventName", "eventSource"])
            #expect(record.eventsMatched == 42 && record.eventsScanned == 100 && record.bytesScanned == 12_345)
            #expect(record.executionTimeMillis == 7 && record.resultRows == 2500 && record.errorMessage == nil)

            var token: String?
            var all: [[String?]] = []
            var pages = 0
            repeat {
                let page = try await service.results(id: id, token: token, maxResults: 999)
                #expect(page.status == .finished && page.totalResultsCount == 2500 && page.bytesScanned == 12_345)
                all += page.rows
                token = page.nextToken
                pages += 1
            } while token != nil
            #expect(pages == 3 && all.count == 2500)
            #expect(all[0] == ["row0", nil] && all[1] == ["row1", "1"] && all[2499] == ["row2499", nil])
            #expect(all[1000] == ["row1000", "1000"] && all[1998] == ["row1998", nil])
        }
    }

    @Test func startQueryRefusesBadStatementsWithAWSNames() async throws {
        let directory = FakeDirectory()
        directory.setActive(false, id: FakeDirectory.otherID)
        let service = try QueryFixtures.service(executor: FakeExecutor(rows: 0), directory: directory)
        func code(_ statement: String, uri: String? = nil) async -> (LakeError.Code, String)? {
            do {
                _ = try await service.start(statement: statement, deliveryS3Uri: uri)
                return nil
            } catch {
                return (error.code, error.message)
            }
        }
        let syntax = await code("SELEC eventName FROM event_data_store_ID")
        #expect(syntax?.0 == .invalidQueryStatement)
        #expect(syntax?.1.hasPrefix("line 1:") == true)
        #expect(await code("SELECT nosuchcolumn FROM event_data_store_ID")?.0 == .invalidQueryStatement)
        #expect(await code("DELETE FROM event_data_store_ID")?.0 == .invalidQueryStatement)
        #expect(await code("SELECT eventName FROM nosuchstore")?.0 == .eventDataStoreNotFound)
        #expect(await code("SELECT eventName FROM eds2")?.0 == .inactiveEventDataStore)
        #expect(await code("SELECT eventName FROM arn:aws:cloudtrail:us-east-1:111122223333:trail/x")?.0 == .eventDataStoreARNInvalid)
        #expect(await code("")?.0 == .invalidParameter)
        #expect(await code(String(repeating: " ", count: 10_001))?.0 == .invalidParameter)
        #expect(await code(QueryFixtures.statement, uri: "s3://bucket/x")?.0 == .unsupportedOperation)
        // A store ID and an ARN name the store as well as its alias.
        _ = try await service.start(statement: "SELECT eventName FROM \(FakeDirectory.mainID)")
        _ = try await service.start(statement: "SELECT eventName FROM \(FakeDirectory.mainARN)")
    }

    @Test func atMostTenQueriesAreQueuedOrRunning() async throws {
        let gate = Gate()
        let service = try QueryFixtures.service(executor: FakeExecutor(rows: 1, ending: .hold(gate)))
        try await QueryFixtures.running(service) {
            var ids: [String] = []
            for _ in 0..<10 { ids.append(try await service.start(statement: QueryFixtures.statement)) }
            await #expect(throws: LakeError(.maxConcurrentQueries, "You already have 10 queries queued or running; the limit is 10.")) {
                _ = try await service.start(statement: QueryFixtures.statement)
            }
            _ = try await QueryFixtures.wait(service, ids[0], for: .running)
            _ = try await QueryFixtures.wait(service, ids[1], for: .running)
            #expect(try await service.describe(id: ids[2]).status == .queued)
            // Ending one frees a slot.
            #expect(try await service.cancel(id: ids[9]) == .cancelled)
            _ = try await service.start(statement: QueryFixtures.statement)
            gate.open()
            for id in ids.prefix(9) { _ = try await QueryFixtures.wait(service, id, for: .finished) }
        }
    }

    @Test func cancellingARunningQueryKeepsItsPartialRows() async throws {
        let gate = Gate()
        let service = try QueryFixtures.service(executor: FakeExecutor(rows: 5, ending: .hold(gate)))
        try await QueryFixtures.running(service) {
            let id = try await service.start(statement: QueryFixtures.statement)
            _ = try await QueryFixtures.wait(service, id, for: .running)
            #expect(try await service.cancel(id: id) == .cancelled)
            let record = try await QueryFixtures.wait(service, id, for: .cancelled)
            #expect(record.status == .cancelled)
            await #expect(throws: LakeError.self) { _ = try await service.cancel(id: id) }
            do {
                _ = try await service.cancel(id: id)
            } catch {
                #expect((error as? LakeError)?.code == .inactiveQuery)
            }
            // The execution ends shortly after; its five rows stay readable.
            try await QueryFixtures.until { try await service.describe(id: id).resultRows >= 5 }
            let page = try await service.results(id: id, token: nil, maxResults: nil)
            #expect(page.status == .cancelled && page.rows.count == 5 && page.nextToken == nil)
        }
    }

    @Test func cancellingAQueuedQueryNeverRunsIt() async throws {
        let executor = FakeExecutor(rows: 1)
        let service = try QueryFixtures.service(executor: executor)
        let id = try await service.start(statement: QueryFixtures.statement)
        #expect(try await service.cancel(id: id) == .cancelled)
        try await QueryFixtures.running(service) {
            let other = try await service.start(statement: QueryFixtures.statement)
            _ = try await QueryFixtures.wait(service, other, for: .finished)
        }
        #expect(executor.calls.count.withLock { $0 } == 1)
        #expect(try await service.describe(id: id).status == .cancelled)
    }

    @Test func timeoutsFailuresAndCapsEndTheQueryWithAMessage() async throws {
        let timedOut = try QueryFixtures.service(executor: FakeExecutor(rows: 3, ending: .timeOut), configuration: .init(timeout: 2))
        try await QueryFixtures.running(timedOut) {
            let id = try await timedOut.start(statement: QueryFixtures.statement)
            let record = try await QueryFixtures.wait(timedOut, id, for: .timedOut)
            #expect(record.errorMessage == "Query exceeded the maximum run time of 2 seconds")
            #expect(try await timedOut.results(id: id, token: nil, maxResults: 10).rows.count == 3)
        }
        let failing = try QueryFixtures.service(executor: FakeExecutor(rows: 0, ending: .fail("Division by zero")))
        try await QueryFixtures.running(failing) {
            let id = try await failing.start(statement: QueryFixtures.statement)
            #expect(try await QueryFixtures.wait(failing, id, for: .failed).errorMessage == "Division by zero")
        }
        let capped = try QueryFixtures.service(executor: FakeExecutor(rows: 50), configuration: .init(maxResultRows: 20))
        try await QueryFixtures.running(capped) {
            let id = try await capped.start(statement: QueryFixtures.statement)
            let record = try await QueryFixtures.wait(capped, id, for: .failed)
            #expect(record.errorMessage == "Query results exceed the maximum of 20 rows")
            #expect(record.resultRows == 20)
        }
    }

    @Test func rowsAreReadableWhileTheQueryRuns() async throws {
        let gate = Gate()
        let service = try QueryFixtures.service(executor: FakeExecutor(rows: 1500, ending: .hold(gate)))
        try await QueryFixtures.running(service) {
            let id = try await service.start(statement: QueryFixtures.statement)
            _ = try await QueryFixtures.wait(service, id, for: .running)
            try await QueryFixtures.until { try await service.spooledRows(id: id) >= 1500 }
            let first = try await service.results(id: id, token: nil, maxResults: 1000)
            #expect(first.status == .running && first.rows.count == 1000 && first.totalResultsCount == 1500)
            let second = try await service.results(id: id, token: first.nextToken, maxResults: 1000)
            #expect(second.rows.count == 500 && second.rows.last! == ["row1499", "1499"])
            // Still running: a token to come back with, and no rows behind it yet.
            let third = try await service.results(id: id, token: second.nextToken, maxResults: 1000)
            #expect(third.rows.isEmpty && third.nextToken != nil)
            gate.open()
            _ = try await QueryFixtures.wait(service, id, for: .finished)
            let last = try await service.results(id: id, token: second.nextToken, maxResults: 1000)
            #expect(last.rows.isEmpty && last.nextToken == nil && last.totalResultsCount == 1500)
        }
    }

    @Test func pageTokensAreBoundToTheirQuery() async throws {
        let service = try QueryFixtures.service(executor: FakeExecutor(rows: 30))
        try await QueryFixtures.running(service) {
            let a = try await service.start(statement: QueryFixtures.statement)
            let b = try await service.start(statement: QueryFixtures.statement)
            _ = try await QueryFixtures.wait(service, a, for: .finished)
            _ = try await QueryFixtures.wait(service, b, for: .finished)
            let page = try await service.results(id: a, token: nil, maxResults: 10)
            let token = try #require(page.nextToken)
            #expect(try await service.results(id: a, token: token, maxResults: 10).rows.first! == ["row10", "10"])
            for bad in [token.dropLast() + (token.last == "A" ? "B" : "A"), "abcd", "!!!!!!", String(repeating: "A", count: 1001)] {
                do {
                    _ = try await service.results(id: a, token: String(bad), maxResults: 10)
                    Issue.record("token \(bad) accepted")
                } catch {
                    #expect((error as? LakeError)?.code == .invalidNextToken)
                }
            }
            do {
                _ = try await service.results(id: b, token: token, maxResults: 10)
                Issue.record("a token of another query was accepted")
            } catch {
                #expect((error as? LakeError)?.code == .invalidNextToken)
            }
            for bad in [0, 1001] {
                do {
                    _ = try await service.results(id: a, token: nil, maxResults: bad)
                    Issue.record("MaxQueryResults \(bad) accepted")
                } catch {
                    #expect((error as? LakeError)?.code == .invalidMaxResults)
                }
            }
            do {
                _ = try await service.results(id: "00000000-0000-4000-8000-000000000000", token: nil, maxResults: nil)
                Issue.record("unknown id accepted")
            } catch {
                #expect((error as? LakeError)?.code == .queryIdNotFound)
            }
        }
    }

    @Test func queriesOfAStorePendingDeletionAreRefused() async throws {
        let directory = FakeDirectory()
        let service = try QueryFixtures.service(executor: FakeExecutor(rows: 1), directory: directory)
        let id = try await service.start(statement: QueryFixtures.statement)
        directory.setActive(false, id: FakeDirectory.mainID)
        do {
            _ = try await service.describe(id: id)
            Issue.record("describe of a query on an inactive store succeeded")
        } catch {
            #expect((error as? LakeError)?.code == .inactiveEventDataStore)
        }
    }

    @Test func resultsExpireSevenDaysAfterTheQueryEnds() async throws {
        let clock = QueryTestClock()
        let folder = QueryFixtures.temporaryDirectory()
        let service = try QueryFixtures.service(executor: FakeExecutor(rows: 3), folder: folder, clock: clock)
        let id = try await QueryFixtures.running(service) {
            let id = try await service.start(statement: QueryFixtures.statement)
            _ = try await QueryFixtures.wait(service, id, for: .finished)
            return id
        }
        #expect(FileManager.default.fileExists(atPath: folder + "/\(id).rows"))
        clock.advance(seconds: 7 * 86400 - 1)
        #expect(await service.expire(at: clock.now()) == 0)
        #expect(try await service.describe(id: id).status == .finished)
        clock.advance(seconds: 2)
        #expect(await service.expire(at: clock.now()) == 1)
        await #expect(throws: LakeError.self) { _ = try await service.describe(id: id) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func aRestartFailsRunningQueriesAndRequeuesQueuedOnes() async throws {
        let folder = QueryFixtures.temporaryDirectory()
        let clock = QueryTestClock()
        let first = try QueryFixtures.service(executor: FakeExecutor(rows: 0), folder: folder, clock: clock)
        // Never run: both stay QUEUED on disk; then one is made RUNNING, as a crash mid-query leaves it.
        let interrupted = try await first.start(statement: QueryFixtures.statement)
        clock.advance(seconds: 1)
        let queued = try await first.start(statement: QueryFixtures.statement)
        let spool = try ResultSpool(directory: folder)
        var record = try await first.describe(id: interrupted)
        record.status = .running
        record.startTime = clock.now()
        try spool.save(record)

        let executor = FakeExecutor(rows: 4)
        let second = try QueryFixtures.service(executor: executor, folder: folder, clock: clock)
        let failed = try await second.describe(id: interrupted)
        #expect(failed.status == .failed && failed.errorMessage == QueryService.restartMessage)
        #expect(try await second.describe(id: queued).status == .queued)
        try await QueryFixtures.running(second) {
            let done = try await QueryFixtures.wait(second, queued, for: .finished)
            #expect(done.resultRows == 4)
        }
        #expect(executor.calls.count.withLock { $0 } == 1)
        // And the results survive one more restart.
        let third = try QueryFixtures.service(executor: executor, folder: folder, clock: clock)
        let page = try await third.results(id: queued, token: nil, maxResults: 2)
        #expect(page.rows == [["row0", nil], ["row1", "1"]] && page.totalResultsCount == 4 && page.nextToken != nil)
    }

    @Test func listQueriesFiltersAndPagesNewestFirst() async throws {
        let clock = QueryTestClock()
        let service = try QueryFixtures.service(executor: FakeExecutor(rows: 0), clock: clock)
        var ids: [String] = []
        for _ in 0..<5 {
            ids.append(try await service.start(statement: QueryFixtures.statement))
            clock.advance(seconds: 10)
        }
        let onOther = try await service.start(statement: "SELECT eventName FROM eds2")
        _ = try await service.cancel(id: ids[1])
        let all = try await service.list(store: "event_data_store_ID", start: nil, end: nil, status: nil, maxResults: nil, token: nil)
        #expect(all.queries.map(\.id) == ids.reversed() && all.nextToken == nil)
        #expect(!all.queries.map(\.id).contains(onOther))
        let byARN = try await service.list(store: FakeDirectory.mainARN, start: nil, end: nil, status: "CANCELLED", maxResults: nil, token: nil)
        #expect(byARN.queries.map(\.id) == [ids[1]])
        let start = (clock.now() - 40_000) / 1000
        let ranged = try await service.list(store: FakeDirectory.mainID, start: start, end: start + 20, status: nil, maxResults: nil, token: nil)
        #expect(ranged.queries.map(\.id) == [ids[3], ids[2], ids[1]])
        let page1 = try await service.list(store: FakeDirectory.mainID, start: nil, end: nil, status: nil, maxResults: 2, token: nil)
        let page2 = try await service.list(store: FakeDirectory.mainID, start: nil, end: nil, status: nil, maxResults: 2, token: page1.nextToken)
        #expect(page1.queries.map(\.id) == [ids[4], ids[3]] && page2.queries.map(\.id) == [ids[2], ids[1]])
        func code(_ body: () async throws -> QueryListPage) async -> LakeError.Code? {
            do {
                _ = try await body()
                return nil
            } catch {
                return (error as? LakeError)?.code
            }
        }
        #expect(await code { try await service.list(store: FakeDirectory.mainID, start: 10, end: 5, status: nil, maxResults: nil, token: nil) } == .invalidDateRange)
        #expect(await code { try await service.list(store: FakeDirectory.mainID, start: nil, end: nil, status: "DONE", maxResults: nil, token: nil) } == .invalidQueryStatus)
        #expect(await code { try await service.list(store: FakeDirectory.mainID, start: nil, end: nil, status: nil, maxResults: 0, token: nil) } == .invalidMaxResults)
        #expect(await code { try await service.list(store: "nosuch", start: nil, end: nil, status: nil, maxResults: nil, token: nil) } == .eventDataStoreNotFound)
        #expect(await code { try await service.list(store: "arn:aws:s3:::bucket", start: nil, end: nil, status: nil, maxResults: nil, token: nil) } == .eventDataStoreARNInvalid)
        // A token issued for other filters is refused.
        #expect(await code { try await service.list(store: FakeDirectory.mainID, start: nil, end: nil, status: "QUEUED", maxResults: 2, token: page1.nextToken) } == .invalidNextToken)
    }
}

@Suite struct QueryServiceShutdownTests {
    @Test func gracefulShutdownRecordsRunningQueriesAsInterruptedAndKeepsTheQueue() async throws {
        let gate = Gate()
        let folder = QueryFixtures.temporaryDirectory()
        let service = try QueryFixtures.service(
            executor: FakeExecutor(rows: 2, ending: .hold(gate)), folder: folder, configuration: .init(workers: 1))
        let running = try await service.start(statement: QueryFixtures.statement)
        let queued = try await service.start(statement: QueryFixtures.statement)
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            _ = try await QueryFixtures.wait(service, running, for: .running)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let interrupted = try await service.describe(id: running)
        #expect(interrupted.status == .failed && interrupted.errorMessage == QueryService.restartMessage)
        #expect(interrupted.resultRows == 2)
        #expect(try await service.describe(id: queued).status == .queued)
        // What was saved says the same to the next start.
        let next = try QueryFixtures.service(executor: FakeExecutor(rows: 1), folder: folder)
        #expect(try await next.describe(id: running).status == .failed)
        #expect(try await next.describe(id: queued).status == .queued)
    }
}
