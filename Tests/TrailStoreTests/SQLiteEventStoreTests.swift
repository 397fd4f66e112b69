import Foundation
import Logging
import Testing
import TrailModel
import TrailStore
import TrailStoreSQLite
import TrailTesting

@Suite struct SQLiteEventStoreTests {
    func withStore(_ body: (String) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tk-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try await body(dir.appendingPathComponent("journal.sqlite").path)
    }

    @Test func concurrentAppendsAreGroupCommittedAndAllAcknowledged() async throws {
        try await withStore { path in
            let store = try SQLiteEventStore(configuration: .init(path: path), logger: Logger(label: "test"))
            let batches = (0..<40).map { b in (0..<25).map { RecordFixtures.record(time: 1_700_000_000 + Int64(b * 25 + $0)) } }
            let outcomes = try await withThrowingTaskGroup(of: [AppendOutcome].self) { group in
                for batch in batches { group.addTask { try await store.append(batch) } }
                var all: [AppendOutcome] = []
                for try await o in group { all += o }
                return all
            }
            #expect(outcomes.count == 1000)
            let sequences = outcomes.compactMap { o -> Int64? in if case .stored(let s) = o { s } else { nil } }
            #expect(Set(sequences).count == 1000)
            #expect(try await store.statistics().eventCount == 1000)
            try store.close()
        }
    }

    @Test func acknowledgedEventsSurviveReopening() async throws {
        try await withStore { path in
            let records = (0..<50).map { RecordFixtures.record(time: 1_700_000_000 + Int64($0)) }
            do {
                let store = try SQLiteEventStore(configuration: .init(path: path), logger: Logger(label: "test"))
                _ = try await store.append(records)
                try store.close()
            }
            let reopened = try SQLiteEventStore(configuration: .init(path: path), logger: Logger(label: "test"))
            for r in records {
                #expect(try await reopened.record(eventID: r.eventID)?.raw == r.raw)
            }
            #expect(try await reopened.append(records).allSatisfy { $0 == .duplicate })
            try reopened.close()
        }
    }

    @Test func eventIDIndexIsRebuiltFromTheJournal() async throws {
        try await withStore { path in
            let records = (0..<300).map { RecordFixtures.record(time: 1_700_000_000 + Int64($0)) }
            do {
                let store = try SQLiteEventStore(configuration: .init(path: path), logger: Logger(label: "test"))
                _ = try await store.append(records)
                try store.close()
            }
            // The index is lost (or was damaged by a power cut): reopening rebuilds it.
            let index = String(path.dropLast(7)) + "-ids.sqlite"
            #expect(FileManager.default.fileExists(atPath: index))
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: index + suffix) }
            let reopened = try SQLiteEventStore(configuration: .init(path: path), logger: Logger(label: "test"))
            #expect(try await reopened.append(records).allSatisfy { $0 == .duplicate })
            #expect(try await reopened.record(eventID: records[123].eventID)?.raw == records[123].raw)
            let page = try await reopened.lookup(LookupQuery(attribute: .eventID(records[7].eventID)))
            #expect(page.events.map(\.record.eventID) == [records[7].eventID])
            try reopened.close()

            // A damaged file is detected and rebuilt too.
            try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: index))
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: index + suffix) }
            let again = try SQLiteEventStore(configuration: .init(path: path), logger: Logger(label: "test"))
            #expect(try await again.append([records[0], records[299]]) == [.duplicate, .duplicate])
            try again.close()
        }
    }
}
