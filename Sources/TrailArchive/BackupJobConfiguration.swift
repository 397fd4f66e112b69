import AWSWire
import AsyncHTTPClient
import Foundation
import Logging

/// One scheduled backup job: an entry of the `backups:` list of the server's YAML configuration.
///
/// ```yaml
/// backups:
///   - name: nightly                      # letters, digits, . _ - (the state file's name)
///     source: s3://trail-bucket/AWSLogs  # or a folder
///     destination: s3://backup-bucket/cloudtrail
///     threshold-days: 85
///     age-from: key-date                 # or last-modified (default)
///     include: ["**/*.json.gz"]          # optional, also a single string
///     exclude: []
///     schedule: cron(0 2 * * ? *)        # or rate(1 day): EventBridge syntax, UTC
///     notify: [https://hooks.slack.com/services/…, arn:aws:sns:us-east-1:123456789012:backups]
///     concurrency: 16                    # optional
///     recompress: true                   # optional: true (libdeflate level 12) or a level 1–12
///     encrypt-key: /etc/trailkeeper/backup.key   # optional
///     dry-run: false                     # optional
/// ```
public struct BackupJobConfiguration: Sendable, Hashable {
    public var name: String
    public var source: BackupLocation
    public var destination: BackupLocation
    public var thresholdDays: Int
    public var ageFrom: BackupJob.AgeSource = .lastModified
    public var include: [String] = []
    public var exclude: [String] = []
    public var schedule: Schedule
    /// Alert target URLs told about every run.
    public var notify: [String] = []
    public var concurrency: Int = 16
    public var recompressionLevel: Int?
    /// The key file copies are encrypted with (read at every run).
    public var encryptionKeyFile: String?
    public var dryRun = false

    /// The keys of one entry.
    public static let keys: Set<String> = [
        "name", "source", "destination", "threshold-days", "age-from", "include", "exclude", "schedule", "notify",
        "concurrency", "recompress", "encrypt-key", "dry-run",
    ]

    public init(
        name: String, source: BackupLocation, destination: BackupLocation, thresholdDays: Int, schedule: Schedule
    ) {
        self.name = name
        self.source = source
        self.destination = destination
        self.thresholdDays = thresholdDays
        self.schedule = schedule
    }

    /// Reads one entry of the `backups:` list.
    /// - Throws: ``BackupConfigurationError`` naming the key at fault.
    public init(entry: Any, index: Int) throws {
        guard let section = entry as? [String: Any] else {
            throw BackupConfigurationError("backups[\(index)] must be a mapping (name, source, destination, …)")
        }
        let label = (section["name"].map { "backups.\($0)" }) ?? "backups[\(index)]"
        func fail(_ text: String) -> BackupConfigurationError { BackupConfigurationError("\(label): \(text)") }
        for key in section.keys where !Self.keys.contains(key) {
            throw fail("unknown key '\(key)' (known: \(Self.keys.sorted().joined(separator: ", ")))")
        }
        func text(_ key: String) throws -> String {
            guard let value = section[key] else { throw fail("'\(key)' is required") }
            return "\(value)"
        }
        func strings(_ key: String) throws -> [String] {
            guard let value = section[key] else { return [] }
            if let one = value as? String { return [one] }
            guard let list = value as? [Any] else { throw fail("'\(key)' must be a list of strings") }
            return list.map { "\($0)" }
        }
        func bool(_ value: Any) -> Bool? {
            value as? Bool ?? ["true": true, "false": false, "yes": true, "no": false][("\(value)").lowercased()]
        }
        let name = try text("name")
        guard (1...64).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }),
            !name.hasPrefix(".")
        else { throw fail("'name' must be 1–64 letters, digits, '.', '_' or '-'") }
        let source: BackupLocation
        let destination: BackupLocation
        let schedule: Schedule
        do {
            source = try BackupLocation(parsing: try text("source"))
            destination = try BackupLocation(parsing: try text("destination"))
            schedule = try Schedule(try text("schedule"))
        } catch let error as BackupConfigurationError {
            throw error
        } catch {
            throw fail("\(error)")
        }
        guard let threshold = Int(try text("threshold-days")), threshold >= 0 else {
            throw fail("'threshold-days' must be an integer ≥ 0")
        }
        self.init(name: name, source: source, destination: destination, thresholdDays: threshold, schedule: schedule)
        if let v = section["age-from"] {
            guard let age = BackupJob.AgeSource(rawValue: "\(v)") else { throw fail("'age-from' must be last-modified or key-date") }
            ageFrom = age
        }
        include = try strings("include")
        exclude = try strings("exclude")
        for pattern in include + exclude {
            do { _ = try GlobPattern(pattern) } catch { throw fail("\(error)") }
        }
        notify = try strings("notify")
        if let v = section["concurrency"] {
            guard let n = v as? Int ?? Int("\(v)"), (1...256).contains(n) else { throw fail("'concurrency' must be 1–256") }
            concurrency = n
        }
        if let v = section["recompress"] {
            if let on = bool(v) {
                recompressionLevel = on ? 12 : nil
            } else if let level = v as? Int ?? Int("\(v)"), (1...12).contains(level) {
                recompressionLevel = level
            } else {
                throw fail("'recompress' must be true, false or a libdeflate level 1–12")
            }
        }
        if let v = section["encrypt-key"] {
            let path = "\(v)"
            do { _ = try BackupEncryptionKey(contentsOfFile: path) } catch { throw fail("encrypt-key: \(error)") }
            encryptionKeyFile = path
        }
        if let v = section["dry-run"] {
            guard let b = bool(v) else { throw fail("'dry-run' must be true or false") }
            dryRun = b
        }
        guard source != destination else { throw fail("source and destination are the same location") }
    }

    /// Reads the `backups:` list; names must be unique.
    public static func list(_ value: Any) throws -> [BackupJobConfiguration] {
        guard let entries = value as? [Any] else { throw BackupConfigurationError("'backups' must be a list of jobs") }
        let jobs = try entries.enumerated().map { try BackupJobConfiguration(entry: $0.element, index: $0.offset) }
        var seen: Set<String> = []
        for job in jobs where !seen.insert(job.name).inserted {
            throw BackupConfigurationError("backups: the name '\(job.name)' is used twice")
        }
        return jobs
    }

    /// The job's options (the encryption key is read now).
    public func options() throws -> BackupJob.Options {
        BackupJob.Options(
            thresholdDays: thresholdDays, ageFrom: ageFrom, include: include, exclude: exclude, dryRun: dryRun,
            concurrency: concurrency,
            transform: BackupTransform(
                recompressionLevel: recompressionLevel,
                encryption: try encryptionKeyFile.map { try BackupEncryptionKey(contentsOfFile: $0) }))
    }

    /// Runs the job once, with its own HTTP client.
    public func run(aws: AWSConfiguration, logger: Logger, now: Date) async throws -> BackupReport {
        let options = try options()
        return try await HTTPClient.withHTTPClient(configuration: BackupStorages.httpClientConfiguration(concurrency: concurrency)) {
            http in
            let job = BackupJob(
                source: try BackupStorages.make(source, httpClient: http, aws: aws, logger: logger),
                destination: try BackupStorages.make(destination, httpClient: http, aws: aws, logger: logger), options: options,
                logger: logger)
            return try await job.run(now: now)
        }
    }
}

/// A mistake in the `backups:` section, shown to the operator as is.
public struct BackupConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
