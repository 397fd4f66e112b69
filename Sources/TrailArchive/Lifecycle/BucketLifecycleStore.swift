import Foundation
import ObjectStorage

/// The lifecycle configurations set through the S3 API (PutBucketLifecycleConfiguration), one
/// file per bucket: `DIR/<bucket>.json` (in the data directory: `DATA_DIR/lifecycle/`), written
/// atomically. Each file names the creation date of the bucket it was set on, so a configuration
/// does not outlive its bucket: a bucket deleted and created again under the same name has none.
///
/// ```
/// {"bucket": "audit-logs", "bucketCreated": 1714560000.25, "transitionDefaultMinimumObjectSize":
///  "all_storage_classes_128K", "configuration": "<?xml …><LifecycleConfiguration …>…"}
/// ```
public struct BucketLifecycleStore: Sendable {
    public let directory: String
    let folder: FolderBackupStorage

    public init(directory: String) {
        self.directory = directory
        folder = FolderBackupStorage(root: directory)
    }

    static func fileName(_ bucket: String) -> String { bucket + ".json" }

    /// The bucket's configuration; nil when it has none, or when the stored one was set on an
    /// earlier bucket of that name (its creation date differs from `createdAt`).
    public func configuration(for bucket: String, createdAt: Date?) async throws -> LifecycleConfiguration? {
        let data: Data
        do {
            data = try await folder.read(Self.fileName(bucket)).body
        } catch ObjectStoreError.noSuchKey {
            return nil
        }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let xml = object["configuration"] as? String
        else { throw ObjectStoreError.storage("\(directory)/\(Self.fileName(bucket)) is not a lifecycle configuration file") }
        if let createdAt, let stored = object["bucketCreated"] as? Double,
            abs(stored - createdAt.timeIntervalSince1970) > 1
        {
            return nil
        }
        let minimum = (object["transitionDefaultMinimumObjectSize"] as? String)
            .flatMap(LifecycleConfiguration.TransitionMinimumObjectSize.init(rawValue:)) ?? .allStorageClasses128K
        return try LifecycleConfiguration(xml: Data(xml.utf8), transitionMinimumObjectSize: minimum)
    }

    /// Stores `configuration` as the bucket's, replacing any.
    public func setConfiguration(_ configuration: LifecycleConfiguration, for bucket: String, createdAt: Date?) async throws {
        var object: [String: Any] = [
            "bucket": bucket, "configuration": configuration.xml,
            "transitionDefaultMinimumObjectSize": configuration.transitionMinimumObjectSize.rawValue,
        ]
        if let createdAt { object["bucketCreated"] = createdAt.timeIntervalSince1970 }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try FolderBackupStorage.writeAtomically(
            data, to: URL(fileURLWithPath: directory).appendingPathComponent(Self.fileName(bucket)), modified: nil)
    }

    /// Removes the bucket's configuration (none is fine).
    public func removeConfiguration(for bucket: String) async throws {
        let path = directory + "/" + Self.fileName(bucket)
        guard FileManager.default.fileExists(atPath: path) else { return }
        try FileManager.default.removeItem(atPath: path)
    }

    /// The buckets that have a stored configuration.
    public func buckets() async throws -> [String] {
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        return try await folder.list().map(\.key).filter { $0.hasSuffix(".json") && !$0.contains("/") }
            .map { String($0.dropLast(5)) }.sorted()
    }
}
