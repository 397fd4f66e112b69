import Foundation
import Testing
import TrailLakeSQL
import TrailModel
import TrailStore
import TrailStoreSQLite

/// The executor's physical-layer defences (plan §2.6), limits and stop conditions (§2.7).
@Suite("Lake executor")
struct LakeExecutorTests {
    static func makeBed(events: Int = 300) async throws -> (LakeTestBed, SQLiteEventDataStore) {
        var bed = try LakeTestBed(configuration: .init(blockRecords: 64))
        let records = try (0..<events).map { index in
            try LakeRecords.event(name: "Op\(index % 7)", time: "2024-05-0\(1 + index % 3)T10:00:00Z", user: "user\(index % 5)")
        }
        let store = try await bed.store("s", id: "exec-store", records: records)
        try await store.flush()
        return (bed, store)
    }

    func failure(_ bed: LakeTestBed, _ sql: String, stores: [String] = ["s"]) async throws -> String? {
        let query = try bed.physical(sql, stores: stores)
        do {
            _ = try await bed.run(query)
            return nil
        } catch {
            if case .failed(let message, _) = error { return message }
            return "\(error)"
        }
    }

    static func digest(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func handWrittenWritesFailAtThePhysicalLayer() async throws {
        let (bed, store) = try await Self.makeBed()
        defer { bed.remove() }
        try store.close()
        let before = try Self.digest(store.path)
        let outside = bed.directory.appendingPathComponent("evil.sqlite").path
        let attacks = [
            "INSERT INTO s0.events(seq, eventtime, rawsize) VALUES (999999, 0, 0)",
            "DELETE FROM s0.events",
            "UPDATE s0.symbols SET value = 'x'",
            "ATTACH DATABASE '\(outside)' AS evil",
            "DETACH DATABASE s0",
            "PRAGMA writable_schema = 1",
            "PRAGMA s0.journal_mode = DELETE",
            "SELECT load_extension('/tmp/libevil.so')",
            "CREATE TEMP TABLE t(x)",
            "CREATE TABLE s0.t(x)",
            "DROP TABLE s0.events",
            "VACUUM s0",
            "SELECT * FROM s0.events; DELETE FROM s0.events",
            "SELECT readfile('/etc/passwd')",
        ]
        for attack in attacks {
            let message = try await failure(bed, attack)
            #expect(message != nil, "\(attack) ran")
        }
        // Which layer stops what: the statement checks, then the connection's settings.
        #expect(try await failure(bed, attacks[0]) == "Only read-only statements can run")
        #expect(try await failure(bed, attacks[3]) == "Only SELECT statements can run")
        #expect(try await failure(bed, attacks[5]) == "Only SELECT statements can run")
        #expect(try await failure(bed, attacks[7]) == "not authorized")
        #expect(try await failure(bed, attacks[8]) == "Only read-only statements can run")
        #expect(try await failure(bed, attacks[12]) == "Only one statement can run")
        #expect(try await failure(bed, attacks[13]) == "no such function: readfile")
        #expect(try await failure(bed, "EXPLAIN SELECT 1") == "Only SELECT statements can run")
        #expect(!FileManager.default.fileExists(atPath: outside))
        #expect(try Self.digest(store.path) == before)
        let count = try await bed.query("SELECT count(*) FROM s")
        #expect(count == [["300"]])
        // With no store attached, the connection is just as closed.
        #expect(try await failure(bed, "CREATE TEMP TABLE t(x)", stores: []) != nil)
        #expect(try await failure(bed, "ATTACH DATABASE '\(outside)' AS evil", stores: []) != nil)
    }

    @Test func timeoutAndCancelStopABigCrossJoin() async throws {
        let (bed, _) = try await Self.makeBed()
        defer { bed.remove() }
        let cross = try bed.physical("SELECT count(*) AS c0 FROM s0.events a, s0.events b, s0.events c, s0.events d", stores: ["s"])

        let clock = ContinuousClock()
        var started = clock.now
        do {
            _ = try await bed.run(cross, limits: LakeQueryLimits(timeout: 0.3, queryTime: 0))
            Issue.record("the cross join finished")
        } catch {
            guard case .timedOut = error else { throw error }
        }
        // 300⁴ rows would take hours: stopping within seconds proves the deadline works (loose bound: CI is loaded).
        #expect(clock.now - started < .seconds(10))

        let control = LakeQueryControl()
        let (outcome, stopTime) = await withTaskGroup(of: String.self, returning: (String, Duration).self) { group in
            group.addTask {
                do {
                    _ = try await bed.run(cross, control: control)
                    return "finished"
                } catch {
                    if let failure = error as? LakeQueryFailure, case .cancelled = failure { return "cancelled" }
                    return "\(error)"
                }
            }
            try? await Task.sleep(for: .milliseconds(200))
            let cancelledAt = clock.now
            control.cancel()
            let outcome = await group.next() ?? "none"
            return (outcome, clock.now - cancelledAt)
        }
        #expect(outcome == "cancelled")
        #expect(stopTime < .seconds(10))
    }

    @Test func taskCancellationStopsTheQuery() async throws {
        let (bed, _) = try await Self.makeBed()
        defer { bed.remove() }
        let cross = try bed.physical("SELECT count(*) AS c0 FROM s0.events a, s0.events b, s0.events c, s0.events d", stores: ["s"])
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = await withTaskGroup(of: String.self) { group in
            group.addTask {
                do {
                    _ = try await bed.run(cross)
                    return "finished"
                } catch {
                    if let failure = error as? LakeQueryFailure, case .cancelled = failure { return "cancelled" }
                    return "\(error)"
                }
            }
            try? await Task.sleep(for: .milliseconds(150))
            group.cancelAll()
            return await group.next() ?? "none"
        }
        #expect(outcome == "cancelled")
        #expect(clock.now - started < .seconds(10))
    }

    @Test func resultCapsFailTheQuery() async throws {
        let (bed, _) = try await Self.makeBed()
        defer { bed.remove() }
        let query = try LakeQueryPlanner.plan("SELECT eventID FROM s", resolver: bed.resolver)
        do {
            _ = try await bed.run(query, limits: LakeQueryLimits(maxRows: 10, queryTime: 0))
            Issue.record("no row cap")
        } catch {
            guard case .failed(let message, let statistics) = error else { throw error }
            #expect(message == "Query results exceed the maximum size of 10 rows")
            #expect(statistics.resultRows == 10)
        }
        do {
            _ = try await bed.run(query, limits: LakeQueryLimits(maxBytes: 1000, queryTime: 0))
            Issue.record("no byte cap")
        } catch {
            guard case .failed(let message, _) = error else { throw error }
            #expect(message == "Query results exceed the maximum size of 1000 bytes")
        }
        let (rows, statistics) = try await bed.run(query, limits: LakeQueryLimits(maxRows: 300, queryTime: 0))
        #expect(rows.count == 300)
        #expect(statistics.resultRows == 300)
        #expect(statistics.eventsMatched == 300)
    }

    @Test func runtimeErrorsAndMissingStoresFail() async throws {
        var (bed, _) = try await Self.makeBed()
        defer { bed.remove() }
        let division = try await bed.query("SELECT count(*) FROM s WHERE eventName = 'Op1'")
        #expect(division == [["43"]])
        do {
            _ = try await bed.query("SELECT count(*) / (count(*) - count(*)) FROM s")
            Issue.record("division by zero ran")
        } catch let error as LakeQueryFailure {
            guard case .failed(let message, _) = error else { throw error }
            #expect(message == "Division by zero")
        }
        bed.resolver.stores["gone"] = LakeStoreReference(id: "no-such-store", family: .cloudTrail)
        do {
            _ = try await bed.query("SELECT count(*) FROM gone")
            Issue.record("a missing store was read")
        } catch let error as LakeQueryFailure {
            guard case .failed(let message, _) = error else { throw error }
            #expect(message == "Event data store no-such-store is not available")
        }
    }

    @Test func symbolPredicatesFoldOverTheDictionary() async throws {
        let (bed, _) = try await Self.makeBed()
        defer { bed.remove() }
        let like = try await bed.query("SELECT count(*) FROM s WHERE userIdentity.principalId LIKE '%USER1%'")
        #expect(like == [["60"]])
        let range = try await bed.query("SELECT count(*) FROM s WHERE eventName >= 'Op5'")
        #expect(range == [["85"]])
        let prefix = try await bed.query("SELECT count(*) FROM s WHERE starts_with(userIdentity.arn, 'arn:aws:iam::123456789012:user/user4')")
        #expect(prefix == [["60"]])
        let unknown = try await bed.query("SELECT count(*) FROM s WHERE eventName = 'NoSuchEvent' OR eventName IN ('Op2', 'Nope')")
        #expect(unknown == [["43"]])
        let bounded = try LakeQueryPlanner.plan("SELECT count(*) FROM s WHERE eventTime >= '2024-05-02 00:00:00'", resolver: bed.resolver)
        let (rows, statistics) = try await bed.run(bounded)
        #expect(rows == [["200"]])
        #expect(statistics.eventsScanned == 200)
        #expect(statistics.eventsMatched == 200)
    }
}
