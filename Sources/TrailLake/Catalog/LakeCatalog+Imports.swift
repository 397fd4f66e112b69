import Foundation
import TrailModel
import TrailStore

/// StartImport's parameters.
public struct ImportRequest: Sendable, Hashable {
    public var destinations: [String]
    public var s3LocationURI: String
    public var s3BucketRegion: String
    public var s3BucketAccessRoleARN: String
    /// Epoch seconds.
    public var startEventTime: Int64?
    public var endEventTime: Int64?

    public init(
        destinations: [String], s3LocationURI: String, s3BucketRegion: String, s3BucketAccessRoleARN: String,
        startEventTime: Int64? = nil, endEventTime: Int64? = nil
    ) {
        self.destinations = destinations
        self.s3LocationURI = s3LocationURI
        self.s3BucketRegion = s3BucketRegion
        self.s3BucketAccessRoleARN = s3BucketAccessRoleARN
        self.startEventTime = startEventTime
        self.endEventTime = endEventTime
    }
}

extension LakeCatalog {
    /// Registers a new import (INITIALIZING); the ``ImportService`` runs it.
    public func startImport(_ request: ImportRequest) async throws -> ImportJob {
        try await load()
        try checkNoOngoingImport()
        guard !request.destinations.isEmpty, request.destinations.count <= 200 else {
            throw LakeError(.invalidParameter, "Destinations must name between 1 and 200 event data stores.")
        }
        var arns: [String] = []
        for reference in request.destinations {
            let s = try store(reference)
            guard s.status != .pendingDeletion else {
                throw LakeError(.inactiveEventDataStore, "Event data store \(s.id) is pending deletion.")
            }
            guard s.category == .cloudTrail else {
                throw LakeError(
                    .invalidEventDataStoreCategory, "Event data store \(s.id) does not hold CloudTrail events; trail events cannot be imported into it.")
            }
            if !arns.contains(s.arn) { arns.append(s.arn) }
        }
        guard ImportJob.location(request.s3LocationURI) != nil else {
            throw LakeError(.invalidImportSource, "S3LocationUri must look like s3://bucket/prefix.")
        }
        if let start = request.startEventTime, let end = request.endEventTime, start > end {
            throw LakeError(.invalidParameter, "StartEventTime must not be after EndEventTime.")
        }
        let job = ImportJob(
            id: UUID().uuidString.lowercased(), destinations: arns, s3LocationURI: request.s3LocationURI,
            s3BucketRegion: request.s3BucketRegion, s3BucketAccessRoleARN: request.s3BucketAccessRoleARN,
            startEventTime: request.startEventTime, endEventTime: request.endEventTime, createdAt: now())
        try await save(job)
        return job
    }

    /// StartImport with only an ImportId: runs a FAILED or STOPPED import again; files already copied are skipped.
    public func retryImport(_ id: String) async throws -> ImportJob {
        try await load()
        var job = try lookupImport(id)
        guard !job.status.isActive else { return job }
        try checkNoOngoingImport()
        job.status = .initializing
        job.updatedAt = now()
        try await save(job)
        return job
    }

    /// GetImport.
    public func importJob(_ id: String) async throws -> ImportJob {
        try await load()
        return try lookupImport(id)
    }

    func lookupImport(_ id: String) throws(LakeError) -> ImportJob {
        guard let job = imports[id] else { throw LakeError(.importNotFound, "Import \(id) was not found.") }
        return job
    }

    /// ListImports, newest first, filtered by destination and status.
    public func listImports(
        maxResults: Int?, destination: String?, status: ImportStatus?, nextToken: String?
    ) async throws -> LakePage<ImportJob> {
        try await load()
        let limit = try Self.checkMaxResults(maxResults)
        var arn: String?
        if let destination { arn = try store(destination).arn }
        let all = imports.values
            .filter { job in (arn.map { job.destinations.contains($0) } ?? true) && (status.map { job.status == $0 } ?? true) }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        let start = try Self.pageIndex(nextToken, kind: "import", count: all.count)
        let end = Swift.min(all.count, start + limit)
        return LakePage(items: Array(all[start..<end]), nextToken: end < all.count ? Self.pageToken(end, kind: "import") : nil)
    }

    /// ListImportFailures: the files that failed (or failed once and later succeeded).
    public func importFailures(_ id: String, maxResults: Int?, nextToken: String?) async throws -> LakePage<ImportFileOutcome> {
        try await load()
        _ = try lookupImport(id)
        let limit = try Self.checkMaxResults(maxResults)
        let all = try await persistence.fileOutcomes(importID: id)
        let start = try Self.pageIndex(nextToken, kind: "failure", count: all.count)
        let end = Swift.min(all.count, start + limit)
        return LakePage(items: Array(all[start..<end]), nextToken: end < all.count ? Self.pageToken(end, kind: "failure") : nil)
    }

    /// StopImport: the runner stops before its next file.
    public func stopImport(_ id: String) async throws -> ImportJob {
        try await load()
        var job = try lookupImport(id)
        if job.status.isActive {
            job.status = .stopped
            job.updatedAt = now()
            try await save(job)
        }
        return job
    }

    // MARK: - For the runner

    /// The oldest import that has work to do.
    public func nextImportToRun() async throws -> ImportJob? {
        try await load()
        return imports.values.filter(\.status.isActive).min { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Saves a runner's progress unless the import was stopped meanwhile (then the stop wins, statistics are kept).
    /// - Returns: the job as saved.
    @discardableResult
    public func recordProgress(_ job: ImportJob) async throws -> ImportJob {
        var job = job
        if let current = imports[job.id], current.status == .stopped { job.status = .stopped }
        job.updatedAt = now()
        try await save(job)
        return job
    }

    /// Records the outcome of one file (failures, and later successes of files that failed before).
    public func recordFileOutcome(_ outcome: ImportFileOutcome) async throws {
        try await persistence.save(outcome)
    }

    /// The destination stores of an import that still exist and are not pending deletion, opened.
    public func importDestinations(_ job: ImportJob) async throws -> [(store: EventDataStore, storage: any EventDataStoreStorage)] {
        var result: [(store: EventDataStore, storage: any EventDataStoreStorage)] = []
        for arn in job.destinations {
            guard let s = stores.values.first(where: { $0.arn == arn }), s.status != .pendingDeletion else { continue }
            result.append((store: s, storage: try await storage(for: s)))
        }
        return result
    }

    func checkNoOngoingImport() throws(LakeError) {
        if let running = imports.values.first(where: { $0.status.isActive }) {
            throw LakeError(.accountHasOngoingImport, "Import \(running.id) is still in progress.")
        }
    }

    func save(_ job: ImportJob) async throws {
        try await persistence.save(job)
        imports[job.id] = job
    }
}
