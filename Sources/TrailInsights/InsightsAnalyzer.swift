import Foundation
import Logging
import ServiceLifecycle
import TrailModel
import TrailStore

/// The Insights analyzer (plan §4): a journal consumer that counts, detects and writes Insights records.
///
/// Each ``step()`` reads the journal after its position, counts every event's ``InsightKey``s per minute
/// (always, for both types: ListInsightsMetricData and future baselines need them), feeds the counts to
/// one ``InsightDetector`` per insight type that some trail enables, and — once it has caught up with the
/// journal — lets the detectors decide on the minutes that are final at `now`. Start and End records
/// (``InsightRecord``, deterministic `eventID`s) are appended to the journal, so they reach LookupEvents,
/// the rules consumer and trails; then the counts, the detector state and the position are committed to
/// the ``InsightStateStore`` in one transaction, and the journal cursor `insights` follows. A crash
/// between the append and the commit replays the step: the same records, dropped as duplicates.
///
/// When a type becomes enabled its detector starts empty and is seeded from the stored counts of the
/// last eight days plus ``Configuration/backfill``; minutes before `enable time − backfill` only feed
/// baselines. When no trail enables a type any more its detector is dropped (open insights with it).
public actor InsightsAnalyzer: Service {
    /// The journal cursor the analyzer commits (it keeps retention from removing unread events).
    public static let cursorName = "insights"

    /// A type's detector and when the type was enabled.
    struct TypeDetector: Codable {
        var enabledAt: Int64
        var state: InsightDetector.State
    }

    /// What the state store keeps besides counts.
    struct SavedState: Codable {
        var detectors: [InsightType: TypeDetector] = [:]
    }

    let journal: any EventStore
    let store: any InsightStateStore
    let configuration: Configuration
    let enabledTypes: @Sendable () async -> Set<InsightType>
    let now: @Sendable () -> Int64
    let logger: Logger

    private var loaded = false
    /// The position committed with the state.
    private var position: Int64 = 0
    /// The position read up to (ahead of `position` while counts wait in `uncommitted`).
    private var readPosition: Int64 = 0
    private var uncommitted: [InsightKey: [Int64: Int]] = [:]
    private var uncommittedEntries = 0
    private var stateChanged = false
    private var detectors: [InsightType: InsightDetector] = [:]
    private var enabledAt: [InsightType: Int64] = [:]
    private var lastPrune: Int64?
    let reader = RecordFieldReader()

    /// Creates an analyzer.
    /// - Parameters:
    ///   - enabledTypes: the insight types some trail (or event data store) enables now.
    ///   - now: seconds since 1970; injected so tests control time.
    public init(
        journal: any EventStore, store: any InsightStateStore, configuration: Configuration = Configuration(),
        enabledTypes: @escaping @Sendable () async -> Set<InsightType>, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.journal = journal
        self.store = store
        self.configuration = configuration
        self.enabledTypes = enabledTypes
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        var backoff = Duration.milliseconds(100)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let result = try await step()
                backoff = .milliseconds(100)
                if result.entries < configuration.batchSize {
                    let pause = configuration.poll
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                }
            } catch {
                logger.error("insights analysis failed; retrying", metadata: ["trail.error": "\(String(reflecting: error))"])
                let pause = backoff
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                backoff = Swift.min(backoff * 2, .seconds(10))
            }
        }
    }

    /// What one step did.
    public struct StepResult: Sendable, Hashable {
        /// Journal entries read.
        public var entries: Int
        /// Insights records appended (Starts and Ends).
        public var records: [InsightRecord]
    }

    /// Reads the next batch, counts it, decides on final minutes when caught up, and commits.
    ///
    /// While the analyzer is behind the journal, counts of several batches are kept in memory and
    /// committed every ``Configuration/commitInterval`` entries (and always once caught up), so a
    /// backlog does not rewrite the detector state at every batch. A failed step discards everything
    /// not committed; the next step starts again from the store.
    @discardableResult
    public func step() async throws -> StepResult {
        do {
            return try await advanceOneBatch()
        } catch {
            discardUncommitted()
            throw error
        }
    }

    private func advanceOneBatch() async throws -> StepResult {
        try await load()
        let time = now()
        if try await reconcile(enabled: await enabledTypes(), time: time) { stateChanged = true }
        let entries = try await journal.summaries(after: readPosition, limit: configuration.batchSize)
        var counts: [InsightKey: [Int64: Int]] = [:]
        for entry in entries {
            let fields = entry.fields
            for key in InsightKey.keys(for: fields) {
                counts[key, default: [:]][fields.minute, default: 0] += 1
            }
        }
        for (key, minutes) in counts {
            for (minute, count) in minutes {
                uncommitted[key, default: [:]][minute, default: 0] += count
                detectors[key.insightType]?.add(count, to: key, atMinute: minute)
            }
        }
        if let last = entries.last {
            readPosition = last.sequence
            uncommittedEntries += entries.count
        }
        let caughtUp = entries.count < configuration.batchSize
        var records: [InsightRecord] = []
        if caughtUp {
            // Every event appended so far is counted, so final minutes are complete.
            for type in InsightType.allCases {
                guard var detector = detectors[type] else { continue }
                let actions = detector.advance(now: time)
                detectors[type] = detector
                for action in actions { records.append(try await record(for: action)) }
                if !actions.isEmpty { stateChanged = true }
            }
        }
        if !records.isEmpty {
            let parser = RecordParser()
            let parsed = try records.map { record in
                try parser.record(record.jsonData).get()
            }
            _ = try await journal.append(parsed)
            for record in records {
                logger.info(
                    "insight \(record.state.rawValue)",
                    metadata: [
                        "trail.insight.type": "\(record.insightType.rawValue)", "trail.insight.source": "\(record.eventSource)",
                        "trail.insight.name": "\(record.eventName)", "trail.insight.id": "\(record.sharedEventID)",
                    ])
            }
        }
        let due = caughtUp || uncommittedEntries >= configuration.commitInterval
        if due && (stateChanged || uncommittedEntries > 0) {
            var minuteCounts: [InsightMinuteCount] = []
            for (key, minutes) in uncommitted {
                for (minute, count) in minutes { minuteCounts.append(InsightMinuteCount(key: key, minute: minute, count: count)) }
            }
            try await store.commit(position: readPosition, state: try encodedState(), adding: minuteCounts)
            let moved = readPosition > position
            position = readPosition
            uncommitted = [:]
            uncommittedEntries = 0
            stateChanged = false
            if moved { try await journal.commitCursor(named: Self.cursorName, to: position) }
        }
        try await maintain(time: time)
        return StepResult(entries: entries.count, records: records)
    }

    /// Forgets in-memory progress past the last commit (it is reloaded from the store).
    private func discardUncommitted() {
        loaded = false
        detectors = [:]
        enabledAt = [:]
        uncommitted = [:]
        uncommittedEntries = 0
        stateChanged = false
    }

    /// The insights open now, per type.
    public var openInsights: [Insight] {
        InsightType.allCases.flatMap { detectors[$0]?.openInsights ?? [] }
    }

    /// The position up to which the journal is counted.
    public var countedPosition: Int64 { position }

    // MARK: - State

    private func load() async throws {
        guard !loaded else { return }
        position = 0
        if let snapshot = try await store.snapshot() {
            position = snapshot.position
            let saved = try JSONDecoder().decode(SavedState.self, from: snapshot.state)
            for (type, saved) in saved.detectors {
                enabledAt[type] = saved.enabledAt
                detectors[type] = InsightDetector(
                    configuration: configuration.detector(enabledAt: saved.enabledAt), state: saved.state)
            }
        }
        readPosition = position
        loaded = true
    }

    private func encodedState() throws -> Data {
        var saved = SavedState()
        for (type, detector) in detectors {
            saved.detectors[type] = TypeDetector(enabledAt: enabledAt[type] ?? 0, state: detector.state)
        }
        return try JSONEncoder().encode(saved)
    }

    /// Creates detectors for newly enabled types (seeded from stored counts) and drops the others.
    /// - Returns: whether the set changed.
    private func reconcile(enabled: Set<InsightType>, time: Int64) async throws -> Bool {
        var changed = false
        for type in InsightType.allCases where detectors[type] != nil && !enabled.contains(type) {
            detectors[type] = nil
            enabledAt[type] = nil
            changed = true
            logger.info("insights disabled", metadata: ["trail.insight.type": "\(type.rawValue)"])
        }
        let new = enabled.filter { detectors[$0] == nil }
        guard !new.isEmpty else { return changed }
        let from = InsightEventFields.minute(of: time - configuration.backfill) - 8 * 1440
        let history = try await store.counts(types: new, fromMinute: from, toMinute: .max)
        for type in new {
            var detector = InsightDetector(configuration: configuration.detector(enabledAt: time))
            for count in history where count.key.insightType == type {
                detector.add(count.count, to: count.key, atMinute: count.minute)
            }
            // Counts read but not committed yet are not in the store.
            for (key, minutes) in uncommitted where key.insightType == type {
                for (minute, count) in minutes { detector.add(count, to: key, atMinute: minute) }
            }
            detectors[type] = detector
            enabledAt[type] = time
            logger.info(
                "insights enabled",
                metadata: ["trail.insight.type": "\(type.rawValue)", "trail.insight.series": "\(detector.keys.count)"])
        }
        return true
    }

    /// Hourly: drops counts past retention and detector series that hold nothing.
    private func maintain(time: Int64) async throws {
        if let lastPrune, time - lastPrune < 3600 { return }
        lastPrune = time
        let cutoff = InsightEventFields.minute(of: time) - Int64(configuration.countRetentionDays) * 1440
        let removed = try await store.removeCounts(before: cutoff)
        if removed > 0 { logger.debug("expired insight counts", metadata: ["trail.insight.rows": "\(removed)"]) }
        for type in Array(detectors.keys) { detectors[type]?.pruneIdle() }
    }
}
