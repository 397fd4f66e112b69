import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import TrailAlerts
import TrailArchive

/// `trailkeeper backup`: copies CloudTrail files older than a threshold to a backup location;
/// `backup restore` and `backup decrypt` give the originals back.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up objects older than a threshold (default), restore a backup, or decrypt one file.",
        subcommands: [BackupRun.self, BackupRestoreCommand.self, BackupDecryptCommand.self],
        defaultSubcommand: BackupRun.self
    )
}

/// `trailkeeper backup [run]`.
struct BackupRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Copy objects older than a threshold from one bucket or folder to another, keeping the key layout.",
        discussion: """
            Locations are s3://bucket[/prefix] (the usual AWS credentials, region and AWS_ENDPOINT_URL[_S3]) \
            or a local folder. Incremental: objects already at the destination with the same content are \
            skipped; a destination object with different content is reported as a conflict and left alone. \
            Exit status 1 when any object failed or a notification could not be delivered.
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
    var concurrency = 16
    @Flag(help: "Recompress gzip objects (libdeflate, --recompress-level) when that makes them smaller.")
    var recompress = false
    @Option(name: .customLong("recompress-level"), help: "libdeflate level for --recompress, 1–12 (default 12).")
    var recompressLevel = 12
    @Option(name: .customLong("encrypt-key"), help: "Encrypt the copies (AES-256-GCM) with the 32-byte key in this file.")
    var encryptKey: String?
    @Option(name: .customLong("notify"), parsing: .upToNextOption, help: "Alert target URLs told how the run ended.")
    var notify: [String] = []
    @Option(name: .customLong("job-name"), help: "The name notifications give the run.")
    var jobName = "manual"
    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard thresholdDays >= 0 else { throw ValidationError("--threshold-days must be ≥ 0") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be ≥ 1") }
        guard (1...12).contains(recompressLevel) else { throw ValidationError("--recompress-level must be 1–12") }
        guard BackupJob.AgeSource(rawValue: ageFrom) != nil else {
            throw ValidationError("--age-from must be last-modified or key-date")
        }
    }

    func run() async throws {
        let logger = Logger(label: "trailkeeper.backup")
        let from = try BackupLocation(parsing: source)
        let to = try BackupLocation(parsing: destination)
        let key: BackupEncryptionKey?
        do {
            key = try encryptKey.map { try BackupEncryptionKey(contentsOfFile: $0) }
        } catch {
            throw ValidationError("\(error)")
        }
        let options = BackupJob.Options(
            thresholdDays: thresholdDays, ageFrom: BackupJob.AgeSource(rawValue: ageFrom)!, include: include,
            exclude: exclude, dryRun: dryRun, concurrency: concurrency,
            transform: BackupTransform(recompressionLevel: recompress ? recompressLevel : nil, encryption: key))
        let aws = AWSConfiguration(environment: ProcessInfo.processInfo.environment)
        let started = Date()
        let progress = TerminalProgress()
        let (record, notificationFailures) = try await HTTPClient.withHTTPClient(
            configuration: BackupStorages.httpClientConfiguration(concurrency: concurrency)
        ) { http in
            let notifier: BackupNotifier
            do {
                notifier = try BackupNotifier(
                    urls: notify, configuration: AlertTargetConfiguration(httpClient: http, aws: aws, logger: logger))
            } catch {
                throw ValidationError("--notify: \(error)")
            }
            var report: BackupReport?
            var failure: (any Error)?
            do {
                let job = BackupJob(
                    source: try BackupStorages.make(from, httpClient: http, aws: aws, logger: logger),
                    destination: try BackupStorages.make(to, httpClient: http, aws: aws, logger: logger), options: options,
                    logger: logger)
                report = try await job.run(progress: progress.reporter())
            } catch {
                failure = error
            }
            progress.finish()
            let record = BackupRunRecord(
                job: jobName, source: from.description, destination: to.description, started: started, finished: Date(),
                report: report, error: failure.map { String(describing: $0) })
            let failures = await notifier.notify(record)
            if let failure, notify.isEmpty { throw failure }
            return (record, failures)
        }
        for failure in notificationFailures {
            FileHandle.standardError.write(Data("notification to \(failure.target) failed: \(failure.error)\n".utf8))
        }
        guard let report = record.report else {
            FileHandle.standardError.write(Data("Error: \(record.error ?? "backup failed")\n".utf8))
            throw ExitCode(1)
        }
        try BackupCommandOutput.print(report, json: json)
        if report.hasFailures || !notificationFailures.isEmpty { throw ExitCode(1) }
    }
}

/// The report of a backup or restore: JSON, or a summary line and a line per remarkable key.
enum BackupCommandOutput {
    static func print(_ report: BackupReport, json: Bool) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Swift.print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        Swift.print(report.summary)
        for key in report.conflicts.sorted() { Swift.print("conflict: \(key)") }
        for (key, reason) in report.failed.sorted(by: { $0.key < $1.key }) { Swift.print("failed: \(key): \(reason)") }
        for key in report.vanished.sorted() { Swift.print("vanished: \(key)") }
        for (key, warning) in report.warnings.sorted(by: { $0.key < $1.key }) { Swift.print("warning: \(key): \(warning)") }
    }
}
