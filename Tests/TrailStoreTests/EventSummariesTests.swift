import Foundation
import Logging
import Testing
import TrailModel
import TrailStore
import TrailStoreSQLite
import TrailTesting

@Suite("Event summaries")
struct EventSummariesTests {
    @Test("SQLite's lean summaries equal the fields of the full entries, in order, paged by sequence")
    func sqliteMatchesEntries() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tk-summaries-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteEventStore(
            configuration: .init(path: dir.appendingPathComponent("journal.sqlite").path), logger: Logger(label: "test"))
        defer { try? store.close() }
        var records: [AuditRecord] = []
        for i in 0..<30 {
            let name = i % 2 == 0 ? "CreateUser" : "ListUsers"
            let region = i % 3 == 0 ? "eu-west-1" : "us-east-1"
            let time: Int64 = 1_700_000_000 + Int64(i)
            records.append(
                RecordFixtures.record(
                    time: time, name: name, source: "iam.amazonaws.com", region: region, readOnly: i % 2 == 1,
                    management: i % 5 != 0))
        }
        records[4].errorCode = "AccessDenied"
        _ = try await store.append(records)
        let memory = MemoryEventStore()
        _ = try await memory.append(records)

        let entries = try await store.entries(after: 0, limit: 100)
        let summaries = try await store.summaries(after: 0, limit: 100)
        #expect(summaries.map(\.sequence) == entries.map(\.sequence))
        #expect(summaries.map(\.fields) == entries.map { InsightEventFields($0.record) })
        #expect(summaries.map(\.fields) == (try await memory.summaries(after: 0, limit: 100)).map(\.fields))
        #expect(summaries.contains { $0.fields.errorCode == "AccessDenied" })

        let page = try await store.summaries(after: summaries[9].sequence, limit: 5)
        #expect(page.map(\.sequence) == Array(summaries[10..<15]).map(\.sequence))
    }
}
