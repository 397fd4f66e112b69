import Foundation
import Synchronization
import TrailModel

/// ``InsightStateStore`` in memory, for tests.
public final class MemoryInsightStateStore: InsightStateStore {
    private struct Contents {
        var snapshot: InsightAnalyzerSnapshot?
        var counts: [InsightKey: [Int64: Int]] = [:]
    }

    private let contents = Mutex(Contents())

    /// An empty store.
    public init() {}

    public func snapshot() async throws -> InsightAnalyzerSnapshot? { contents.withLock { $0.snapshot } }

    public func commit(position: Int64, state: Data, adding counts: [InsightMinuteCount]) async throws {
        contents.withLock { c in
            for count in counts { c.counts[count.key, default: [:]][count.minute, default: 0] += count.count }
            c.snapshot = InsightAnalyzerSnapshot(position: position, state: state)
        }
    }

    public func counts(types: Set<InsightType>, fromMinute from: Int64, toMinute to: Int64) async throws
        -> [InsightMinuteCount]
    {
        contents.withLock { c in
            var out: [InsightMinuteCount] = []
            for (key, minutes) in c.counts where types.contains(key.insightType) {
                for (minute, count) in minutes where minute >= from && minute < to {
                    out.append(InsightMinuteCount(key: key, minute: minute, count: count))
                }
            }
            return out.sorted { $0.minute != $1.minute ? $0.minute < $1.minute : $0.key < $1.key }
        }
    }

    public func counts(matching filter: InsightSeriesFilter, fromMinute from: Int64, toMinute to: Int64) async throws
        -> [Int64: Int]
    {
        contents.withLock { c in
            var out: [Int64: Int] = [:]
            for (key, minutes) in c.counts where filter.matches(key) {
                for (minute, count) in minutes where minute >= from && minute < to { out[minute, default: 0] += count }
            }
            return out
        }
    }

    public func removeCounts(before minute: Int64) async throws -> Int {
        contents.withLock { c in
            var removed = 0
            for key in Array(c.counts.keys) {
                let before = c.counts[key]!.count
                c.counts[key] = c.counts[key]!.filter { $0.key >= minute }
                removed += before - c.counts[key]!.count
                if c.counts[key]!.isEmpty { c.counts[key] = nil }
            }
            return removed
        }
    }
}
