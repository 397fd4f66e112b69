import Foundation

/// The pipeline's settings: `trailkeeper pipeline` flags, or the `pipeline:` section of the server's
/// YAML configuration.
public struct PipelineSettings: Sendable, Hashable {
    /// `embedded` (the queue Trailkeeper's own trail deliveries feed) or an SQS queue URL.
    public var queue: String = "embedded"
    /// Rule files (YAML, JSON, monitored_events.json) and built-in pack names.
    public var rules: [String] = []
    /// `sqlite` (DATA_DIR/findings.sqlite), `sqlite:///path`, `postgres://…`, or `dynamodb://TABLE`.
    public var findings: String = "sqlite"
    /// Alert target URLs.
    public var alerts: [String] = []
    /// Files processed at once.
    public var concurrency: Int = 2
    /// Embedded queue: seconds a received message stays hidden.
    public var visibilityTimeout: Int = 300
    /// Embedded queue: receives before a message moves to the dead-letter queue.
    public var maximumReceives: Int = 5
    /// Seconds before a failed message is retried.
    public var retryDelay: Int = 30
    /// Long-poll wait, seconds.
    public var waitSeconds: Int = 20
    /// Alert aggregation window, seconds.
    public var alertWindow: Int = 60
    /// Alerts sent individually per rule and window before the rest are summarised.
    public var alertsPerWindow: Int = 5
    /// Run the rules on the live journal too (inside `serve`).
    public var journal: Bool = true
    /// Stop when the queue is empty.
    public var stopWhenEmpty: Bool = false

    public init() {}

    /// The keys of the `pipeline:` YAML section.
    public static let keys: Set<String> = [
        "queue", "rules", "findings", "alerts", "concurrency", "visibility-timeout", "max-receives", "retry-delay",
        "wait-seconds", "alert-window", "alerts-per-window", "journal",
    ]

    /// Reads the `pipeline:` section of the YAML configuration.
    public init(section: [String: Any]) throws {
        for key in section.keys where !Self.keys.contains(key) {
            throw PipelineQueueError("unknown key 'pipeline.\(key)' (known: \(Self.keys.sorted().joined(separator: ", ")))")
        }
        func strings(_ key: String) throws -> [String]? {
            guard let value = section[key] else { return nil }
            if let one = value as? String { return [one] }
            guard let list = value as? [Any] else { throw PipelineQueueError("pipeline.\(key) must be a list of strings") }
            return list.map { "\($0)" }
        }
        func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let value = section[key] else { return nil }
            guard let n = value as? Int ?? Int("\(value)"), range.contains(n) else {
                throw PipelineQueueError("pipeline.\(key) must be an integer in \(range.lowerBound)…\(range.upperBound)")
            }
            return n
        }
        if let v = section["queue"] { queue = "\(v)" }
        if let v = try strings("rules") { rules = v }
        if let v = section["findings"] { findings = "\(v)" }
        if let v = try strings("alerts") { alerts = v }
        if let v = try int("concurrency", 1...64) { concurrency = v }
        if let v = try int("visibility-timeout", 1...43_200) { visibilityTimeout = v }
        if let v = try int("max-receives", 1...1000) { maximumReceives = v }
        if let v = try int("retry-delay", 0...43_200) { retryDelay = v }
        if let v = try int("wait-seconds", 0...20) { waitSeconds = v }
        if let v = try int("alert-window", 1...86_400) { alertWindow = v }
        if let v = try int("alerts-per-window", 0...10_000_000) { alertsPerWindow = v }
        if let v = section["journal"] {
            guard let b = v as? Bool ?? ["true": true, "false": false][("\(v)").lowercased()] else {
                throw PipelineQueueError("pipeline.journal must be true or false")
            }
            journal = b
        }
        if rules.isEmpty { throw PipelineQueueError("pipeline.rules must name at least one rule file or pack") }
    }
}
