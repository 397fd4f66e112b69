import Foundation
import Logging
import ObjectStorage
import TrailDetection
import TrailModel
import TrailStore

/// What processing one log file did.
public struct FileReport: Sendable, Hashable, CustomStringConvertible {
    public var object: ObjectReference
    public var records = 0
    public var rejected = 0
    public var findings = 0
    public var newFindings = 0
    /// Uncompressed JSON bytes read.
    public var bytes: Int64 = 0

    public init(object: ObjectReference) { self.object = object }

    public var description: String {
        "\(object): \(records) records, \(rejected) rejected, \(findings) findings (\(newFindings) new)"
    }
}

/// Streams one log file from an object store, evaluates every record against the rules and stores
/// the findings. Memory stays bounded by the chunk size and the findings batch, whatever the
/// file's size.
public struct LogFileProcessor: Sendable {
    public let objects: any ObjectStore
    public let rules: RuleSet
    public let output: FindingsOutput
    public let chunkSize: Int
    public let batchSize: Int
    let logger: Logger
    let now: @Sendable () -> Int64

    public init(
        objects: any ObjectStore, rules: RuleSet, output: FindingsOutput, chunkSize: Int = 8 << 20,
        batchSize: Int = 500, logger: Logger, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.objects = objects
        self.rules = rules
        self.output = output
        self.chunkSize = chunkSize
        self.batchSize = batchSize
        self.logger = logger
        self.now = now
    }

    /// Processes `object`. Findings of records read before an error are kept (they are idempotent);
    /// the error is rethrown so the message is retried and, in the end, dead-lettered.
    public func process(_ object: ObjectReference) async throws -> FileReport {
        var report = FileReport(object: object)
        var pending: [Finding] = []
        let origin = object.description
        let detectedAt = now()
        let stream = LogFileRecordStream(chunks: ObjectChunks(store: objects, reference: object, chunkSize: chunkSize))
        do {
            for try await batch in stream {
                for item in batch.results {
                    switch item {
                    case .success(let record):
                        report.records += 1
                        let found = rules.findings(for: record, origin: origin, detectedAt: detectedAt)
                        if !found.isEmpty {
                            pending.append(contentsOf: found)
                            if pending.count >= batchSize {
                                try await flush(&pending, into: &report)
                            }
                        }
                    case .failure(let rejection):
                        report.rejected += 1
                        if report.rejected <= 5 {
                            logger.warning(
                                "record rejected", metadata: ["trail.object": "\(origin)", "trail.reason": "\(rejection)"])
                        }
                    }
                }
                report.bytes = Int64(batch.statistics.uncompressedBytes)
            }
        } catch {
            try await flush(&pending, into: &report)
            throw FileProcessingError(object: object, recordsRead: report.records, underlying: error)
        }
        try await flush(&pending, into: &report)
        return report
    }

    private func flush(_ pending: inout [Finding], into report: inout FileReport) async throws {
        guard !pending.isEmpty else { return }
        let new = try await output.store(pending)
        report.findings += pending.count
        report.newFindings += new.count
        pending.removeAll(keepingCapacity: true)
    }
}

/// A log file that could not be read to its end.
public struct FileProcessingError: Error, Sendable, CustomStringConvertible {
    public var object: ObjectReference
    public var recordsRead: Int
    public var underlying: any Error
    public var description: String {
        "\(object): \(String(describing: underlying)) (after \(recordsRead) records)"
    }
}
