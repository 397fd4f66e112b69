import AWSWire
import Foundation
import ObjectStorage

/// The `lifecycle:` section of the server's YAML configuration: rules per bucket, and when `serve`
/// applies them (together with the configurations set through the S3 API).
///
/// ```yaml
/// lifecycle:
///   schedule: cron(0 3 * * ? *)        # EventBridge rate() or cron(); default rate(1 day)
///   age-from: last-modified            # or key-date
///   concurrency: 8
///   transition-default-minimum-object-size: all_storage_classes_128K   # or varies_by_storage_class
///   rules:
///     - bucket: audit-logs
///       prefix: AWSLogs/
///       preset: production             # or development
///     - bucket: audit-logs
///       id: digests
///       prefix: AWSLogs/123456789012/CloudTrail-Digest/
///       transitions: [{days: 30, storage-class: STANDARD_IA}, {days: 90, storage-class: GLACIER}]
///       expiration-days: 2555
/// ```
public struct LifecycleSettings: Sendable, Hashable {
    public var schedule: Schedule
    public var ageFrom: BackupJob.AgeSource
    public var concurrency: Int
    /// The configuration of each bucket the section has rules for, validated as S3 validates them.
    public var configurations: [String: LifecycleConfiguration]

    public init(
        schedule: Schedule, ageFrom: BackupJob.AgeSource = .lastModified, concurrency: Int = 8,
        configurations: [String: LifecycleConfiguration] = [:]
    ) {
        self.schedule = schedule
        self.ageFrom = ageFrom
        self.concurrency = concurrency
        self.configurations = configurations
    }

    /// A configuration mistake in the section.
    public struct SettingsError: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    static let sectionKeys: Set<String> = ["schedule", "age-from", "concurrency", "transition-default-minimum-object-size", "rules"]
    static let ruleKeys: Set<String> = [
        "bucket", "preset", "id", "status", "prefix", "tags", "object-size-greater-than", "object-size-less-than", "transitions",
        "expiration-days", "expiration-date", "expired-object-delete-marker", "noncurrent-days", "newer-noncurrent-versions",
        "abort-incomplete-multipart-upload-days",
    ]

    /// Reads the section (a YAML mapping already loaded).
    public init(section: [String: Any]) throws {
        if let unknown = section.keys.sorted().first(where: { !Self.sectionKeys.contains($0) }) {
            throw SettingsError("unknown key '\(unknown)' (schedule, age-from, concurrency, transition-default-minimum-object-size, rules)")
        }
        do {
            schedule = try Schedule(section["schedule"].map { "\($0)" } ?? "rate(1 day)")
        } catch {
            throw SettingsError("\(error)")
        }
        let ageText = section["age-from"].map { "\($0)" } ?? BackupJob.AgeSource.lastModified.rawValue
        guard let ageFrom = BackupJob.AgeSource(rawValue: ageText) else { throw SettingsError("age-from must be last-modified or key-date") }
        self.ageFrom = ageFrom
        concurrency = try Self.integer(section["concurrency"] ?? 8, "concurrency")
        guard concurrency >= 1 else { throw SettingsError("concurrency must be at least 1") }
        let minimumText = section["transition-default-minimum-object-size"].map { "\($0)" }
            ?? LifecycleConfiguration.TransitionMinimumObjectSize.allStorageClasses128K.rawValue
        guard let minimum = LifecycleConfiguration.TransitionMinimumObjectSize(rawValue: minimumText) else {
            throw SettingsError("transition-default-minimum-object-size must be all_storage_classes_128K or varies_by_storage_class")
        }
        guard let rules = section["rules"] as? [Any] ?? (section["rules"] == nil ? [] : nil) else {
            throw SettingsError("rules must be a list of rules")
        }
        var byBucket: [String: [LifecycleRule]] = [:]
        for (index, entry) in rules.enumerated() {
            guard let map = entry as? [String: Any] else { throw SettingsError("rule \(index + 1) must be a mapping") }
            guard let bucket = map["bucket"].map({ "\($0)" }), BucketName.isValid(bucket) else {
                throw SettingsError("rule \(index + 1) needs a valid bucket")
            }
            let rule = try Self.rule(map, number: byBucket[bucket, default: []].count + 1)
            byBucket[bucket, default: []].append(rule)
        }
        var configurations: [String: LifecycleConfiguration] = [:]
        for (bucket, rules) in byBucket {
            let configuration = LifecycleConfiguration(rules: rules, transitionMinimumObjectSize: minimum)
            do {
                try configuration.validate()
            } catch {
                throw SettingsError("bucket \(bucket): \(error.message)")
            }
            configurations[bucket] = configuration
        }
        self.configurations = configurations
    }

    static func rule(_ map: [String: Any], number: Int) throws -> LifecycleRule {
        if let unknown = map.keys.sorted().first(where: { !ruleKeys.contains($0) }) {
            throw SettingsError("unknown rule key '\(unknown)'")
        }
        let prefix = map["prefix"].map { "\($0)" }
        var rule: LifecycleRule
        if let presetName = map["preset"].map({ "\($0)" }) {
            guard let preset = LifecyclePreset(rawValue: presetName) else {
                throw SettingsError("preset must be production or development, not \(presetName)")
            }
            let actions: Set<String> = [
                "transitions", "expiration-days", "expiration-date", "expired-object-delete-marker", "noncurrent-days",
                "newer-noncurrent-versions", "abort-incomplete-multipart-upload-days",
            ]
            if let extra = map.keys.sorted().first(where: actions.contains) {
                throw SettingsError("a preset rule cannot also set \(extra): add a rule of its own")
            }
            rule = preset.rule(prefix: prefix ?? "", id: map["id"].map { "\($0)" })
        } else {
            rule = LifecycleRule(id: map["id"].map { "\($0)" } ?? "rule-\(number)", filter: LifecycleRule.Filter(prefix: prefix))
            try readActions(map, into: &rule)
        }
        if let status = map["status"] {
            switch "\(status)".lowercased() {
            case "enabled", "true": rule.status = .enabled
            case "disabled", "false": rule.status = .disabled
            default: throw SettingsError("status must be Enabled or Disabled")
            }
        }
        if let tags = map["tags"] {
            guard let tags = tags as? [String: Any] else { throw SettingsError("tags must be a mapping of tag keys to values") }
            rule.filter.tags = tags.sorted { $0.key < $1.key }.map { LifecycleRule.Tag(key: $0.key, value: "\($0.value)") }
        }
        rule.filter.objectSizeGreaterThan = try map["object-size-greater-than"].map { Int64(try integer($0, "object-size-greater-than")) }
        rule.filter.objectSizeLessThan = try map["object-size-less-than"].map { Int64(try integer($0, "object-size-less-than")) }
        return rule
    }

    static func readActions(_ map: [String: Any], into rule: inout LifecycleRule) throws {
        if let transitions = map["transitions"] {
            guard let list = transitions as? [Any] else { throw SettingsError("transitions must be a list") }
            for item in list {
                guard let step = item as? [String: Any], Set(step.keys).isSubset(of: ["days", "date", "storage-class"]),
                    let name = step["storage-class"].map({ "\($0)" })
                else { throw SettingsError("each transition needs storage-class and days or date") }
                guard let storageClass = StorageClass(rawValue: name), storageClass.isTransitionTarget else {
                    throw SettingsError(
                        "storage-class must be one of STANDARD_IA, INTELLIGENT_TIERING, ONEZONE_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE")
                }
                rule.transitions.append(LifecycleRule.Transition(try timing(step["days"], step["date"], "transition"), to: storageClass))
            }
        }
        let marker = try map["expired-object-delete-marker"].map { value -> Bool in
            guard let flag = value as? Bool else { throw SettingsError("expired-object-delete-marker must be true or false") }
            return flag
        }
        if map["expiration-days"] != nil || map["expiration-date"] != nil {
            rule.expiration = LifecycleRule.Expiration(
                try timing(map["expiration-days"], map["expiration-date"], "expiration"), expiredObjectDeleteMarker: marker)
        } else if let marker {
            rule.expiration = LifecycleRule.Expiration(nil, expiredObjectDeleteMarker: marker)
        }
        if let days = map["noncurrent-days"] {
            rule.noncurrentVersionExpiration = LifecycleRule.NoncurrentVersionExpiration(
                noncurrentDays: try integer(days, "noncurrent-days"),
                newerNoncurrentVersions: try map["newer-noncurrent-versions"].map { try integer($0, "newer-noncurrent-versions") })
        } else if map["newer-noncurrent-versions"] != nil {
            throw SettingsError("newer-noncurrent-versions needs noncurrent-days")
        }
        rule.abortIncompleteMultipartUploadDays = try map["abort-incomplete-multipart-upload-days"].map {
            try integer($0, "abort-incomplete-multipart-upload-days")
        }
    }

    /// `days` or `date` (exactly one): a date is `YYYY-MM-DD` or ISO 8601 at midnight UTC.
    static func timing(_ days: Any?, _ date: Any?, _ what: String) throws -> LifecycleRule.Timing {
        switch (days, date) {
        case (let days?, nil):
            return .days(try integer(days, "\(what) days"))
        case (nil, let date?):
            if let date = date as? Date { return .date(date) }
            let text = "\(date)"
            guard let parsed = UTCTime.parseISO8601(text.count == 10 ? text + "T00:00:00Z" : text) else {
                throw SettingsError("\(what) date must look like 2026-01-01")
            }
            return .date(parsed)
        default:
            throw SettingsError("a \(what) needs days or a date (one of them)")
        }
    }

    static func integer(_ value: Any, _ name: String) throws -> Int {
        if let number = value as? Int { return number }
        guard let number = Int("\(value)") else { throw SettingsError("\(name) must be an integer") }
        return number
    }
}
