import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import ObjectStorage
import TrailArchive

/// `trailkeeper backup`: copies CloudTrail files older than a threshold to a backup location.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy objects older than a threshold from one bucket or folder to another, keeping the key layout.",
        discussion: """
            Locations are s3://bucket[/prefix] (the usual AWS credentials, region and AWS_ENDPOINT_URL[_S3]) \
            or a local folder. Incremental: objects already at the destination with the same content are \
            skipped; a destination object with different content is reported as a conflict and left alone. \
            Exit status 1 when any object failed.
            """
    )

    @Option(help: "Where to copy from: s3://bucket[/prefix] or a folder.")
    var source: String
    @Option(help: "Where to copy to: s3://bucket[/prefix] or a folder.")
    var destination: String
    @Option(name: .customLong("threshold-days"), help: "Copy objects at least this many days old.")
    var thresholdDays: Int
    @Option(name: .customLong("age-from"), help: "last-modified (default) or key-date (the date in a CloudTrail key).")
    var ageFrom: String = BackupJob.AgeSource.lastModified.rawValue
    @Option(help: "Copy only keys (relative to the source) matching this glob; repeatable.")
    var include: [String] = []
    @Option(help: "Skip keys matching this glob; repeatable.")
    var exclude: [String] = []
    @Flag(name: .customLong("dry-run"), help: "Report what would be copied; write nothing.")
    var dryRun = false
    @Option(help: "Objects copied at the same time.")
    var concurrency = 8
    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard thresholdDays >= 0 else { throw ValidationError("--threshold-days must be ≥ 0") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be ≥ 1") }
        guard BackupJob.AgeSource(rawValue: ageFrom) != nil else {
            throw ValidationError("--age-from must be last-modified or key-date")
        }
    }

    func run() async throws {
        let logger = Logger(label: "trailkeeper.backup")
        let from = try BackupLocation(parsing: source)
        let to = try BackupLocation(parsing: destination)
        let options = BackupJob.Options(
            thresholdDays: thresholdDays, ageFrom: BackupJob.AgeSource(rawValue: ageFrom)!, include: include,
            exclude: exclude, dryRun: dryRun, concurrency: concurrency)
        let report = try await HTTPClient.withHTTPClient { http in
            func storage(_ location: BackupLocation) throws -> any BackupStorage {
                switch location {
                case .folder(let path):
                    return FolderBackupStorage(root: path)
                case .s3(let bucket, let prefix):
                    let client = try S3Client(
                        httpClient: http, configuration: AWSConfiguration(environment: ProcessInfo.processInfo.environment),
                        logger: logger)
                    return ObjectStoreBackupStorage(store: S3ObjectStore(client: client), bucket: bucket, prefix: prefix, client: client)
                }
            }
            let job = BackupJob(source: try storage(from), destination: try storage(to), options: options, logger: logger)
            let terminal = isatty(STDERR_FILENO) == 1
            return try await job.run { report in
                guard terminal else { return }
                let done = report.copied + report.skipped + report.conflicts.count + report.failed.count + report.vanished.count
                FileHandle.standardError.write(Data("\r\(done)/\(report.selected) objects, \(report.bytesCopied) bytes".utf8))
            }
        }
        if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.summary)
            for key in report.conflicts.sorted() { print("conflict: \(key)") }
            for (key, reason) in report.failed.sorted(by: { $0.key < $1.key }) { print("failed: \(key): \(reason)") }
            for key in report.vanished.sorted() { print("vanished: \(key)") }
        }
        if report.hasFailures { throw ExitCode(1) }
    }
}
