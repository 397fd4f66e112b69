import AWSWire
import Crypto
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
        /// Attempts per object for retryable failures (throttling, 5xx, storage errors).
        public var maxAttempts: Int
        /// The first retry's delay; doubled for every further one.
        public var retryBaseDelay: Duration

        public init(
            thresholdDays: Int, ageFrom: AgeSource = .lastModified, include: [String] = [], exclude: [String] = [],
            dryRun: Bool = false, concurrency: Int = 8, maxAttempts: Int = 4, retryBaseDelay: Duration = .milliseconds(200)
        ) {
            self.thresholdDays = thresholdDays
            self.ageFrom = ageFrom
            self.include = include
            self.exclude = exclude
            self.dryRun = dryRun
            self.concurrency = concurrency
            self.maxAttempts = maxAttempts
            self.retryBaseDelay = retryBaseDelay
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
        case copied(bytes: Int64)
        case wouldCopy(bytes: Int64)
        case skipped
        case conflict
        case vanished
        case failed(String)
    }

    /// Runs the backup.
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
        let serverSide = Self.serverSideCopyPossible(source, destination)
        logger.info(
            "backup started",
            metadata: [
                "source.objects": "\(sourceObjects.count)", "selected": "\(selected.count)",
                "destination.objects": "\(existing.count)", "serverSide": "\(serverSide)", "dryRun": "\(options.dryRun)",
            ])
        try await withThrowingTaskGroup(of: (String, Outcome).self) { group in
            var iterator = selected.makeIterator()
            func addNext() -> Bool {
                guard let object = iterator.next() else { return false }
                let existingObject = existing[object.key]
                group.addTask { (object.key, await self.process(object, existing: existingObject, serverSide: serverSide)) }
                return true
            }
            for _ in 0..<max(1, options.concurrency) where !addNext() { break }
            while let result = try await group.next() {
                let (key, outcome) = result
                report.record(key: key, outcome)
                switch outcome {
                case .conflict: logger.warning("backup conflict: destination differs", metadata: ["key": "\(key)"])
                case .failed(let reason): logger.error("backup failed", metadata: ["key": "\(key)", "error": "\(reason)"])
                case .vanished: logger.notice("source object vanished", metadata: ["key": "\(key)"])
                default: break
                }
                progress?(report)
                _ = addNext()
            }
        }
        report.durationSeconds = Double((clock.now - started) / .milliseconds(1)) / 1000
        logger.info(
            "backup finished",
            metadata: [
                "seen": "\(report.seen)", "selected": "\(report.selected)", "copied": "\(report.copied)",
                "skipped": "\(report.skipped)", "conflicts": "\(report.conflicts.count)",
                "failed": "\(report.failed.count)", "vanished": "\(report.vanished.count)",
                "bytes": "\(report.bytesCopied)",
            ])
        return report
    }

    static func serverSideCopyPossible(_ source: any BackupStorage, _ destination: any BackupStorage) -> Bool {
        guard let a = source.s3, let b = destination.s3 else { return false }
        return a.client.endpoint == b.client.endpoint
    }

    func process(_ object: ObjectInfo, existing: ObjectInfo?, serverSide: Bool) async -> Outcome {
        let retry = ArchiveRetry(maxAttempts: options.maxAttempts, baseDelay: options.retryBaseDelay)
        do {
            return try await retry.run(key: object.key, logger: logger) { attempt in
                try await processOnce(object, listed: existing, trustListing: attempt == 1, serverSide: serverSide)
            }
        } catch let error where ArchiveRetry.isVanished(error) {
            return .vanished
        } catch {
            return .failed(String(describing: error))
        }
    }

    struct VerificationError: Error, CustomStringConvertible {
        var description: String
    }

    /// Compares, then copies and verifies one object. `listed` is the destination listing's entry;
    /// a retry (`trustListing` false) HEADs the destination instead.
    func processOnce(_ object: ObjectInfo, listed: ObjectInfo?, trustListing: Bool, serverSide: Bool) async throws -> Outcome {
        var present = listed
        if !trustListing { present = try await destination.head(object.key) }
        if let present {
            return try await compare(object, present) ? .skipped : .conflict
        }
        if options.dryRun { return .wouldCopy(bytes: object.size) }
        if serverSide, let from = source.s3, let to = destination.s3 {
            let etag = Self.unquoted(object.etag)
            let copied = try await from.client.copyObject(
                sourceBucket: from.bucket, sourceKey: from.prefix + object.key, bucket: to.bucket, key: to.prefix + object.key,
                metadataDirective: .replace(contentType: nil, metadata: ["trailkeeper-source-etag": etag]))
            // The copy's MD5 ETag equal to the source's verifies content and size without another request.
            if !etag.isEmpty, !etag.contains("-"), copied.map(Self.unquoted) == etag { return .copied(bytes: object.size) }
            guard let copy = try await destination.head(object.key) else { throw VerificationError(description: "copy missing") }
            guard copy.size == object.size, etag.isEmpty || etag.contains("-") || copy.etag == etag else {
                throw VerificationError(description: "server-side copy of \(object.key) does not match its source")
            }
            return .copied(bytes: copy.size)
        }
        let body = try await source.read(object.key)
        let sha = SHA256.hash(data: body).hexString
        let md5 = Insecure.MD5.hash(data: body).hexString
        let sourceETag = object.etag.isEmpty ? md5 : object.etag
        try await destination.write(
            object.key, body: body, metadata: ["trailkeeper-sha256": sha, "trailkeeper-source-etag": sourceETag])
        guard let copy = try await destination.head(object.key), copy.size == Int64(body.count) else {
            throw VerificationError(description: "copy of \(object.key) is missing or has the wrong size")
        }
        if let copied = copy.metadata["trailkeeper-sha256"] {
            guard copied == sha, copy.etag.contains("-") || copy.etag == md5 else {
                throw VerificationError(description: "copy of \(object.key) has the wrong checksum")
            }
        } else {
            // A folder: re-read the file.
            guard SHA256.hash(data: try await destination.read(object.key)).hexString == sha else {
                throw VerificationError(description: "copy of \(object.key) has the wrong checksum")
            }
        }
        return .copied(bytes: Int64(body.count))
    }

    /// Whether the destination object already holds the source object's content.
    func compare(_ object: ObjectInfo, _ listed: ObjectInfo) async throws -> Bool {
        guard listed.size == object.size else { return false }
        let sourceETag = object.etag.isEmpty ? (try await source.head(object.key)?.etag ?? "") : object.etag
        guard !sourceETag.isEmpty else { throw ObjectStoreError.noSuchKey(bucket: "", key: object.key) }
        if !listed.etag.isEmpty, listed.etag == sourceETag, !sourceETag.contains("-") { return true }
        guard let head = try await destination.head(object.key) else { return false }
        if head.metadata["trailkeeper-source-etag"] == sourceETag { return true }
        if head.etag == sourceETag, !sourceETag.contains("-") { return true }
        // Multipart ETags on one side: compare SHA-256s.
        let sourceSHA = SHA256.hash(data: try await source.read(object.key)).hexString
        if let sha = head.metadata["trailkeeper-sha256"] { return sha == sourceSHA }
        return SHA256.hash(data: try await destination.read(object.key)).hexString == sourceSHA
    }

    static func unquoted(_ etag: String) -> String {
        etag.count >= 2 && etag.hasPrefix("\"") && etag.hasSuffix("\"") ? String(etag.dropFirst().dropLast()) : etag
    }
}
