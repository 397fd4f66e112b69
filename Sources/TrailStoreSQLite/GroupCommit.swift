import GRDB
import Logging
import TrailModel
import TrailStore

/// Group commit for the SQLite journal.
///
/// The first caller to find no commit running becomes the leader: it writes every pending
/// batch in one transaction, resumes their callers with their outcomes, and, if more batches
/// arrived meanwhile, hands leadership to the oldest waiter. No task outlives its caller.
actor GroupCommit {
    private enum Signal {
        case done([AppendOutcome])
        case lead
    }

    private struct Pending {
        var records: [AuditRecord]
        var continuation: CheckedContinuation<Signal, any Error>?
    }

    private let pool: DatabasePool
    private let ids: EventIDIndex
    private let logger: Logger
    private var pending: [Pending] = []
    private var committing = false
    /// Set when the ID index missed an update: the next commit first catches it up.
    private var indexBehind = false

    init(pool: DatabasePool, ids: EventIDIndex, logger: Logger) {
        self.pool = pool
        self.ids = ids
        self.logger = logger
    }

    func append(_ records: [AuditRecord]) async throws -> [AppendOutcome] {
        if committing {
            let signal = try await withCheckedThrowingContinuation { c in
                pending.append(Pending(records: records, continuation: c))
            }
            switch signal {
            case .done(let outcomes):
                return outcomes
            case .lead:
                // Our batch is still in `pending`: take it out and lead with it.
                return try await lead(own: nil)
            }
        }
        committing = true
        return try await lead(own: records)
    }

    /// Commits `own` (when given) with everything pending, then passes leadership on.
    private func lead(own: [AuditRecord]?) async throws -> [AppendOutcome] {
        var batches = pending
        pending.removeAll()
        var ownIndex = -1
        if let own {
            ownIndex = batches.count
            batches.append(Pending(records: own, continuation: nil))
        } else if let i = batches.firstIndex(where: { $0.continuation == nil }) {
            ownIndex = i
        }
        // The leader woken with `.lead` had its continuation consumed: mark it.
        let groups = batches.map(\.records)
        let result: Result<[[AppendOutcome]], any Error>
        do {
            result = .success(try await commit(groups))
        } catch {
            result = .failure(error)
        }
        var mine: Result<[AppendOutcome], any Error> = .success([])
        for (i, batch) in batches.enumerated() {
            let outcome = result.map { $0[i] }
            if i == ownIndex || batch.continuation == nil {
                mine = outcome
                continue
            }
            switch outcome {
            case .success(let o): batch.continuation?.resume(returning: .done(o))
            case .failure(let e): batch.continuation?.resume(throwing: e)
            }
        }
        if pending.isEmpty {
            committing = false
        } else {
            // Hand over: the oldest waiter leads the next commit with its own batch.
            let next = pending[0]
            pending[0].continuation = nil
            next.continuation?.resume(returning: .lead)
        }
        return try mine.get()
    }

    /// Journal first (durable), then the ID index: the index is never ahead of the journal.
    private func commit(_ groups: [[AuditRecord]]) async throws -> [[AppendOutcome]] {
        if indexBehind {
            _ = try ids.catchUp(with: pool)
            indexBehind = false
        }
        let candidates = Array(Set(groups.joined().map(\.eventID)))
        let known = try await ids.existing(candidates)
        let (outcomes, added) = try await pool.write { db in try Self.insert(groups, known: known, db: db) }
        if let last = added.last?.1 {
            do {
                try await ids.insert(added, through: last)
            } catch {
                // The events are committed; the index catches up before the next commit.
                indexBehind = true
                logger.error("event ID index update failed", metadata: ["trail.error": "\(String(reflecting: error))"])
            }
        }
        return outcomes
    }

    static func insert(
        _ groups: [[AuditRecord]], known: Set<String>, db: Database
    ) throws -> ([[AppendOutcome]], [(String, Int64)]) {
        var seen = known
        var added: [(String, Int64)] = []
        let insertEvent = try db.cachedStatement(
            sql: """
                INSERT INTO events(event_id, event_time, event_name, event_source, read_only, username,
                    access_key_id, category, management, region, account, error_code, event_type, event_version,
                    resources, raw)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let insertResource = try db.cachedStatement(
            sql: "INSERT INTO event_resources(seq, event_time, type, name) VALUES (?, ?, ?, ?)")
        var all: [[AppendOutcome]] = []
        all.reserveCapacity(groups.count)
        for records in groups {
            var outcomes: [AppendOutcome] = []
            outcomes.reserveCapacity(records.count)
            for r in records {
                guard seen.insert(r.eventID).inserted else {
                    outcomes.append(.duplicate)
                    continue
                }
                insertEvent.setUncheckedArguments([
                    r.eventID, r.eventTime, r.eventName, r.eventSource, r.readOnly.map { $0 ? 1 : 0 }, r.username,
                    r.accessKeyID, r.eventCategory, r.managementEvent.map { $0 ? 1 : 0 }, r.awsRegion,
                    r.recipientAccountID, r.errorCode, r.eventType, r.eventVersion, ResourceCodec.encode(r.resources),
                    r.raw,
                ])
                try insertEvent.execute()
                let seq = db.lastInsertedRowID
                added.append((r.eventID, seq))
                // One row per distinct type and per distinct name, so a lookup by either finds
                // each event once even when it names several resources of one type.
                var types = Set<String>()
                var names = Set<String>()
                for res in r.resources {
                    if let type = res.type, types.insert(type).inserted {
                        insertResource.setUncheckedArguments([seq, r.eventTime, type, nil])
                        try insertResource.execute()
                    }
                    if let name = res.name, names.insert(name).inserted {
                        insertResource.setUncheckedArguments([seq, r.eventTime, nil, name])
                        try insertResource.execute()
                    }
                }
                outcomes.append(.stored(sequence: seq))
            }
            all.append(outcomes)
        }
        return (all, added)
    }
}
