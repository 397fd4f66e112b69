import Foundation
import ObjectStorage

// The passes over what is not a current object: versions and delete markers, then uploads.
extension LifecycleJob {
    /// Lists the versions under the rules' prefixes, one key's history at a time (a history may
    /// span pages), and removes the noncurrent versions and expired delete markers that are due.
    /// A locked version is reported as skipped-locked, as a locked object is.
    func runVersions(
        _ target: Target, planner: LifecyclePlanner, now: Date, report: inout LifecycleReport,
        progress: (@Sendable (LifecycleReport) -> Void)?
    ) async throws {
        for prefix in planner.versionListingPrefixes {
            var keyMarker: String?
            var versionMarker: String?
            var history: [ObjectVersion] = []
            while true {
                let page = try await store.listObjectVersions(
                    ObjectVersionListRequest(bucket: target.bucket, prefix: prefix, keyMarker: keyMarker, versionIdMarker: versionMarker))
                var work: [Work] = []
                for version in page.versions {
                    if let key = history.first?.info.key, key != version.info.key {
                        work += planVersions(history, bucket: target.bucket, planner: planner, now: now)
                        history = []
                    }
                    history.append(version)
                }
                let more = page.isTruncated && (page.nextKeyMarker != nil || page.nextVersionIdMarker != nil)
                if !more, !history.isEmpty {
                    work += planVersions(history, bucket: target.bucket, planner: planner, now: now)
                    history = []
                }
                try await perform(work, report: &report, progress: progress)
                guard more else { break }
                keyMarker = page.nextKeyMarker
                versionMarker = page.nextVersionIdMarker
            }
        }
    }

    /// The actions due on one key's versions (newest first).
    func planVersions(_ history: [ObjectVersion], bucket: String, planner: LifecyclePlanner, now: Date) -> [Work] {
        guard let key = history.first?.info.key else { return [] }
        let facts = history.map {
            LifecyclePlanner.VersionFacts(size: $0.info.size, lastModified: $0.info.lastModified, isDeleteMarker: $0.isDeleteMarker)
        }
        func work(_ index: Int, _ kind: LifecycleReport.Kind, rule: String) -> Work {
            let version = history[index]
            var action = LifecycleReport.Action(
                bucket: bucket, key: key, size: version.info.size,
                ageDays: Int((now.timeIntervalSince(version.info.lastModified) / 86_400).rounded(.down)), action: kind,
                fromStorageClass: version.info.storageClass, toStorageClass: nil, rule: rule,
                outcome: options.dryRun ? .planned : .done, reason: nil)
            action.versionId = version.versionId
            return Work(object: version.info, action: action, target: nil)
        }
        if let rule = planner.expiredDeleteMarkerRule(key: key, history: facts) {
            return [work(0, .removeDeleteMarker, rule: rule)]
        }
        return planner.noncurrentExpirations(key: key, history: facts, now: now).map {
            work($0.index, .expireNoncurrent, rule: $0.rule)
        }
    }

    /// Lists the incomplete multipart uploads under the rules' prefixes and aborts those due.
    func runUploads(
        _ target: Target, planner: LifecyclePlanner, now: Date, report: inout LifecycleReport,
        progress: (@Sendable (LifecycleReport) -> Void)?
    ) async throws {
        for prefix in planner.uploadListingPrefixes {
            var keyMarker: String?
            var uploadMarker: String?
            while true {
                let page = try await store.listMultipartUploads(
                    MultipartUploadListRequest(
                        bucket: target.bucket, prefix: prefix, keyMarker: keyMarker, uploadIDMarker: uploadMarker))
                var work: [Work] = []
                for upload in page.uploads {
                    guard let rule = planner.abortRule(key: upload.key, initiated: upload.initiated, now: now) else { continue }
                    var action = LifecycleReport.Action(
                        bucket: target.bucket, key: upload.key, size: 0,
                        ageDays: Int((now.timeIntervalSince(upload.initiated) / 86_400).rounded(.down)), action: .abortUpload,
                        fromStorageClass: upload.storageClass, toStorageClass: nil, rule: rule,
                        outcome: options.dryRun ? .planned : .done, reason: nil)
                    action.uploadID = upload.uploadID
                    work.append(
                        Work(
                            object: ObjectInfo(key: upload.key, size: 0, lastModified: upload.initiated, etag: ""), action: action,
                            target: nil))
                }
                try await perform(work, report: &report, progress: progress)
                guard page.isTruncated, page.nextKeyMarker != nil || page.nextUploadIDMarker != nil else { break }
                keyMarker = page.nextKeyMarker
                uploadMarker = page.nextUploadIDMarker
            }
        }
    }
}
