import AWSWire
import Foundation
import Logging
import ObjectStorage

/// Copies objects older than a threshold from one location to another, keeping the key layout:
/// incremental, idempotent, verified, never overwriting a different object.
public struct BackupJob: Sendable {
    /// How an object's age is measured.
    public enum AgeSource: String, Sendable, Hashable, CaseIterable, Codable {
        /// The object's Last-Modified time (the file's mtime for a folder).
        case lastModified = "last-modified"
        /// The UTC time in a CloudTrail key (`…_YYYYMMDDTHHmmZ_…`, else the `/YYYY/MM/DD/` folders).
        case keyDate = "key-date"

        /// The object's creation time by this measure; nil for a key without a date.
        public func date(of object: ObjectInfo) -> Date? {
            switch self {
            case .lastModified: object.lastModified
            case .keyDate: CloudTrailKeyDate.date(in: object.key)
            }
        }
    }

    /// What to back up and how.
    public struct Options: Sendable {
        public var thresholdDays: Int
        public var ageFrom: AgeSource
        /// Glob patterns on the key relative to the source (`*` within a segment, `**` across, `?`).
        /// No includes: everything.
        public var include: [String]
        public var exclude: [String]
        public var dryRun: Bool
        public var concurrency: Int
        /// Attempts per object for retryable failures (throttling, 5xx, storage errors, bad reads).
        public var maxAttempts: Int
        /// The ceiling of the first retry's random wait; doubled for every further one.
        public var retryBaseDelay: Duration
        /// Recompression and encryption of the copies.
        public var transform: BackupTransform

        public init(
            thresholdDays: Int, ageFrom: AgeSource = .lastModified, include: [String] = [], exclude: [String] = [],
            dryRun: Bool = false, concurrency: Int = 16, maxAttempts: Int = 4, retryBaseDelay: Duration = .milliseconds(200),
            transform: BackupTransform = BackupTransform()
        ) {
            self.thresholdDays = thresholdDays
            self.ageFrom = ageFrom
            self.include = include
            self.exclude = exclude
            self.dryRun = dryRun
            self.concurrency = concurrency
            self.maxAttempts = maxAttempts
            self.retryBaseDelay = retryBaseDelay
            self.transform = transform
        }
    }

    public let source: any BackupStorage
    public let destination: any BackupStorage
    public let options: Options
    public let logger: Logger

    public init(source: any BackupStorage, destination: any BackupStorage, options: Options, logger: Logger) {
        self.source = source
        self.destination = destination
        self.options = options
        self.logger = logger
    }

    /// What happened to one selected object.
    enum Outcome: Sendable {
        /// `entry`: what the manifest should record about the copy (when listings cannot match it).
        case copied(bytes: Int64, warning: String?, entry: BackupManifest.Entry? = nil)
        case wouldCopy(bytes: Int64)
        case skipped(entry: BackupManifest.Entry? = nil)
        case conflict
        case vanished
        case failed(String)
    }

    /// Runs the backup. A graceful shutdown (inside a service) or cancellation stops it from starting
    /// more objects; the ones in flight finish and the report says `interrupted`.
    /// - Parameters:
    ///   - now: the time ages are measured from.
    ///   - progress: called after every object with the report so far.
    public func run(now: Date = Date(), progress: (@Sendable (BackupReport) -> Void)? = nil) async throws -> BackupReport {
        let clock = ContinuousClock()
        let started = clock.now
        let includes = try options.include.map(GlobPattern.init)
        let excludes = try options.exclude.map(GlobPattern.init)
        async let destinationListing = destination.list()
        let sourceObjects = try await source.list()
        let existing = Dictionary(try await destinationListing.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var report = BackupReport()
        report.seen = sourceObjects.count
        let cutoff = now.addingTimeInterval(-Double(options.thresholdDays) * 86_400)
        let selected = sourceObjects.filter { object in
            guard includes.isEmpty || includes.contains(where: { $0.matches(object.key) }) else { return false }
            guard !excludes.contains(where: { $0.matches(object.key) }) else { return false }
            guard let date = options.ageFrom.date(of: object) else { return false }
            return date <= cutoff
        }.sorted { $0.key < $1.key }
        report.selected = selected.count
        report.bytesSelected = selected.reduce(0) { $0 + $1.size }
        report.dryRun = options.dryRun
        let serverSide = options.transform.isIdentity && Self.serverSideCopyPossible(source, destination)
        let manifest = destination.listsETags ? await BackupManifest.load(from: destination, logger: logger) : BackupManifest()
        var updates: [String: BackupManifest.Entry] = [:]
        logger.info(
            "backup started",
            metadata: [
                "source.objects": "\(sourceObjects.count)", "selected": "\(selected.count)",
                "destination.objects": "\(existing.count)", "serverSide": "\(serverSide)", "dryRun": "\(options.dryRun)",
            ])
        await BoundedWork.run(selected, width: options.concurrency) { object in
            await self.process(object, existing: existing[object.key], manifest: manifest, serverSide: serverSide)
        } onResult: { object, outcome in
            let key = object.key
            report.record(key: key, outcome)
            switch outcome {
            case .copied(_, _, let entry?), .skipped(let entry?): updates[key] = entry
            default: break
            }
            switch outcome {
            case .conflict: logger.warning("backup conflict: destination differs", metadata: ["key": "\(key)"])
            case .failed(let reason): logger.error("backup failed", metadata: ["key": "\(key)", "error": "\(reason)"])
            case .vanished: logger.notice("source object vanished", metadata: ["key": "\(key)"])
            case .copied(_, let warning?, _): logger.warning("backup warning", metadata: ["key": "\(key)", "warning": "\(warning)"])
            default: break
            }
            progress?(report)
        }
        report.interrupted = report.done < report.selected
        if destination.listsETags, !options.dryRun, !updates.isEmpty || manifest.entries.count > 0 {
            await saveManifest(manifest.merged(with: updates, listed: existing), unless: manifest)
        }
        report.durationSeconds = Double((clock.now - started) / .milliseconds(1)) / 1000
        logger.info(
            "backup finished",
            metadata: [
                "seen": "\(report.seen)", "selected": "\(report.selected)", "copied": "\(report.copied)",
                "skipped": "\(report.skipped)", "conflicts": "\(report.conflicts.count)",
                "failed": "\(report.failed.count)", "vanished": "\(report.vanished.count)",
                "bytes": "\(report.bytesCopied)", "interrupted": "\(report.interrupted)",
            ])
        return report
    }

    static func serverSideCopyPossible(_ source: any BackupStorage, _ destination: any BackupStorage) -> Bool {
        guard let a = source.s3, let b = destination.s3 else { return false }
        return a.client.endpoint == b.client.endpoint
    }
}

extension BackupJob {
    /// Stores the manifest when it changed; a failure costs the next run HEADs, not this run's result.
    func saveManifest(_ manifest: BackupManifest, unless previous: BackupManifest) async {
        guard manifest != previous else { return }
        do {
            try await manifest.save(to: destination)
        } catch {
            logger.warning("cannot store the backup manifest", metadata: ["trail.error": "\(error)"])
        }
    }
}
