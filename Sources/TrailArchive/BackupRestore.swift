import Crypto
import Foundation
import Logging
import ObjectStorage

/// Copies a backup back: encrypted copies are decrypted, every copy is checked against the source
/// identity it recorded, and the source's own metadata (a digest's `signature`…) is written back
/// without Trailkeeper's `trailkeeper-*` keys.
///
/// An object already at the destination is left alone: skipped when it is the recorded source (same
/// ETag) or has the restored bytes, a conflict otherwise. A recompressed copy comes back as the
/// recompressed gzip (same decompressed content, other bytes than the original file).
public struct BackupRestore: Sendable {
    public struct Options: Sendable {
        public var include: [String]
        public var exclude: [String]
        public var concurrency: Int
        /// The key encrypted copies were sealed with.
        public var key: BackupEncryptionKey?

        public init(include: [String] = [], exclude: [String] = [], concurrency: Int = 16, key: BackupEncryptionKey? = nil) {
            self.include = include
            self.exclude = exclude
            self.concurrency = concurrency
            self.key = key
        }
    }

    /// Where the copies are.
    public let backup: any BackupStorage
    /// Where the restored objects go.
    public let destination: any BackupStorage
    public let options: Options
    public let logger: Logger

    public init(backup: any BackupStorage, destination: any BackupStorage, options: Options, logger: Logger) {
        self.backup = backup
        self.destination = destination
        self.options = options
        self.logger = logger
    }

    /// Restores every matching object; the report counts restored objects as copied.
    public func run(progress: (@Sendable (BackupReport) -> Void)? = nil) async throws -> BackupReport {
        let clock = ContinuousClock()
        let started = clock.now
        let includes = try options.include.map(GlobPattern.init)
        let excludes = try options.exclude.map(GlobPattern.init)
        let objects = try await backup.list()
        let selected = objects.filter { object in
            (includes.isEmpty || includes.contains { $0.matches(object.key) }) && !excludes.contains { $0.matches(object.key) }
        }.sorted { $0.key < $1.key }
        var report = BackupReport()
        report.seen = objects.count
        report.selected = selected.count
        report.bytesSelected = selected.reduce(0) { $0 + $1.size }
        await BoundedWork.run(selected, width: options.concurrency) { object in
            await restore(object)
        } onResult: { object, outcome in
            report.record(key: object.key, outcome)
            if case .failed(let reason) = outcome {
                logger.error("restore failed", metadata: ["key": "\(object.key)", "error": "\(reason)"])
            }
            progress?(report)
        }
        report.interrupted = report.done < report.selected
        report.durationSeconds = Double((clock.now - started) / .milliseconds(1)) / 1000
        logger.info("restore finished", metadata: ["report": "\(report.summary)"])
        return report
    }

    func restore(_ object: ObjectInfo) async -> BackupJob.Outcome {
        do {
            return try await ArchiveRetry(maxAttempts: 4, baseDelay: .milliseconds(200)).run(key: object.key, logger: logger) { _ in
                try await restoreOnce(object)
            }
        } catch let error where ArchiveRetry.isVanished(error) {
            return .vanished
        } catch {
            return .failed(String(describing: error))
        }
    }

    func restoreOnce(_ object: ObjectInfo) async throws -> BackupJob.Outcome {
        let copy = try await backup.read(object.key)
        let (plaintext, sourceETag) = try Self.decode(copy, key: options.key)
        if let present = try await destination.head(object.key) {
            if let sourceETag, present.etag == sourceETag { return .skipped() }
            guard present.size == Int64(plaintext.count) else { return .conflict }
            return try await destination.read(object.key).body == plaintext ? .skipped() : .conflict
        }
        let metadata = copy.info.metadata.filter { !$0.key.hasPrefix("trailkeeper-") }
        try await destination.write(object.key, body: plaintext, contentType: copy.info.contentType, metadata: metadata)
        _ = try await destination.verifyWrite(object.key, body: plaintext)
        return .copied(bytes: Int64(plaintext.count), warning: nil)
    }

    /// The original bytes of a backup copy (decrypted and checked), and the source ETag it recorded.
    public static func decode(_ copy: StoredObject, key: BackupEncryptionKey?) throws -> (bytes: Data, sourceETag: String?) {
        let metadata = copy.info.metadata
        if BackupEnvelope.isEnvelope(copy.body) {
            guard let key else {
                let id = (try? BackupEnvelope.header(of: copy.body).keyID) ?? "unknown"
                throw BackupEncryptionError.invalidKey("the copy is encrypted (key \(id)): give the key file")
            }
            let (plaintext, header) = try BackupEnvelope.open(copy.body, key: key)
            return (plaintext, header.sourceETag)
        }
        if metadata[BackupMetadata.transform]?.contains("encrypted") == true {
            throw BackupEncryptionError.malformedEnvelope("the metadata says encrypted but the bytes are not an envelope")
        }
        if let stored = metadata[BackupMetadata.sha256], SHA256.hash(data: copy.body).hexString != stored {
            throw BackupVerificationError("the copy's bytes do not match the SHA-256 it was written with")
        }
        try BackupTransform.verify(
            copy.body, sourceSHA256: metadata[BackupMetadata.sourceSHA256],
            contentSHA256: metadata[BackupMetadata.contentSHA256])
        return (copy.body, metadata[BackupMetadata.sourceETag])
    }
}
