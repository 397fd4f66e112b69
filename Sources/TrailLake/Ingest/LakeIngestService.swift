import Logging
import ServiceLifecycle
import TrailModel
import TrailStore

/// Live ingest into event data stores (plan §3.1): reads journal batches once and fans them out to every
/// ENABLED store whose selectors (and, for ActivityAuditLog stores, channel destinations) select them.
///
/// Each store commits its rows with its own position (authoritative). The journal cursor `lake` is moved to the
/// smallest position of the ENABLED stores, so journal retention never removes what such a store has not seen,
/// and a stopped or deleted store never holds the journal back. Events older than a store's retention are
/// skipped at ingest.
public struct LakeIngestService: Service {
    /// The journal cursor of live ingest.
    public static let cursorName = "lake"

    let catalog: LakeCatalog
    let journal: any EventStore
    let logger: Logger
    let batchSize: Int
    let idleInterval: Duration

    /// - Parameters:
    ///   - batchSize: journal entries read per pass.
    ///   - idleInterval: the wait after a pass that found nothing new.
    public init(
        catalog: LakeCatalog, journal: any EventStore, logger: Logger, batchSize: Int = 1000, idleInterval: Duration = .seconds(1)
    ) {
        self.catalog = catalog
        self.journal = journal
        self.logger = logger
        self.batchSize = batchSize
        self.idleInterval = idleInterval
    }

    /// Ingests until graceful shutdown; the batch in progress is finished first.
    public func run() async throws {
        let reader = RecordFieldReader()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var progressed = false
            do {
                progressed = try await step(reader: reader)
            } catch {
                logger.warning("lake ingest pass failed", metadata: ["trail.error": "\(String(reflecting: error))"])
            }
            if !progressed {
                _ = try? await cancelWhenGracefulShutdown { [idleInterval] in try await Task.sleep(for: idleInterval) }
            }
        }
    }

    /// One pass: at most one journal batch appended to the stores that have not seen it.
    /// - Returns: whether journal entries were read.
    @discardableResult
    public func step(reader: RecordFieldReader) async throws -> Bool {
        let targets = try await catalog.ingestTargets()
        var positions: [Int64] = []
        for t in targets { positions.append(try await t.storage.ingestPosition()) }
        guard let from = positions.min() else {
            // Nothing ingests: live ingest holds no journal entry back.
            try await commitCursor(try await journal.statistics().lastSequence)
            return false
        }
        let entries = try await journal.entries(after: from, limit: batchSize)
        guard let last = entries.last?.sequence else {
            try await commitCursor(from)
            return false
        }
        var reached: [Int64] = []
        for (t, position) in zip(targets, positions) {
            guard position < last else {
                reached.append(position)
                continue
            }
            let selected = entries.lazy.filter { $0.sequence > position && Self.routes($0.record, to: t, reader: reader) }.map(\.record)
            let cutoff = await catalog.retentionCutoff(for: t.store)
            try await t.storage.append(Array(selected), position: last, retainFrom: cutoff)
            reached.append(last)
        }
        try await commitCursor(reached.min() ?? last)
        return true
    }

    /// Whether live ingest adds `record` to the target store.
    public static func routes(_ record: AuditRecord, to target: LakeIngestTarget, reader: RecordFieldReader) -> Bool {
        if target.store.category == .activityAuditLog {
            guard record.eventCategory == EventCategory.activityAuditLog,
                let channel = reader.value("metadata.channelARN", in: record.raw), target.channelARNs.contains(channel)
            else { return false }
        }
        if target.store.category == .insight {
            guard record.eventCategory == EventCategory.insight,
                let type = reader.value("insightDetails.insightType", in: record.raw), target.insightTypes.contains(type)
            else { return false }
        }
        return target.store.selects(record, reader: reader)
    }

    func commitCursor(_ position: Int64) async throws {
        if try await journal.cursor(named: Self.cursorName) < position {
            try await journal.commitCursor(named: Self.cursorName, to: position)
        }
    }
}
