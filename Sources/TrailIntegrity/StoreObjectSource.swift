import Foundation
import ObjectStorage

/// Reads digests and log files from an ``ObjectStorage/ObjectStore`` (a local Trailkeeper store
/// with `--data-dir`, or a memory store in tests).
///
/// Store errors are reported with the S3 code and message Trailkeeper's S3 API would answer for
/// them, so a run over the store reads as a run through the server would. A bucket is looked up
/// before its first use, as the CLI's `GetBucketLocation`.
struct StoreObjectSource: ObjectSource {
    let store: any ObjectStore

    func visitKeys(
        bucket: String,
        prefix: String,
        startAfter: String,
        _ visit: (String) -> Bool
    ) async throws(SourceFailure) {
        try await requireBucket(bucket)
        var after = startAfter
        while true {
            let page: ObjectListing
            do {
                page = try await store.listObjects(
                    ObjectListRequest(bucket: bucket, prefix: prefix, startAfter: after, maxKeys: 1000)
                )
            } catch {
                throw Self.failure(error, operation: "ListObjects")
            }
            for object in page.objects where !visit(object.key) { return }
            guard page.isTruncated, let last = page.lastReturned else { return }
            after = last
        }
    }

    func object(bucket: String, key: String) async throws(SourceFailure) -> SourceObject {
        try await requireBucket(bucket)
        do {
            let stored = try await store.getObject(bucket: bucket, key: key)
            return SourceObject(body: stored.body, metadata: stored.info.metadata)
        } catch {
            throw Self.failure(error, operation: "GetObject")
        }
    }

    private func requireBucket(_ bucket: String) async throws(SourceFailure) {
        let info: BucketInfo?
        do {
            info = try await store.bucket(bucket)
        } catch {
            throw Self.failure(error, operation: "GetBucketLocation")
        }
        guard info != nil else {
            throw Self.failure(ObjectStoreError.noSuchBucket(bucket), operation: "GetBucketLocation")
        }
    }

    /// The S3 error Trailkeeper's S3 API answers for a store error.
    static func failure(_ error: any Error, operation: String) -> SourceFailure {
        guard let error = error as? ObjectStoreError else {
            return SourceFailure(kind: .other(String(describing: error)), operation: operation)
        }
        let message =
            switch error {
            case .noSuchBucket: "The specified bucket does not exist"
            case .noSuchKey: "The specified key does not exist."
            case .bucketAlreadyOwnedByYou:
                "Your previous request to create the named bucket succeeded and you already own it."
            case .bucketNotEmpty: "The bucket you tried to delete is not empty"
            case .invalidBucketName: "The specified bucket is not valid."
            case .invalidKey(let key):
                "The key \(key) cannot be stored by the embedded object store (empty, '.' or '..' segments, a trailing '/', over 1024 bytes, or a key below an existing object)."
            case .invalidRange: "The requested range is not satisfiable"
            case .accessDenied(let message), .invalidObjectState(let message), .invalidBucketState(let message),
                .invalidArgument(let message):
                message
            case .preconditionFailed: "At least one of the pre-conditions you specified did not hold"
            case .storage: "We encountered an internal error. Please try again."
            case .noSuchUpload: "The specified upload does not exist."
            case .invalidPart: "One or more of the specified parts could not be found."
            case .invalidPartOrder: "The list of parts was not in ascending order."
            case .entityTooSmall: "Your proposed upload is smaller than the minimum allowed size"
            case .noSuchVersion: "The specified version does not exist."
            case .invalidVersionId: "Invalid version id specified"
            case .deleteMarker: "The specified method is not allowed against this resource."
            case .objectLockNotEnabled: "Bucket is missing Object Lock Configuration"
            case .noSuchObjectLockConfiguration: "The specified object does not have a ObjectLock configuration"
            }
        return SourceFailure(kind: .service(code: error.s3Code, message: message), operation: operation)
    }
}
