import TrailStore

/// Where the pipeline's findings go: the configured sink (SQLite, PostgreSQL, DynamoDB) and the
/// local alert ledger that remembers which findings still owe an alert.
public struct FindingsOutput: Sendable {
    public let sink: any FindingStore
    public let ledger: any AlertLedger
    /// True when the sink is the ledger itself (the embedded SQLite store): one write, not two.
    public let sinkIsLedger: Bool

    public init(sink: any FindingStore, ledger: any AlertLedger, sinkIsLedger: Bool) {
        self.sink = sink
        self.ledger = ledger
        self.sinkIsLedger = sinkIsLedger
    }

    /// Stores findings idempotently; returns the keys that were new in the sink.
    ///
    /// The ledger is written first: if the process dies between the two writes, redelivery finds
    /// the findings already owed an alert in the ledger (never lost), and the sink's idempotent
    /// insert adds what is missing (never duplicated).
    public func store(_ findings: [Finding]) async throws -> Set<FindingKey> {
        guard !findings.isEmpty else { return [] }
        if sinkIsLedger { return try await sink.insert(findings) }
        try await ledger.recordPending(findings)
        return try await sink.insert(findings)
    }
}
