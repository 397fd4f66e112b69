import Foundation
import Logging
import TrailArchive
import TrailPipeline
import Yams

/// Everything `trailkeeper serve` can be told.
///
/// Keys (YAML file key | environment variable | default):
/// - `host` | `TRAILKEEPER_HOST` | `127.0.0.1`
/// - `port` | `TRAILKEEPER_PORT` | `4600`
/// - `data-dir` | `TRAILKEEPER_DATA_DIR` | `./trailkeeper-data`
/// - `account-id` | `TRAILKEEPER_ACCOUNT_ID` | generated once, kept in the data dir
/// - `region` | `TRAILKEEPER_REGION` | `us-east-1`
/// - `retention-days` | `TRAILKEEPER_RETENTION_DAYS` | `90` (event history)
/// - `log-level` | `TRAILKEEPER_LOG_LEVEL` | `info`
/// - `max-record-bytes` | `TRAILKEEPER_MAX_RECORD_BYTES` | `262144`
/// - `durable-commits` | `TRAILKEEPER_DURABLE_COMMITS` | `true` (`synchronous=FULL`; `false` survives process crashes, not power loss)
/// - `delivery-interval` | `TRAILKEEPER_DELIVERY_INTERVAL` | `5m` (trail log files; `2s`, `1m`, `1h` or seconds)
/// - `digest-interval` | `TRAILKEEPER_DIGEST_INTERVAL` | `1h` (digest files)
/// - `signing-key-rotation` | `TRAILKEEPER_SIGNING_KEY_ROTATION` | `30d` (digest signing keys)
/// - `max-log-file-bytes` | `TRAILKEEPER_MAX_LOG_FILE_BYTES` | `8388608` (uncompressed size bound of a log file)
/// - `organization-id` | `TRAILKEEPER_ORGANIZATION_ID` | none (`o-…`, enables organization trails)
/// - `s3-endpoint` | `TRAILKEEPER_S3_ENDPOINT` | none (trail buckets on this S3 API: a URL, or `aws`)
/// - `sns-endpoint` | `TRAILKEEPER_SNS_ENDPOINT` | none (trail notifications published to SNS: a URL, or `aws`)
/// - `lifecycle` (YAML only) | — | none (lifecycle rules and their schedule: ``LifecycleSettings``)
/// - `backups` (YAML only) | — | none (scheduled backup jobs, a list: ``BackupJobConfiguration``)
/// - `lake` (YAML section; `TRAILKEEPER_LAKE_*` variables) | — | defaults of ``LakeSettings``; its `query` mapping
///   (`TRAILKEEPER_LAKE_QUERY_*`): ``QuerySettings``
/// - `insights` (YAML section; `TRAILKEEPER_INSIGHTS_*`) | — | enabled with the defaults of ``InsightsSettings``
/// - `governance-bypass-keys` | `TRAILKEEPER_GOVERNANCE_BYPASS_KEYS` | every key (access key IDs, comma-separated
///   or a YAML list, whose `x-amz-bypass-governance-retention` is honoured; `none` for no one)
///
/// Precedence: command line, then environment, then the YAML file, then defaults.
public struct ServerConfiguration: Sendable, Hashable {
    public var host: String = "127.0.0.1"
    public var port: Int = 4600
    public var dataDirectory: String = "./trailkeeper-data"
    public var accountID: String?
    public var region: String = "us-east-1"
    public var retentionDays: Int = 90
    public var logLevel: Logger.Level = .info
    public var maximumRecordBytes: Int = 256 * 1024
    public var durableCommits: Bool = true
    /// Seconds between trail deliveries.
    public var deliveryInterval: Int64 = 300
    /// Seconds between digests.
    public var digestInterval: Int64 = 3600
    /// Seconds a digest signing key is used before a new one replaces it.
    public var signingKeyRotation: Int64 = 30 * 86400
    public var maximumLogFileBytes: Int = 8 << 20
    public var organizationID: String?
    /// The S3 API of trail buckets (a URL or `aws`); the data directory when nil.
    public var s3Endpoint: String?
    /// The SNS endpoint trail notifications are published to (a URL or `aws`).
    public var snsEndpoint: String?
    /// The event-processing pipeline (rules, findings, alerts), when configured.
    public var pipeline: PipelineSettings?
    /// Lifecycle rules and their schedule (the `lifecycle:` section), when configured.
    public var lifecycle: LifecycleSettings?
    /// Scheduled backup jobs (the `backups:` list).
    public var backups: [BackupJobConfiguration] = []
    /// The access keys allowed to bypass governance-mode Object Lock retention; every key when nil.
    public var governanceBypassKeys: Set<String>?
    /// CloudTrail Lake queries (`lake.query`).
    public var lakeQuery = QuerySettings()
    /// CloudTrail Lake settings (the `lake:` section).
    public var lake = LakeSettings()
    /// The Insights analyzer (the `insights:` section).
    public var insights = InsightsSettings()

    public init() {}

    /// The keys this configuration reads.
    public static let keys = [
        "host", "port", "data-dir", "account-id", "region", "retention-days", "log-level", "max-record-bytes",
        "durable-commits", "delivery-interval", "digest-interval", "signing-key-rotation", "max-log-file-bytes",
        "organization-id", "pipeline", "s3-endpoint", "sns-endpoint", "lifecycle", "backups", "governance-bypass-keys",
        "lake",
        "insights",
    ]

    /// The keys that hold a mapping rather than a value.
    static let sections: Set<String> = ["pipeline", "lifecycle", "backups", "lake", "insights"]

    /// Resolves the configuration from its sources.
    ///
    /// - Parameters:
    ///   - commandLine: values given as options, by key.
    ///   - environment: the process environment.
    ///   - file: a YAML configuration file, if any.
    /// - Throws: ``ConfigurationError`` for unreadable files, unknown keys and bad values.
    public static func resolve(
        commandLine: [String: String], environment: [String: String], file: String?
    ) throws -> ServerConfiguration {
        var values: [String: String] = [:]
        var pipelineSection: [String: Any]?
        var lifecycleSection: [String: Any]?
        var backupsSection: Any?
        var lakeSection: [String: Any] = [:]
        var insightsSection: [String: Any]?
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError("cannot read the configuration file \(file)")
            }
            let loaded: Any?
            do {
                loaded = try Yams.load(yaml: text)
            } catch {
                throw ConfigurationError("the configuration file \(file) is not valid YAML")
            }
            if let loaded {
                guard let map = loaded as? [String: Any] else {
                    throw ConfigurationError("the configuration file must be a YAML mapping")
                }
                for (key, value) in map {
                    guard keys.contains(key) else {
                        throw ConfigurationError("unknown configuration key '\(key)' in \(file)")
                    }
                    if key == "pipeline" {
                        guard let section = value as? [String: Any] else {
                            throw ConfigurationError("'pipeline' must be a mapping (queue, rules, findings, alerts, …)")
                        }
                        pipelineSection = section
                        continue
                    }
                    if key == "lifecycle" {
                        guard let section = value as? [String: Any] else {
                            throw ConfigurationError("'lifecycle' must be a mapping (schedule, rules, …)")
                        }
                        lifecycleSection = section
                        continue
                    }
                    if key == "backups" {
                        backupsSection = value
                        continue
                    }
                    if key == "lake" {
                        guard let section = value as? [String: Any] else {
                            throw ConfigurationError("'lake' must be a mapping (max-event-data-stores, pending-deletion-period, query, …)")
                        }
                        lakeSection = section
                        continue
                    }
                    if key == "insights" {
                        guard let section = value as? [String: Any] else {
                            throw ConfigurationError("'insights' must be a mapping (enabled, call-rate, warmup, …)")
                        }
                        insightsSection = section
                        continue
                    }
                    if let list = value as? [Any] {
                        values[key] = list.map { "\($0)" }.joined(separator: ",")
                        continue
                    }
                    values[key] = "\(value)"
                }
            }
        }
        for key in keys where !sections.contains(key) {
            let variable = "TRAILKEEPER_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
            if let v = environment[variable], !v.isEmpty { values[key] = v }
        }
        for (key, value) in commandLine { values[key] = value }

        var c = ServerConfiguration()
        if let v = values["host"] { c.host = v }
        if let v = values["port"] {
            guard let p = Int(v), (0...65535).contains(p) else { throw ConfigurationError("port must be 0-65535") }
            c.port = p
        }
        if let v = values["data-dir"] { c.dataDirectory = v }
        if let v = values["account-id"] {
            guard v.count == 12, v.allSatisfy(\.isNumber) else {
                throw ConfigurationError("account-id must be 12 digits")
            }
            c.accountID = v
        }
        if let v = values["region"] {
            guard !v.isEmpty, v.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                throw ConfigurationError("region '\(v)' is not a region name")
            }
            c.region = v
        }
        if let v = values["retention-days"] {
            guard let d = Int(v), d >= 1 else { throw ConfigurationError("retention-days must be a positive integer") }
            c.retentionDays = d
        }
        if let v = values["log-level"] {
            guard let level = Logger.Level(rawValue: v.lowercased()) else {
                throw ConfigurationError("log-level must be trace, debug, info, notice, warning, error or critical")
            }
            c.logLevel = level
        }
        if let v = values["max-record-bytes"] {
            guard let n = Int(v), n >= 1024 else { throw ConfigurationError("max-record-bytes must be at least 1024") }
            c.maximumRecordBytes = n
        }
        if let v = values["durable-commits"] {
            switch v.lowercased() {
            case "true", "yes", "1": c.durableCommits = true
            case "false", "no", "0": c.durableCommits = false
            default: throw ConfigurationError("durable-commits must be true or false")
            }
        }
        if let v = values["delivery-interval"] { c.deliveryInterval = try seconds(v, key: "delivery-interval") }
        if let v = values["digest-interval"] { c.digestInterval = try seconds(v, key: "digest-interval") }
        if let v = values["signing-key-rotation"] {
            c.signingKeyRotation = try seconds(v, key: "signing-key-rotation")
            guard c.signingKeyRotation >= 60 else { throw ConfigurationError("signing-key-rotation must be at least 1m") }
        }
        if let v = values["max-log-file-bytes"] {
            guard let n = Int(v), n >= 4096 else { throw ConfigurationError("max-log-file-bytes must be at least 4096") }
            c.maximumLogFileBytes = n
        }
        if let v = values["organization-id"] {
            guard v.hasPrefix("o-"), (12...34).contains(v.count), v.dropFirst(2).allSatisfy({ $0.isLowercase || $0.isNumber }) else {
                throw ConfigurationError("organization-id must look like o-exampleorgid")
            }
            c.organizationID = v
        }
        if let v = values["s3-endpoint"] { c.s3Endpoint = try endpoint(v, key: "s3-endpoint") }
        if let v = values["sns-endpoint"] { c.snsEndpoint = try endpoint(v, key: "sns-endpoint") }
        if let v = values["governance-bypass-keys"] {
            let keys = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            c.governanceBypassKeys = keys == ["none"] ? [] : Set(keys)
        }
        if let pipelineSection {
            do {
                c.pipeline = try PipelineSettings(section: pipelineSection)
            } catch {
                throw ConfigurationError("\(error)")
            }
        }
        if let lifecycleSection {
            do {
                c.lifecycle = try LifecycleSettings(section: lifecycleSection)
            } catch {
                throw ConfigurationError("lifecycle: \(error)")
            }
        }
        c.lake = try LakeSettings(section: lakeSection, environment: environment)
        c.lakeQuery = try QuerySettings(section: lakeSection["query"], environment: environment)
        if let backupsSection {
            do {
                c.backups = try BackupJobConfiguration.list(backupsSection)
            } catch {
                throw ConfigurationError("\(error)")
            }
        }
        c.insights = try InsightsSettings(section: insightsSection, environment: environment)
        return c
    }

    /// `aws`, or an http(s) URL.
    static func endpoint(_ text: String, key: String) throws -> String {
        guard text == "aws" || text.hasPrefix("http://") || text.hasPrefix("https://") else {
            throw ConfigurationError("\(key) must be an http(s) URL or aws")
        }
        return text
    }

    /// Parses `90`, `2s`, `5m`, `1h`, `30d` into seconds (at least 1).
    public static func seconds(_ text: String, key: String) throws -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var digits = text.trimmingCharacters(in: .whitespaces)
        var unit: Int64 = 1
        if let last = digits.last, let u = units[last] {
            unit = u
            digits.removeLast()
        }
        guard let n = Int64(digits), n >= 1, n <= 10_000_000 else {
            throw ConfigurationError("\(key) must be a duration such as 2s, 5m, 1h or 30d")
        }
        return n * unit
    }
}

/// A configuration mistake, shown to the operator as is.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
