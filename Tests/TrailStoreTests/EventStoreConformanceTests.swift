import Foundation
import Logging
import Testing
import TrailStore
import TrailStoreSQLite
import TrailTesting

@Suite struct EventStoreConformanceTests {
    static let names = EventStoreConformance.checks.map(\.0)

    static func check(named name: String) -> EventStoreConformance.Check {
        EventStoreConformance.checks.first { $0.0 == name }!.1
    }

    @Test("memory store", arguments: names)
    func memory(_ name: String) async throws {
        try await Self.check(named: name)(MemoryEventStore())
    }

    @Test("SQLite store", arguments: names)
    func sqlite(_ name: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tk-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteEventStore(
            configuration: .init(path: dir.appendingPathComponent("journal.sqlite").path), logger: Logger(label: "test"))
        try await Self.check(named: name)(store)
        try store.close()
    }
}
