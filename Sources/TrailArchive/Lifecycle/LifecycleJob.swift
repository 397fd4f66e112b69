import AWSWire
import Foundation
import Logging
import ObjectStorage

/// Applies lifecycle rules to the buckets of an object store: lists the objects the rules cover,
/// decides per object with a ``LifecyclePlanner`` at a given time, and (unless it is a plan)
/// transitions or deletes them, a bounded number at a time, with retries.
///
/// An object the store refuses to delete or change (retention lock: ``ObjectStoreError/accessDenied(_:)``)
/// is reported as skipped-locked and the run goes on; so are objects changed or deleted since the
/// listing. A deletion happens only while the object still has the ETag it was listed with.
public struct LifecycleJob: Sendable {
    public typealias AgeSource = BackupJob.AgeSource

    /// A bucket and the configurations that apply to it.
    public struct Target: Sendable, Hashable {
        public var bucket: String
        public var configurations: [LifecycleConfiguration]

        public init(bucket: String, configurations: [LifecycleConfiguration]) {
            self.bucket = bucket
            self.configurations = configurations
        }
    }

    public struct Options: Sendable {
        public var ageFrom: AgeSource
        /// Decide only; change nothing.
        public var dryRun: Bool
        /// Objects acted on at the same time.
        public var concurrency: Int
        /// Attempts per object for retryable failures (throttling, 5xx, storage errors).
        public var maxAttempts: Int
        public var retryBaseDelay: Duration

        public init(
            ageFrom: AgeSource = .lastModified, dryRun: Bool = false, concurrency: Int = 8, maxAttempts: Int = 4,
            retryBaseDelay: Duration = .milliseconds(200)
        ) {
            self.ageFrom = ageFrom
            self.dryRun = dryRun
            self.concurrency = concurrency
            self.maxAttempts = maxAttempts
            self.retryBaseDelay = retryBaseDelay
        }
    }

    public let store: any ObjectStore
    public let targets: [Target]
    public let options: Options
    public let logger: Logger

    public init(store: any ObjectStore, targets: [Target], options: Options, logger: Logger) {
        self.store = store
        self.targets = targets
        self.options = options
        self.logger = logger
    }

    /// One object with an action due.
    struct Work: Sendable {
        var object: ObjectInfo
        var action: LifecycleReport.Action
        var target: StorageClass?
    }

    /// Runs the rules as of `now`.
    /// - Parameter progress: called after every action with the report so far.
    public func run(now: Date = Date(), progress: (@Sendable (LifecycleReport) -> Void)? = nil) async throws -> LifecycleReport {
        let clock = ContinuousClock()
        let started = clock.now
        var report = LifecycleReport()
        report.dryRun = options.dryRun
        for target in targets.sorted(by: { $0.bucket < $1.bucket }) {
            do {
                try await run(target, now: now, report: &report, progress: progress)
            } catch ObjectStoreError.noSuchBucket(let bucket) {
                logger.warning("lifecycle rules for a bucket that does not exist", metadata: ["trail.bucket": "\(bucket)"])
                report.failed[bucket] = "NoSuchBucket: the bucket does not exist"
            }
        }
        report.durationSeconds = Double((clock.now - started) / .milliseconds(1)) / 1000
        logger.info(
            options.dryRun ? "lifecycle plan finished" : "lifecycle run finished",
            metadata: [
                "trail.lifecycle.seen": "\(report.seen)", "trail.lifecycle.transitioned": "\(report.transitioned)",
                "trail.lifecycle.expired": "\(report.expired)", "trail.lifecycle.skipped": "\(report.skipped)",
                "trail.lifecycle.locked": "\(report.skippedLocked.count)", "trail.lifecycle.failed": "\(report.failed.count)",
                "trail.lifecycle.bytes": "\(report.bytes)",
            ])
        return report
    }

    /// Applies one bucket's rules: orphaned tier files first (embedded store), then page by page.
    func run(_ target: Target, now: Date, report: inout LifecycleReport, progress: (@Sendable (LifecycleReport) -> Void)?)
        async throws
    {
        let planner = LifecyclePlanner(configurations: target.configurations)
        if !options.dryRun, let files = store as? FileObjectStore {
            report.orphansRemoved += try await files.removeOrphanedTierFiles(bucket: target.bucket)
        }
        for prefix in planner.listingPrefixes {
            var after: String?
            repeat {
                let page = try await store.listObjects(ObjectListRequest(bucket: target.bucket, prefix: prefix, startAfter: after))
                report.seen += page.objects.count
                var work: [Work] = []
                for object in page.objects {
                    if let item = try await plan(object, bucket: target.bucket, planner: planner, now: now, report: &report) {
                        work.append(item)
                    }
                }
                try await perform(work, report: &report, progress: progress)
                after = page.isTruncated ? page.lastReturned : nil
            } while after != nil
        }
        if planner.actsOnVersions { try await runVersions(target, planner: planner, now: now, report: &report, progress: progress) }
        if planner.abortsUploads { try await runUploads(target, planner: planner, now: now, report: &report, progress: progress) }
    }

    /// The action due for a listed object, if any.
    func plan(_ listed: ObjectInfo, bucket: String, planner: LifecyclePlanner, now: Date, report: inout LifecycleReport)
        async throws -> Work?
    {
        var object = listed
        guard let current = StorageClass(rawValue: object.storageClass) else { return nil }
        if options.ageFrom == .lastModified, current != .standard, object.metadata.isEmpty,
            planner.mayAct(onKey: object.key, in: current)
        {
            // S3 listings carry no metadata, where a copy-based transition kept the original age.
            do {
                object = try await store.headObject(bucket: bucket, key: object.key)
            } catch ObjectStoreError.noSuchKey {
                return nil
            }
        }
        guard var created = options.ageFrom.date(of: object) else { return nil }
        if options.ageFrom == .lastModified,
            let original = object.metadata[S3ObjectStore.originalLastModifiedKey].flatMap(UTCTime.parseISO8601)
        {
            created = min(created, original)
        }
        var tags: [String: String] = [:]
        if planner.needsTags(forKey: object.key) {
            do {
                tags = try await store.objectTags(bucket: bucket, key: object.key)
            } catch ObjectStoreError.noSuchKey {
                return nil
            }
        }
        let decision = planner.decision(
            key: object.key, size: object.size, created: created, storageClass: current, tags: tags, now: now)
        let ageDays = Int((now.timeIntervalSince(created) / 86_400).rounded(.down))
        func action(_ kind: LifecycleReport.Kind, to: StorageClass?, rule: String) -> LifecycleReport.Action {
            LifecycleReport.Action(
                bucket: bucket, key: object.key, size: object.size, ageDays: ageDays, action: kind,
                fromStorageClass: current.rawValue, toStorageClass: to?.rawValue, rule: rule,
                outcome: options.dryRun ? .planned : .done, reason: nil)
        }
        switch decision {
        case .none:
            return nil
        case .heldBackBySize:
            report.heldBackBySize += 1
            return nil
        case .transition(let target, let rule):
            return Work(object: object, action: action(.transition, to: target, rule: rule), target: target)
        case .expire(let rule):
            return Work(object: object, action: action(.expire, to: nil, rule: rule), target: nil)
        }
    }

    /// Carries out `work` (or records it, for a plan), `concurrency` objects at a time.
    func perform(_ work: [Work], report: inout LifecycleReport, progress: (@Sendable (LifecycleReport) -> Void)?) async throws {
        guard !options.dryRun else {
            for item in work { report.record(item.action) }
            if !work.isEmpty { progress?(report) }
            return
        }
        var finished: [LifecycleReport.Action] = []
        try await withThrowingTaskGroup(of: LifecycleReport.Action.self) { group in
            var iterator = work.makeIterator()
            func addNext() -> Bool {
                guard let item = iterator.next() else { return false }
                group.addTask { await self.carryOut(item) }
                return true
            }
            for _ in 0..<max(1, options.concurrency) where !addNext() { break }
            var snapshot = report
            while let action = try await group.next() {
                finished.append(action)
                snapshot.record(action)
                progress?(snapshot)
                _ = addNext()
            }
        }
        for action in finished.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            report.record(action)
            if action.outcome == .failed {
                logger.error(
                    "lifecycle action failed",
                    metadata: ["trail.bucket": "\(action.bucket)", "trail.key": "\(action.key)", "trail.error": "\(action.reason ?? "")"])
            }
        }
    }

    /// Transitions or deletes one object; the action with its outcome.
    func carryOut(_ item: Work) async -> LifecycleReport.Action {
        var action = item.action
        let bucket = action.bucket
        let key = item.object.key
        let etag = item.object.etag
        let retry = ArchiveRetry(maxAttempts: options.maxAttempts, baseDelay: options.retryBaseDelay)
        do {
            try await retry.run(key: key, logger: logger) { _ in
                if let uploadID = action.uploadID {
                    try await store.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
                } else if let versionId = action.versionId {
                    _ = try await store.deleteObject(bucket: bucket, key: key, versionId: versionId, bypassGovernanceRetention: false)
                } else if let target = item.target {
                    _ = try await store.transitionObject(bucket: bucket, key: key, to: target, ifMatch: etag.isEmpty ? nil : etag)
                } else {
                    let current = try await store.headObject(bucket: bucket, key: key)
                    guard etag.isEmpty || current.etag == etag else { throw ObjectStoreError.preconditionFailed }
                    try await store.deleteObject(bucket: bucket, key: key)
                }
            }
            action.outcome = .done
        } catch let error where ArchiveRetry.isVanished(error) {
            action.outcome = .vanished
        } catch ObjectStoreError.noSuchVersion, ObjectStoreError.noSuchUpload {
            action.outcome = .vanished
        } catch ObjectStoreError.accessDenied(let message) {
            action.outcome = .skippedLocked
            action.reason = message
        } catch ObjectStoreError.preconditionFailed {
            action.outcome = .skippedChanged
            action.reason = "changed since it was listed"
        } catch ObjectStoreError.invalidObjectState(let message) {
            action.outcome = .skippedArchived
            action.reason = message
        } catch {
            action.outcome = .failed
            action.reason = String(describing: error)
        }
        return action
    }
}
