import Foundation
import Testing
import TrailLakeSQL
import TrailModel
import TrailStore
import TrailStoreSQLite
import TrailTesting

/// Real CloudTrail records (invictus-ir/aws_dataset) stored, queried with Lake SQL, and checked against answers
/// computed directly from the records.
@Suite("Lake end to end", .enabled(if: SharedData.isAvailable), .serialized)
struct LakeEndToEndTests {
    static let storeID = "7d3b1f2e-0000-4000-8000-00000000c0de"

    struct Fixture {
        let bed: LakeTestBed
        let records: [AuditRecord]
        let objects: [[String: Any]]

        init() async throws {
            var bed = try LakeTestBed(configuration: .init(blockRecords: 256))
            let records = try LakeRecords.invictus()
            self.records = records
            objects = records.map(LakeRecords.object)
            let store = try await bed.store("inv", id: LakeEndToEndTests.storeID, records: records)
            try await store.flush()
            // A second store (errors only) for joins and set operations.
            _ = try await bed.store("errs", id: "7d3b1f2e-0000-4000-8000-0000000e7707", records: records.filter { $0.errorCode != nil })
            for alias in ["event_data_store_id", "eds-id", "5e2676f8-9fce-46ef-8142-3e36a94e6691"] {
                bed.resolver.stores[alias] = LakeStoreReference(id: LakeEndToEndTests.storeID, family: .cloudTrail)
            }
            self.bed = bed
        }

        func string(_ object: [String: Any], _ path: String...) -> String? {
            var current: Any? = object
            for key in path { current = (current as? [String: Any])?[key] }
            if let text = current as? String { return text }
            return nil
        }
    }

    /// Each test loads its own stores (about a second): tests stay independent.
    func fixture() async throws -> Fixture { try await Fixture() }

    @Test func countsByEventName() async throws {
        let f = try await fixture()
        #expect(f.records.count == 2900)
        let rows = try await f.bed.query("SELECT eventName, count(*) AS n FROM inv GROUP BY eventName ORDER BY n DESC, eventName")
        var expected: [String: Int] = [:]
        for record in f.records { expected[record.eventName ?? "", default: 0] += 1 }
        #expect(rows.count == 260)
        #expect(Dictionary(uniqueKeysWithValues: rows.map { ($0[0] ?? "", Int($0[1] ?? "") ?? -1) }) == expected)
        let counts = rows.map { Int($0[1] ?? "") ?? 0 }
        #expect(counts == counts.sorted(by: >))
        let total = try await f.bed.query("SELECT count(*) FROM inv")
        #expect(total == [["2900"]])
    }

    @Test func oneUsersEventsInATimeRange() async throws {
        let f = try await fixture()
        var byUser: [String: Int] = [:]
        for object in f.objects { if let arn = f.string(object, "userIdentity", "arn") { byUser[arn, default: 0] += 1 } }
        let user = byUser.max { $0.value < $1.value }!.key
        let lower = Int64.ms("2023-07-10 11:50:00")
        let upper = Int64.ms("2023-07-10 12:10:00")
        let expected = f.records.filter { record in
            let time = record.eventTime * 1000
            return f.string(LakeRecords.object(record), "userIdentity", "arn") == user && time >= lower && time < upper
        }
        #expect(!expected.isEmpty)
        let physical = try LakeQueryPlanner.plan(
            "SELECT eventID, eventTime, eventName FROM inv WHERE userIdentity.arn = '\(user)' AND eventTime >= '2023-07-10 11:50:00' AND eventTime < '2023-07-10 12:10:00' ORDER BY eventID",
            resolver: f.bed.resolver)
        let (rows, statistics) = try await f.bed.run(physical)
        #expect(rows.map { $0[0] ?? "" } == expected.map(\.eventID).sorted())
        #expect(rows.allSatisfy { ($0[1] ?? "").hasPrefix("2023-07-10 1") && ($0[1] ?? "").hasSuffix(".000") })
        #expect(statistics.eventsMatched == Int64(expected.count))
        #expect(statistics.resultRows == Int64(expected.count))
        // The query's days hold every event of the data set (one hour of one day).
        #expect(statistics.eventsScanned == 2900)
        #expect(statistics.bytesScanned == Int64(f.records.reduce(0) { $0 + $1.raw.count }))
    }

    @Test func elementAtOfRequestParameters() async throws {
        let f = try await fixture()
        let rows = try await f.bed.query(
            "SELECT element_at(requestParameters, 'bucketName') AS bucket, count(*) AS n FROM inv WHERE element_at(requestParameters, 'bucketName') IS NOT NULL GROUP BY element_at(requestParameters, 'bucketName') ORDER BY bucket")
        var expected: [String: Int] = [:]
        for object in f.objects {
            guard let parameters = object["requestParameters"] as? [String: Any], let value = parameters["bucketName"] else { continue }
            expected[value as? String ?? "\(value)", default: 0] += 1
        }
        #expect(!expected.isEmpty)
        #expect(rows.map { $0[0] ?? "" } == expected.keys.sorted())
        #expect(rows.map { Int($0[1] ?? "") ?? -1 } == expected.keys.sorted().map { expected[$0]! })
    }

    @Test func distinctGroupHavingOrderLimit() async throws {
        let f = try await fixture()
        let sources = try await f.bed.query("SELECT DISTINCT eventSource FROM inv ORDER BY eventSource")
        #expect(sources.map { $0[0] ?? "" } == Set(f.records.compactMap(\.eventSource)).sorted())
        #expect(sources.count == 29)

        let rows = try await f.bed.query(
            "SELECT errorCode, count(*) AS n FROM inv WHERE errorCode IS NOT NULL GROUP BY errorCode HAVING count(*) >= 5 ORDER BY n DESC, errorCode LIMIT 5")
        var counts: [String: Int] = [:]
        for record in f.records { if let code = record.errorCode { counts[code, default: 0] += 1 } }
        let expected = counts.filter { $0.value >= 5 }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5)
        #expect(rows.map { $0[0] ?? "" } == expected.map(\.key))
        #expect(rows.map { $0[1] ?? "" } == expected.map { String($0.value) })

        let types = try await f.bed.query("SELECT userIdentity.type, count(*) FROM inv GROUP BY userIdentity.type ORDER BY 2 DESC")
        #expect(types.first == ["IAMUser", "2748"])
        #expect(types.contains(["AssumedRole", "76"]))
    }

    @Test func caseAndDateFunctions() async throws {
        let f = try await fixture()
        let status = try await f.bed.query(
            "SELECT CASE WHEN errorCode IS NULL THEN 'ok' ELSE 'error' END AS status, count(*) AS n FROM inv GROUP BY CASE WHEN errorCode IS NULL THEN 'ok' ELSE 'error' END ORDER BY status")
        #expect(status == [["error", "300"], ["ok", "2600"]])

        let minutes = try await f.bed.query(
            "SELECT date_trunc('minute', eventTime) AS m, hour(eventTime) AS h, count(*) AS n FROM inv GROUP BY date_trunc('minute', eventTime), hour(eventTime) ORDER BY m")
        var expected: [Int64: Int] = [:]
        for record in f.records { expected[record.eventTime / 60 * 60_000, default: 0] += 1 }
        #expect(minutes.map { $0[0] ?? "" } == expected.keys.sorted().map { TrinoFormat.timestamp(milliseconds: $0) })
        #expect(minutes.map { Int($0[2] ?? "") ?? 0 } == expected.keys.sorted().map { expected[$0]! })
        #expect(minutes.allSatisfy { $0[1] == "11" || $0[1] == "12" })
        let weekday = try await f.bed.query("SELECT DISTINCT day_of_week(eventTime), week(eventTime), date(eventTime) FROM inv")
        #expect(weekday == [["1", "28", "2023-07-10"]])
    }

    @Test func joinAndUnionOfTwoStores() async throws {
        let f = try await fixture()
        let errors = f.records.filter { $0.errorCode != nil }
        let joined = try await f.bed.query(
            "SELECT a.eventID, b.errorCode FROM inv a JOIN errs b ON a.eventID = b.eventID ORDER BY a.eventID")
        #expect(joined.map { $0[0] ?? "" } == errors.map(\.eventID).sorted())
        let union = try await f.bed.query("SELECT eventName FROM inv UNION SELECT eventName FROM errs")
        #expect(union.count == 260)
        let all = try await f.bed.query(
            "SELECT count(*) FROM inv a LEFT JOIN errs b ON a.eventID = b.eventID WHERE b.eventID IS NULL")
        #expect(all == [["2600"]])
    }

    @Test func selectStarRendersEveryColumn() async throws {
        let f = try await fixture()
        let physical = try LakeQueryPlanner.plan("SELECT * FROM inv WHERE eventName = 'ConsoleLogin' ORDER BY eventTime", resolver: f.bed.resolver)
        let rows = try await f.bed.run(physical).rows
        let logins = f.records.filter { $0.eventName == "ConsoleLogin" }.sorted { $0.eventTime < $1.eventTime }
        #expect(rows.count == logins.count)
        let eventJSON = physical.columns.firstIndex { $0.name == "eventjson" }!
        let identity = physical.columns.firstIndex { $0.name == "useridentity" }!
        let readOnly = physical.columns.firstIndex { $0.name == "readonly" }!
        #expect(Set(rows.map { $0[eventJSON] ?? "" }) == Set(logins.map { String(decoding: $0.raw, as: UTF8.self) }))
        #expect(rows.allSatisfy { ($0[identity] ?? "").hasPrefix("{type=") })
        #expect(rows.allSatisfy { $0[readOnly] == "false" || $0[readOnly] == nil })
        #expect(rows.allSatisfy { $0.count == physical.columns.count })
    }

    @Test func theAWSSampleQueriesRun() async throws {
        let f = try await fixture()
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TrailLakeSQLTests/Resources/lake-sql")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.count == 7)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            _ = try await f.bed.query(text)
        }
        // Q5 over the real data: counts per source and name, most frequent first.
        let q5 = try await f.bed.query(
            "SELECT eventSource, eventName, COUNT(*) AS apiCount FROM event_data_store_ID WHERE eventTime > '2023-01-01 00:00:00' GROUP BY eventSource, eventName ORDER BY apiCount DESC")
        #expect(q5.reduce(0) { $0 + (Int($1[2] ?? "") ?? 0) } == 2900)
        // The adapted samples of spec §7.5 that the invictus data can answer.
        let samples = [
            "SELECT eventName, sourceIPAddress, tlsDetails.tlsversion FROM inv WHERE tlsDetails.tlsversion != 'TLSv1.3'",
            "SELECT day_of_week(eventTime) AS weekday, COUNT(*) AS n FROM inv WHERE eventCategory = 'Management' GROUP BY day_of_week(eventTime) ORDER BY day_of_week(eventTime)",
            "SELECT userIdentity.principalid, eventName, userIdentity.accountId, recipientAccountId, eventTime FROM inv WHERE eventTime > '2023-07-10 00:00:00' AND userIdentity.accountId != recipientAccountId",
            "SELECT eventName, userIdentity.arn AS actor, element_at(requestParameters,'groupId') AS sg FROM inv WHERE eventName = 'AuthorizeSecurityGroupIngress' AND element_at(requestParameters,'ipPermissions') LIKE '%0.0.0.0/0%'",
            "SELECT errorCode, errorMessage, COUNT(*) AS eventCount FROM inv WHERE eventTime > '2023-07-01 00:00:00' AND (errorCode IS NOT NULL OR errorMessage IS NOT NULL) GROUP BY errorCode, errorMessage ORDER BY eventCount DESC LIMIT 10",
            "SELECT eventId, eventName FROM inv UNION SELECT eventId, eventName FROM errs UNION ALL SELECT eventId, eventName FROM inv ORDER BY eventId LIMIT 10",
        ]
        let answers = try await f.bed.query(samples[1])
        #expect(answers == [["1", "2900"]])
        for sample in samples { _ = try await f.bed.query(sample) }
        let errors = try await f.bed.query(samples[4])
        #expect(errors.count == 10)
        let tls = try await f.bed.query("SELECT count(*) FROM inv WHERE tlsDetails.tlsversion != 'TLSv1.3'")
        let expectedTLS = f.objects.filter { object in
            guard let version = f.string(object, "tlsDetails", "tlsVersion") else { return false }
            return version != "TLSv1.3"
        }.count
        #expect(tls == [[String(expectedTLS)]])
    }
}
