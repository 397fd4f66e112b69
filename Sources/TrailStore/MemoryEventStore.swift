import Synchronization
import TrailModel

/// An event store in memory, for tests and as the reference for the conformance suite.
public final class MemoryEventStore: EventStore {
    private struct State {
        var entries: [JournalEntry] = []
        var ids: Set<String> = []
        var cursors: [String: Int64] = [:]
        var nextSequence: Int64 = 1
    }

    private let state = Mutex(State())

    public init() {}

    public func append(_ records: [AuditRecord]) async throws -> [AppendOutcome] {
        state.withLock { s in
            records.map { r in
                guard s.ids.insert(r.eventID).inserted else { return .duplicate }
                let seq = s.nextSequence
                s.nextSequence += 1
                s.entries.append(JournalEntry(sequence: seq, record: r))
                return .stored(sequence: seq)
            }
        }
    }

    public func lookup(_ query: LookupQuery) async throws -> LookupPage {
        let matching = state.withLock { s in
            s.entries.filter { e in
                query.matches(e.record)
                    && (query.after.map { $0.precedes(eventTime: e.record.eventTime, sequence: e.sequence) } ?? true)
            }
        }
        let sorted = matching.sorted {
            ($0.record.eventTime, $0.sequence) > ($1.record.eventTime, $1.sequence)
        }
        let page = Array(sorted.prefix(query.maxResults))
        let next =
            sorted.count > query.maxResults
            ? page.last.map { PagePosition(eventTime: $0.record.eventTime, sequence: $0.sequence) } : nil
        return LookupPage(events: page, next: next)
    }

    public func record(eventID: String) async throws -> AuditRecord? {
        state.withLock { s in s.entries.first { $0.record.eventID == eventID }?.record }
    }

    public func entries(after sequence: Int64, limit: Int) async throws -> [JournalEntry] {
        state.withLock { s in Array(s.entries.lazy.filter { $0.sequence > sequence }.prefix(limit)) }
    }

    public func cursor(named name: String) async throws -> Int64 {
        state.withLock { $0.cursors[name] ?? 0 }
    }

    public func commitCursor(named name: String, to sequence: Int64) async throws {
        state.withLock { s in s.cursors[name] = max(s.cursors[name] ?? 0, sequence) }
    }

    public func expire(before cutoff: Int64) async throws -> Int {
        state.withLock { s in
            let horizon = s.cursors.values.min() ?? Int64.max
            let before = s.entries.count
            s.entries.removeAll { e in
                let gone = e.record.eventTime < cutoff && e.sequence <= horizon
                if gone { s.ids.remove(e.record.eventID) }
                return gone
            }
            return before - s.entries.count
        }
    }

    public func statistics() async throws -> StoreStatistics {
        state.withLock { StoreStatistics(eventCount: $0.entries.count, lastSequence: $0.nextSequence - 1) }
    }
}
