import Foundation
import Synchronization
import Testing
import TrailStore
import TrailStoreSQLite

@testable import TrailPipeline

@Suite("Embedded queue")
struct EmbeddedQueueTests {
    final class Clock: Sendable {
        let value = Mutex<Int64>(1_000)
        func advance(_ seconds: Int64) { value.withLock { $0 += seconds } }
        var now: Int64 { value.withLock { $0 } }
    }

    func makeQueue(maximumReceives: Int = 2) throws -> (EmbeddedQueue, Clock, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let state = try SQLiteDeliveryStateStore(path: dir.appendingPathComponent("delivery.sqlite").path)
        let clock = Clock()
        let queue = EmbeddedQueue(
            state: state, name: "q", visibilityTimeout: 30, maximumReceives: maximumReceives, now: { clock.now })
        return (queue, clock, dir)
    }

    @Test func visibilityTimeoutHidesThenRedelivers() async throws {
        let (queue, clock, dir) = try makeQueue()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await queue.send("one")
        let first = try await queue.receive(maximum: 10, waitSeconds: 0)
        #expect(first.map(\.body) == ["one"])
        #expect(first.first?.receiveCount == 1)
        #expect(try await queue.receive(maximum: 10, waitSeconds: 0).isEmpty)
        clock.advance(31)
        let again = try await queue.receive(maximum: 10, waitSeconds: 0)
        #expect(again.first?.receiveCount == 2)
        try await queue.delete(again[0])
        clock.advance(31)
        #expect(try await queue.receive(maximum: 10, waitSeconds: 0).isEmpty)
    }

    @Test func afterMaximumReceivesTheMessageIsDeadLetteredAndCanBeRedriven() async throws {
        let (queue, clock, dir) = try makeQueue(maximumReceives: 2)
        defer { try? FileManager.default.removeItem(at: dir) }
        try await queue.send("poison")
        try await queue.send("good")
        for _ in 0..<2 {
            let got = try await queue.receive(maximum: 10, waitSeconds: 0)
            if let good = got.first(where: { $0.body == "good" }) { try await queue.delete(good) }
            #expect(got.contains { $0.body == "poison" })
            clock.advance(31)
        }
        // Third receive: over the maximum, so it moves to the DLQ instead of being delivered.
        #expect(try await queue.receive(maximum: 10, waitSeconds: 0).isEmpty)
        let dead = try await queue.deadLetters(limit: 10)
        #expect(dead.map(\.body) == ["poison"])
        #expect(try await queue.redriveDeadLetters(limit: 10) == 1)
        #expect(try await queue.deadLetters(limit: 10).isEmpty)
        let back = try await queue.receive(maximum: 10, waitSeconds: 0)
        #expect(back.map(\.body) == ["poison"])
        #expect(back.first?.receiveCount == 1)
    }

    @Test func changeVisibilityRetriesSooner() async throws {
        let (queue, clock, dir) = try makeQueue()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await queue.send("m")
        let got = try await queue.receive(maximum: 1, waitSeconds: 0)
        try await queue.changeVisibility(got[0], seconds: 2)
        clock.advance(3)
        #expect(try await queue.receive(maximum: 1, waitSeconds: 0).map(\.body) == ["m"])
    }
}
