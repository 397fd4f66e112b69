import TrailModel

/// The journal and the event-history index.
///
/// Every backend (``MemoryEventStore``, `SQLiteEventStore`, later PostgreSQL) passes the same
/// conformance suite in `TrailTesting`.
///
/// - Important: ``append(_:)`` returns only after the records are durable: that is the moment
///   a caller may acknowledge them.
public protocol EventStore: Sendable {
    /// Appends records to the journal, idempotently by `eventID`.
    ///
    /// - Returns: one outcome per record, in order. A record whose `eventID` is already stored
    ///   (or appears earlier in the same call) is a ``AppendOutcome/duplicate``.
    func append(_ records: [AuditRecord]) async throws -> [AppendOutcome]

    /// One page of event history, newest first.
    func lookup(_ query: LookupQuery) async throws -> LookupPage

    /// The stored record with this `eventID`.
    func record(eventID: String) async throws -> AuditRecord?

    /// Journal entries with a sequence number greater than `sequence`, in order.
    func entries(after sequence: Int64, limit: Int) async throws -> [JournalEntry]

    /// The indexed fields Insights counts, of the entries after `sequence`, in order — without the
    /// raw record (a default implementation reads ``entries(after:limit:)``).
    func summaries(after sequence: Int64, limit: Int) async throws -> [EventSummary]

    /// The position a consumer has committed, or 0 when it has none.
    func cursor(named name: String) async throws -> Int64
    /// Commits a consumer's position. Positions only move forward.
    func commitCursor(named name: String, to sequence: Int64) async throws

    /// Removes events whose `eventTime` is before `cutoff` and that every consumer has passed.
    /// - Returns: how many events were removed.
    func expire(before cutoff: Int64) async throws -> Int

    /// Counts and positions, for metrics and health.
    func statistics() async throws -> StoreStatistics
}

extension EventStore {
    public func summaries(after sequence: Int64, limit: Int) async throws -> [EventSummary] {
        try await entries(after: sequence, limit: limit).map {
            EventSummary(sequence: $0.sequence, fields: InsightEventFields($0.record))
        }
    }
}

/// One journal entry as Insights counting reads it: its position and indexed fields.
public struct EventSummary: Sendable, Hashable {
    public var sequence: Int64
    public var fields: InsightEventFields
    public init(sequence: Int64, fields: InsightEventFields) {
        self.sequence = sequence
        self.fields = fields
    }
}

/// What happened to one appended record.
public enum AppendOutcome: Sendable, Hashable {
    /// Stored at this journal position.
    case stored(sequence: Int64)
    /// Already stored; nothing was written.
    case duplicate
}

/// A journal entry as consumers read it.
public struct JournalEntry: Sendable, Hashable {
    public var sequence: Int64
    public var record: AuditRecord
    public init(sequence: Int64, record: AuditRecord) {
        self.sequence = sequence
        self.record = record
    }
}

/// Sizes of a store.
public struct StoreStatistics: Sendable, Hashable {
    public var eventCount: Int
    public var lastSequence: Int64
    public init(eventCount: Int, lastSequence: Int64) {
        self.eventCount = eventCount
        self.lastSequence = lastSequence
    }
}
