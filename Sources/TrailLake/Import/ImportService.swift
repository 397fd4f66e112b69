import Foundation
import Logging
import ObjectStorage
import ServiceLifecycle
import TrailModel
import TrailStore

/// Runs StartImport jobs (plan §3.4): lists the S3 location on the trail object store (the embedded one or the
/// server's `s3-endpoint`), streams each gzip log file, and copies its events (within the time range and each
/// destination's retention) into every destination exactly once per file (`appendImported`).
///
/// Per-file problems become failure entries (ListImportFailures) and the import goes on; an import with any
/// failure ends FAILED, otherwise COMPLETED. StopImport takes effect before the next file. Jobs left active by
/// a restart resume; files already copied are skipped by the stores.
public struct ImportService: Service {
    let catalog: LakeCatalog
    let objects: any ObjectStore
    let logger: Logger
    let pollInterval: Duration
    let maximumRecordSize: Int

    /// - Parameters:
    ///   - objects: where S3 locations are read.
    ///   - pollInterval: how often the service looks for new imports when idle.
    public init(
        catalog: LakeCatalog, objects: any ObjectStore, logger: Logger, pollInterval: Duration = .seconds(1),
        maximumRecordSize: Int = 256 * 1024
    ) {
        self.catalog = catalog
        self.objects = objects
        self.logger = logger
        self.pollInterval = pollInterval
        self.maximumRecordSize = maximumRecordSize
    }

    /// StartImport: checks the source bucket exists, then registers the import for ``run()``.
    public func start(_ request: ImportRequest) async throws -> ImportJob {
        guard let location = ImportJob.location(request.s3LocationURI), BucketName.isValid(location.bucket) else {
            throw LakeError(.invalidImportSource, "S3LocationUri must look like s3://bucket/prefix.")
        }
        let exists: Bool
        do {
            exists = try await objects.bucket(location.bucket) != nil
        } catch {
            throw LakeError(.invalidImportSource, "The bucket \(location.bucket) cannot be read.")
        }
        guard exists else { throw LakeError(.invalidImportSource, "The bucket \(location.bucket) does not exist.") }
        return try await catalog.startImport(request)
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                while !Task.isShuttingDownGracefully, let job = try await catalog.nextImportToRun() {
                    try await process(job)
                }
            } catch {
                logger.warning("import pass failed", metadata: ["trail.error": "\(String(reflecting: error))"])
            }
            _ = try? await cancelWhenGracefulShutdown { [pollInterval] in try await Task.sleep(for: pollInterval) }
        }
    }

    /// Runs one import to its end (or until it is stopped).
    // Not optimised: Swift 6.3.1's optimiser crashes (signal 11 in LLVM's coroutine splitting) on this function in
    // release builds; it only orchestrates calls, so nothing measurable is lost.
    @_optimize(none)
    public func process(_ started: ImportJob) async throws {
        var job = started
        job.status = .inProgress
        // A retry keeps what earlier runs copied (those files are skipped below) and counts failures afresh.
        job.statistics.failedEntries = 0
        job.statistics.prefixesFound = 0
        job.statistics.prefixesCompleted = 0
        job = try await catalog.recordProgress(job)
        guard job.status == .inProgress, let location = ImportJob.location(job.s3LocationURI) else { return }
        guard let keys = try await listedKeys(job: &job, bucket: location.bucket, prefix: location.prefix) else { return }
        let decisions = ImportSourceListing.decide(
            keys: keys, prefix: location.prefix, start: job.startEventTime, end: job.endEventTime)
        let files = keys.filter { decisions[$0] != .skip }
        let folders = Dictionary(grouping: files) { key in key.split(separator: "/").dropLast().joined(separator: "/") }
        job.statistics.prefixesFound = Int64(folders.count)
        job = try await catalog.recordProgress(job)
        var failed = false
        var remaining = folders.mapValues(\.count)
        for key in files {
            if try await catalog.importJob(job.id).status == .stopped { return }
            try Task.checkCancellation()
            let fileLocation = "s3://\(location.bucket)/\(key)"
            let outcome = await fileOutcome(
                bucket: location.bucket, key: key, unsupported: decisions[key] == .unsupported, location: fileLocation, job: job)
            if try await account(outcome, in: &job, location: fileLocation) { failed = true }
            let folder = key.split(separator: "/").dropLast().joined(separator: "/")
            remaining[folder, default: 1] -= 1
            if remaining[folder] == 0 { job.statistics.prefixesCompleted += 1 }
            job = try await catalog.recordProgress(job)
            if job.status == .stopped { return }
        }
        job.status = failed ? .failed : .completed
        job = try await catalog.recordProgress(job)
        logger.info(
            "import finished",
            metadata: [
                "trail.import.id": "\(job.id)", "trail.import.status": "\(job.status.rawValue)",
                "trail.import.events": "\(job.statistics.eventsCompleted)",
            ])
    }

    /// Lists the import location; on failure records the failure entry, marks the job FAILED and returns nil.
    func listedKeys(job: inout ImportJob, bucket: String, prefix: String) async throws -> [String]? {
        do {
            return try await listKeys(bucket: bucket, prefix: prefix)
        } catch {
            job.status = .failed
            try await catalog.recordFileOutcome(
                ImportFileOutcome(
                    importID: job.id, location: job.s3LocationURI, status: .failed, errorType: "AccessDenied",
                    errorMessage: "The S3 location cannot be listed.", lastUpdated: catalog.now()))
            try await catalog.recordProgress(job)
            return nil
        }
    }

    /// What importing one file did (an unsupported file fails without being read).
    func fileOutcome(bucket: String, key: String, unsupported: Bool, location: String, job: ImportJob) async -> FileResult {
        if unsupported {
            return .failure("UnsupportedFileFormat", "Only gzip-compressed log files (.json.gz) can be imported.")
        }
        return await copy(bucket: bucket, key: key, location: location, job: job)
    }

    /// Adds one file's outcome to the job's statistics and failure entries.
    /// - Returns: whether the file counts as a failure.
    /// (Kept out of `process`'s loop: Swift 6.3's optimiser crashes splitting that coroutine otherwise.)
    func account(_ outcome: FileResult, in job: inout ImportJob, location: String) async throws -> Bool {
        switch outcome {
        case .copied(let events, let rejected, let firstRejection, let isNew):
            if isNew {
                job.statistics.filesCompleted += 1
                job.statistics.eventsCompleted += Int64(events)
            }
            if rejected > 0 {
                job.statistics.failedEntries += Int64(rejected)
                try await record(job, location, .failed, "InvalidEventFormat", firstRejection)
                return true
            }
            let earlierFailure = try await hadFailed(job, location)
            if earlierFailure {
                try await record(job, location, .succeeded, nil, nil)
            }
            return false
        case .failure(let type, let message):
            job.statistics.failedEntries += 1
            try await record(job, location, .failed, type, message)
            return true
        }
    }

    enum FileResult {
        /// `isNew`: false when every destination had the file from an earlier run.
        case copied(events: Int, rejected: Int, firstRejection: String?, isNew: Bool)
        case failure(String, String)
    }

    /// Reads one file and appends its events to every destination (exactly once per file and destination).
    func copy(bucket: String, key: String, location: String, job: ImportJob) async -> FileResult {
        let body: Data
        do {
            body = try await objects.getObject(bucket: bucket, key: key).body
        } catch ObjectStoreError.noSuchKey {
            return .failure("NoSuchKey", "The object no longer exists.")
        } catch {
            return .failure("AccessDenied", "The object cannot be read.")
        }
        guard body.count >= 2, body[body.startIndex] == 0x1f, body[body.startIndex + 1] == 0x8b else {
            return .failure("UnsupportedFileFormat", "The file is not gzip-compressed.")
        }
        var records: [AuditRecord] = []
        var rejected = 0
        var firstRejection: String?
        do {
            let stream = LogFileRecordStream(
                chunks: SingleChunk(data: body), configuration: .init(maximumRecordSize: maximumRecordSize))
            for try await batch in stream {
                for result in batch.results {
                    switch result {
                    case .success(let r):
                        if let start = job.startEventTime, r.eventTime < start { continue }
                        if let end = job.endEventTime, r.eventTime > end { continue }
                        records.append(r)
                    case .failure(let rejection):
                        rejected += 1
                        if firstRejection == nil { firstRejection = rejection.description }
                    }
                }
            }
        } catch let error as LogFileStreamError {
            return .failure("InvalidFileFormat", error.message)
        } catch {
            return .failure("InvalidFileFormat", "The file cannot be read as a CloudTrail log file.")
        }
        var isNew = false
        do {
            for (store, storage) in try await catalog.importDestinations(job) {
                let cutoff = await catalog.retentionCutoff(for: store)
                if try await storage.appendImported(records, importID: job.id, key: location, retainFrom: cutoff) { isNew = true }
            }
        } catch {
            logger.warning("import append failed", metadata: ["trail.error": "\(String(reflecting: error))"])
            return .failure("InternalError", "The events could not be stored.")
        }
        return .copied(events: records.count, rejected: rejected, firstRejection: firstRejection, isNew: isNew)
    }

    func listKeys(bucket: String, prefix: String) async throws -> [String] {
        var keys: [String] = []
        var after: String?
        repeat {
            let page = try await objects.listObjects(ObjectListRequest(bucket: bucket, prefix: prefix, startAfter: after))
            keys += page.objects.map(\.key)
            after = page.isTruncated ? (page.lastReturned ?? page.objects.last?.key) : nil
        } while after != nil
        return keys
    }

    func hadFailed(_ job: ImportJob, _ location: String) async throws -> Bool {
        let page = try await catalog.importFailures(job.id, maxResults: 1000, nextToken: nil)
        return page.items.contains { $0.location == location && $0.status == .failed }
    }

    func record(_ job: ImportJob, _ location: String, _ status: ImportFileOutcome.Status, _ type: String?, _ message: String?) async throws {
        try await catalog.recordFileOutcome(
            ImportFileOutcome(
                importID: job.id, location: location, status: status, errorType: type, errorMessage: message,
                lastUpdated: catalog.now()))
    }
}

/// One object body as a chunk sequence for ``LogFileRecordStream``.
struct SingleChunk: AsyncSequence, Sendable {
    typealias Element = Data
    let data: Data

    func makeAsyncIterator() -> Iterator { Iterator(data: data) }

    struct Iterator: AsyncIteratorProtocol {
        var data: Data?
        mutating func next() async throws -> Data? {
            defer { data = nil }
            return data
        }
    }
}
