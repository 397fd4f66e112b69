import Foundation
import GRDB
import Testing
import TrailLakeSQL
import TrailModel
import TrailStore
import TrailStoreSQLite

@Suite("Lake storage")
struct LakeStorageTests {
    static func rawTable(_ path: String, _ sql: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    @Test func appendRecordsPositionAndSurvivesReopen() async throws {
        var bed = try LakeTestBed()
        defer { bed.remove() }
        let records = try (0..<5).map { try LakeRecords.event(name: "GetObject", time: "2024-05-01T10:0\($0):00Z") }
        let store = try await bed.store("s", id: "store-1", records: [])
        #expect(try await store.ingestPosition() == 1)
        try await store.append(records, position: 42, retainFrom: nil)
        #expect(try await store.ingestPosition() == 42)
        try store.close()

        let reopened = try SQLiteEventDataStoreFactory(directory: bed.directory).openStore(id: "store-1", family: .cloudTrail)
        #expect(try await reopened.ingestPosition() == 42)
        let statistics = try await reopened.statistics()
        #expect(statistics.events == 5)
        #expect(statistics.rawBytes == Int64(records.reduce(0) { $0 + $1.raw.count }))
        #expect(statistics.oldestEventTime == .ms("2024-05-01 10:00:00"))
        #expect(statistics.newestEventTime == .ms("2024-05-01 10:04:00"))
        #expect(statistics.bytesOnDisk > 0)
        // A new writer continues the sequence and the dictionary where the old one stopped.
        try await reopened.append([try LakeRecords.event(name: "PutObject", time: "2024-05-01T11:00:00Z")], position: 43, retainFrom: nil)
        #expect(try Self.rawTable(reopened.path, "SELECT max(seq) FROM events") == 6)
        #expect(try Self.rawTable(reopened.path, "SELECT count(*) FROM symbols WHERE value = 'GetObject'") == 1)
    }

    @Test func sealsTheTailIntoBlocksAndFindsEveryRecordBySequence() async throws {
        var bed = try LakeTestBed(configuration: .init(blockRecords: 4))
        defer { bed.remove() }
        let records = try (0..<10).map { try LakeRecords.event(name: "E\($0)", time: "2024-05-01T10:00:0\($0)Z") }
        let store = try await bed.store("s", id: "store-2", records: records)
        #expect(try Self.rawTable(store.path, "SELECT count(*) FROM raw_blocks") == 2)
        #expect(try Self.rawTable(store.path, "SELECT count(*) FROM raw_tail") == 2)
        let expected = records.map { String(decoding: $0.raw, as: UTF8.self) }
        let before = try await bed.query("SELECT eventName, eventjson FROM s ORDER BY eventName")
        #expect(before.map { $0[1] } == expected)
        try await store.flush()
        try await store.flush()
        #expect(try Self.rawTable(store.path, "SELECT count(*) FROM raw_blocks") == 3)
        #expect(try Self.rawTable(store.path, "SELECT count(*) FROM raw_tail") == 0)
        #expect(try Self.rawTable(store.path, "SELECT sum(count) FROM raw_blocks") == 10)
        let after = try await bed.query("SELECT eventName, eventjson, eventjsonchecksum FROM s ORDER BY eventName")
        #expect(after.map { $0[1] } == expected)
        // eventjsonchecksum = base64(SHA-256(raw)); the digest of the empty string is a known vector.
        #expect(after.allSatisfy { ($0[2] ?? "").count == 44 })
        #expect(try await bed.value("tk_record_checksum(0, 0)") == nil)
    }

    @Test func importsEachFileExactlyOnce() async throws {
        var bed = try LakeTestBed()
        defer { bed.remove() }
        let store = try await bed.store("s", id: "store-3", records: [])
        let records = try (0..<3).map { try LakeRecords.event(name: "ListBuckets", time: "2024-05-02T00:00:0\($0)Z") }
        #expect(try await store.appendImported(records, importID: "imp-1", key: "AWSLogs/a.json.gz", retainFrom: nil))
        #expect(try await store.appendImported(records, importID: "imp-1", key: "AWSLogs/a.json.gz", retainFrom: nil) == false)
        #expect(try await store.appendImported(records, importID: "imp-2", key: "AWSLogs/a.json.gz", retainFrom: nil))
        #expect(try await store.statistics().events == 6)
        // The import does not move the live ingest position.
        #expect(try await store.ingestPosition() == 1)
    }

    @Test func retentionSkipsOldRecordsAndPurgeRemovesThem() async throws {
        var bed = try LakeTestBed(configuration: .init(blockRecords: 2))
        defer { bed.remove() }
        let store = try await bed.store("s", id: "store-4", records: [])
        let days = ["2024-04-28", "2024-04-29", "2024-04-30", "2024-05-01", "2024-05-02"]
        let records = try days.map { try LakeRecords.event(name: "Describe", time: "\($0)T12:00:00Z") }
        try await store.append(records, position: 7, retainFrom: .ms("2024-04-29 00:00:00"))
        #expect(try await store.statistics().events == 4)
        #expect(try await store.ingestPosition() == 7)

        let purged = try await store.purge(before: .ms("2024-05-01 00:00:00"))
        #expect(purged == 2)
        let statistics = try await store.statistics()
        #expect(statistics.events == 2)
        #expect(statistics.oldestEventTime == .ms("2024-05-01 12:00:00"))
        #expect(try Self.rawTable(store.path, "SELECT count(*) FROM days") == 2)
        // Blocks holding only purged events are gone; the rest still resolve.
        #expect(try Self.rawTable(store.path, "SELECT count(*) FROM raw_blocks WHERE max_time < \(Int64.ms("2024-05-01 00:00:00"))") == 0)
        let rows = try await bed.query("SELECT eventTime, eventjson FROM s ORDER BY eventTime")
        #expect(rows.map { $0[0] } == ["2024-05-01 12:00:00.000", "2024-05-02 12:00:00.000"])
        #expect(rows.map { $0[1] } == records.suffix(2).map { String(decoding: $0.raw, as: UTF8.self) })
        #expect(try await store.purge(before: .ms("2024-05-01 00:00:00")) == 0)
    }

    @Test func extractsTheColumnsOfEachFamily() async throws {
        var bed = try LakeTestBed()
        defer { bed.remove() }
        let audit = try LakeRecords.record(
            """
            {"eventVersion":"0.01","eventCategory":"ActivityAuditLog","eventType":"ActivityLog","eventID":"e-1","eventTime":"2024-05-01T10:00:00Z","awsRegion":"us-east-1","recipientAccountId":"123456789012","metadata":{"ingestionTime":"2024-05-01T10:00:01Z","channelARN":"arn:c"},"eventData":{"version":"1","userIdentity":{"type":"User","principalId":"p-7"},"userAgent":"app","eventSource":"okta","eventName":"Login","eventTime":"2024-05-01T10:00:00Z","UID":"u","recipientAccountId":"123456789012","errorCode":"Denied"}}
            """)
        _ = try await bed.store("audit", id: "store-5", family: .activityAuditLog, records: [audit])
        let rows = try await bed.query(
            "SELECT eventData.eventName, eventData.eventSource, eventData.userIdentity.principalId, eventData.errorCode, eventTime FROM audit WHERE eventData.eventName = 'Login'")
        #expect(rows == [["Login", "okta", "p-7", "Denied", "2024-05-01 10:00:00.000"]])

        let cloudTrail = try LakeRecords.event(
            name: "GetObject", time: "2024-05-01T10:00:00.123Z",
            extra: #","tlsDetails":{"tlsVersion":"TLSv1.2","cipherSuite":"c"},"sessionCredentialFromConsole":"true","vpcEndpointId":"vpce-1""#)
        _ = try await bed.store("ct", id: "store-6", records: [cloudTrail])
        let ct = try await bed.query(
            "SELECT tlsDetails.tlsVersion, sessionCredentialFromConsole, vpcEndpointId, readOnly, managementEvent, eventTime, userIdentity.userName FROM ct WHERE readOnly = true")
        #expect(ct == [["TLSv1.2", "true", "vpce-1", "true", "true", "2024-05-01 10:00:00.123", "alice"]])
    }

    @Test func factoryRemovesTheStoreFiles() async throws {
        var bed = try LakeTestBed()
        defer { bed.remove() }
        let store = try await bed.store("s", id: "store-7", records: [try LakeRecords.event(name: "A", time: "2024-05-01T00:00:00Z")])
        #expect(FileManager.default.fileExists(atPath: store.path))
        try await bed.factory.remove(id: "store-7")
        #expect(!FileManager.default.fileExists(atPath: store.path))
        #expect(!FileManager.default.fileExists(atPath: store.path + "-wal"))
        await #expect(throws: StoreError.self) { try await bed.factory.remove(id: "../etc") }
    }
}
