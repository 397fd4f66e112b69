import Foundation
import ObjectStorage

extension LifecycleJob.Target {
    /// Every bucket with rules: those of a configuration file (`configured`) and those set through
    /// the S3 API (`stored`), both applying where a bucket has both. A stored configuration of a
    /// bucket that no longer exists (or was created again since) is left out.
    public static func collect(
        configured: [String: LifecycleConfiguration], stored: BucketLifecycleStore?, store: any ObjectStore
    ) async throws -> [LifecycleJob.Target] {
        var configurations = configured.mapValues { [$0] }
        for bucket in try await stored?.buckets() ?? [] {
            guard let info = try await store.bucket(bucket),
                let configuration = try await stored?.configuration(for: bucket, createdAt: info.creationDate)
            else { continue }
            configurations[bucket, default: []].append(configuration)
        }
        return configurations.map { LifecycleJob.Target(bucket: $0.key, configurations: $0.value) }.sorted { $0.bucket < $1.bucket }
    }
}
