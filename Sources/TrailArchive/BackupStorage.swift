import AWSWire
import Crypto
import Foundation
import ObjectStorage

/// One side of a backup: the objects under a location, keys relative to its prefix.
public protocol BackupStorage: Sendable {
    /// Every object, keys relative to the location, in any order.
    func list() async throws -> [ObjectInfo]
    /// The object's description (with content type and user metadata); `nil` when it does not exist.
    func head(_ key: String) async throws -> ObjectInfo?
    /// The object's bytes with its description (content type, user metadata).
    /// Throws ``ObjectStoreError/noSuchKey(bucket:key:)`` when it is gone.
    func read(_ key: String) async throws -> StoredObject
    /// Stores the object atomically (no reader ever sees a partial one).
    func write(_ key: String, body: Data, contentType: String?, metadata: [String: String]) async throws
    /// Checks what is stored at `key` against the bytes just written there (size, and the ETag those
    /// bytes must have; a folder reads its file back) and returns its description with its metadata.
    /// Throws ``BackupVerificationError`` when they differ.
    func verifyWrite(_ key: String, body: Data) async throws -> ObjectInfo
    /// The S3 client and bucket/prefix for server-side copies, when this side is S3.
    var s3: (client: S3Client, bucket: String, prefix: String)? { get }
    /// Whether ``list()`` gives ETags (a bucket does, a folder does not).
    var listsETags: Bool { get }
}

/// A bucket (and prefix) of an ``ObjectStore``.
public struct ObjectStoreBackupStorage: BackupStorage {
    public let store: any ObjectStore
    public let bucket: String
    public let prefix: String
    let client: S3Client?

    /// - Parameter client: the S3 client behind `store`, to allow server-side copies.
    public init(store: any ObjectStore, bucket: String, prefix: String, client: S3Client? = nil) {
        self.store = store
        self.bucket = bucket
        self.prefix = prefix
        self.client = client
    }

    public var s3: (client: S3Client, bucket: String, prefix: String)? {
        client.map { ($0, bucket, prefix) }
    }

    public var listsETags: Bool { true }

    /// Keys under `.trailkeeper/` (the backup manifest) are Trailkeeper's bookkeeping, not objects.
    static let reservedPrefix = ".trailkeeper/"

    public func list() async throws -> [ObjectInfo] {
        var result: [ObjectInfo] = []
        var after: String?
        while true {
            let page = try await store.listObjects(ObjectListRequest(bucket: bucket, prefix: prefix, startAfter: after))
            for var object in page.objects {
                object.key = String(object.key.dropFirst(prefix.count))
                if !object.key.hasPrefix(Self.reservedPrefix) { result.append(object) }
            }
            guard page.isTruncated, let last = page.lastReturned else { return result }
            after = last
        }
    }

    public func head(_ key: String) async throws -> ObjectInfo? {
        do {
            var info = try await store.headObject(bucket: bucket, key: prefix + key)
            info.key = key
            return info
        } catch ObjectStoreError.noSuchKey {
            return nil
        }
    }

    public func read(_ key: String) async throws -> StoredObject {
        var object = try await store.getObject(bucket: bucket, key: prefix + key, range: nil)
        object.info.key = key
        return object
    }

    public func write(_ key: String, body: Data, contentType: String?, metadata: [String: String]) async throws {
        try await store.putObject(bucket: bucket, key: prefix + key, body: body, contentType: contentType, metadata: metadata)
    }
}

extension ObjectStoreBackupStorage {
    public func verifyWrite(_ key: String, body: Data) async throws -> ObjectInfo {
        guard let stored = try await head(key) else {
            throw BackupVerificationError("the copy of \(key) is missing after it was written")
        }
        guard stored.size == Int64(body.count) else {
            throw BackupVerificationError("the copy of \(key) has \(stored.size) bytes, not \(body.count)")
        }
        let expected: String
        if let s3 = store as? S3ObjectStore, body.count > s3.configuration.multipartThreshold {
            expected = S3Client.multipartETag(of: body, partSize: s3.configuration.partSize)
        } else {
            expected = Insecure.MD5.hash(data: body).hexString
        }
        guard stored.etag == expected else {
            throw BackupVerificationError("the copy of \(key) has ETag \(stored.etag), not \(expected)")
        }
        return stored
    }
}

/// A copy that does not match what was meant to be stored, or a source read that does not match its listing.
public struct BackupVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
