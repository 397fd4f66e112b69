import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import ObjectStorage
import TrailArchive
import TrailServer

/// `trailkeeper lifecycle plan|run`: S3 Lifecycle rules over the embedded store or an S3 bucket.
struct LifecycleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifecycle",
        abstract: "Apply S3 Lifecycle rules (transitions between storage classes, expiration) to buckets.",
        subcommands: [Plan.self, Run.self])

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print what the lifecycle rules would do now (or at --now): object, age, action, classes; change nothing.")
        @OptionGroup var options: LifecycleOptions

        func run() async throws {
            _ = try await options.execute(dryRun: true)
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Carry out the lifecycle rules: transition and expire objects. Exit status 1 when any object failed.")
        @OptionGroup var options: LifecycleOptions

        func run() async throws {
            let report = try await options.execute(dryRun: false)
            if report.hasFailures { throw ExitCode(1) }
        }
    }
}

/// Where the rules come from, which store they apply to, and as of when.
struct LifecycleOptions: ParsableArguments {
    @Option(help: "A `serve` YAML configuration: its lifecycle: section (with the rules set through the S3 API) and data-dir/s3-endpoint.")
    var config: String?
    @Option(help: "A lifecycle configuration file (S3's XML, or the AWS CLI's JSON) for --bucket.")
    var rules: String?
    @Option(help: "A retention preset for --bucket: production or development.")
    var preset: String?
    @Option(help: "The bucket --rules or --preset apply to (default: the bucket of --source).")
    var bucket: String?
    @Option(help: "The key prefix --preset applies to.")
    var prefix = ""
    @Option(
        name: .customLong("transition-default-minimum-object-size"),
        help: "For --rules/--preset: all_storage_classes_128K (default, as S3) or varies_by_storage_class.")
    var transitionMinimum = LifecycleConfiguration.TransitionMinimumObjectSize.allStorageClasses128K.rawValue
    @Option(name: .customLong("data-dir"), help: "The data directory of the embedded store.")
    var dataDirectory: String?
    @Option(help: "An S3 bucket instead: s3://bucket (the usual AWS credentials, region and AWS_ENDPOINT_URL[_S3]).")
    var source: String?
    @Option(help: "The time to decide at (ISO 8601, a date, or epoch seconds); default: now.")
    var now: String?
    @Option(name: .customLong("age-from"), help: "last-modified (default) or key-date (the date in a CloudTrail key).")
    var ageFrom: String?
    @Option(help: "Objects acted on at the same time (default 8).")
    var concurrency: Int?
    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        let sources = [config != nil, rules != nil, preset != nil].filter { $0 }.count
        guard sources <= 1 else { throw ValidationError("give one of --config, --rules or --preset") }
        guard dataDirectory == nil || source == nil else { throw ValidationError("give --data-dir or --source, not both") }
        if rules != nil || preset != nil {
            guard bucket != nil || source != nil else { throw ValidationError("--rules and --preset need --bucket (or --source)") }
        }
        if let preset, LifecyclePreset(rawValue: preset) == nil { throw ValidationError("--preset must be production or development") }
        if sources == 0, dataDirectory == nil { throw ValidationError("give --config, --rules, --preset or --data-dir") }
        if let ageFrom, BackupJob.AgeSource(rawValue: ageFrom) == nil {
            throw ValidationError("--age-from must be last-modified or key-date")
        }
        guard LifecycleConfiguration.TransitionMinimumObjectSize(rawValue: transitionMinimum) != nil else {
            throw ValidationError("--transition-default-minimum-object-size must be all_storage_classes_128K or varies_by_storage_class")
        }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be ≥ 1") }
    }

    /// Plans or runs; prints the report.
    func execute(dryRun: Bool) async throws -> LifecycleReport {
        let logger = Logger(label: "trailkeeper.lifecycle")
        let moment = try now.map { Date(timeIntervalSince1970: try Lookup.time($0)) } ?? Date()
        let report = try await HTTPClient.withHTTPClient { http in
            let (store, targets, settings) = try await resolve(http: http, logger: logger)
            var options = LifecycleJob.Options(dryRun: dryRun)
            options.ageFrom = ageFrom.flatMap(BackupJob.AgeSource.init(rawValue:)) ?? settings?.ageFrom ?? .lastModified
            options.concurrency = concurrency ?? settings?.concurrency ?? 8
            let job = LifecycleJob(store: store, targets: targets, options: options, logger: logger)
            let terminal = isatty(STDERR_FILENO) == 1 && !dryRun
            return try await job.run(now: moment) { report in
                guard terminal else { return }
                let done = report.transitioned + report.expired + report.skipped + report.failed.count
                FileHandle.standardError.write(Data("\r\(done) objects, \(report.bytes) bytes".utf8))
            }
        }
        if isatty(STDERR_FILENO) == 1 && !dryRun { FileHandle.standardError.write(Data("\n".utf8)) }
        print(json ? try Self.json(report) : Self.text(report))
        return report
    }

    /// The store, the buckets with their rules, and the `lifecycle:` settings of --config.
    func resolve(http: HTTPClient, logger: Logger) async throws -> (any ObjectStore, [LifecycleJob.Target], LifecycleSettings?) {
        var configuration: ServerConfiguration?
        if let config {
            do {
                configuration = try ServerConfiguration.resolve(commandLine: [:], environment: [:], file: config)
            } catch let error as ConfigurationError {
                throw ValidationError(error.description)
            }
        }
        let store: any ObjectStore
        var sourceBucket: String?
        if let source {
            guard case .s3(let bucket, let prefix) = try BackupLocation(parsing: source), prefix.isEmpty else {
                throw ValidationError("--source must be s3://bucket (rules carry their own prefixes; --prefix for a preset)")
            }
            sourceBucket = bucket
            let client = try S3Client(
                httpClient: http, configuration: AWSConfiguration(environment: ProcessInfo.processInfo.environment), logger: logger)
            store = S3ObjectStore(client: client)
        } else if let dataDirectory {
            store = try FileObjectStore(root: dataDirectory)
        } else if let configuration {
            store = try configuration.trailObjectStore(logger: logger)
        } else {
            throw ValidationError("give --data-dir or --source")
        }
        let minimum = LifecycleConfiguration.TransitionMinimumObjectSize(rawValue: transitionMinimum)!
        if let preset = preset.flatMap(LifecyclePreset.init(rawValue:)), let bucket = bucket ?? sourceBucket {
            let rules = LifecycleConfiguration(rules: [preset.rule(prefix: prefix)], transitionMinimumObjectSize: minimum)
            return (store, [LifecycleJob.Target(bucket: bucket, configurations: [rules])], nil)
        }
        if let rules, let bucket = bucket ?? sourceBucket {
            var parsed = try LifecycleConfiguration(contentsOf: rules)
            parsed.transitionMinimumObjectSize = minimum
            do {
                try parsed.validate()
            } catch {
                throw ValidationError("\(rules): \(error)")
            }
            return (store, [LifecycleJob.Target(bucket: bucket, configurations: [parsed])], nil)
        }
        // The server's rules: the lifecycle: section and those set through the S3 API.
        let settings = configuration?.lifecycle
        let dataDirectory = self.dataDirectory ?? configuration?.dataDirectory
        let stored = dataDirectory.map { BucketLifecycleStore(directory: DataDirectory(path: $0).lifecyclePath) }
        var targets = try await LifecycleJob.Target.collect(
            configured: settings?.configurations ?? [:], stored: stored, store: store)
        if let sourceBucket { targets = targets.filter { $0.bucket == sourceBucket } }
        return (store, targets, settings)
    }

    static func text(_ report: LifecycleReport) -> String {
        var lines: [String] = []
        for action in report.actions {
            var line = "\(action.bucket)/\(action.key)  age \(action.ageDays)d  "
            switch action.action {
            case .transition: line += "transition \(action.fromStorageClass) -> \(action.toStorageClass ?? "")"
            case .expire: line += "expire (\(action.fromStorageClass))"
            case .expireNoncurrent: line += "expire noncurrent version \(action.versionId ?? "")"
            case .removeDeleteMarker: line += "remove expired delete marker \(action.versionId ?? "")"
            case .abortUpload: line += "abort upload \(action.uploadID ?? "")"
            }
            line += "  rule \(action.rule)"
            if action.outcome != .planned && action.outcome != .done {
                line += "  \(action.outcome.rawValue)" + (action.reason.map { ": \($0)" } ?? "")
            }
            lines.append(line)
        }
        for (name, reason) in report.failed.sorted(by: { $0.key < $1.key }) where !report.actions.contains(where: { "\($0.bucket)/\($0.key)" == name }) {
            lines.append("\(name): failed: \(reason)")
        }
        lines.append(report.summary)
        return lines.joined(separator: "\n")
    }

    static func json(_ report: LifecycleReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}
