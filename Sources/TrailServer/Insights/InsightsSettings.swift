import Foundation
import TrailInsights

/// The `insights:` section of the server configuration (plan §3.6): whether the analyzer runs and its
/// thresholds. Insights' model is ours (AWS does not publish one), so every number is configurable.
///
/// Keys (YAML under `insights:` | environment variable | default):
/// - `enabled` | `TRAILKEEPER_INSIGHTS_ENABLED` | `true` (run the analyzer: counting, detection, ListInsightsMetricData)
/// - `call-rate.minimum-per-minute` | `TRAILKEEPER_INSIGHTS_CALL_RATE_MINIMUM_PER_MINUTE` | `10`
/// - `call-rate.ratio` | `TRAILKEEPER_INSIGHTS_CALL_RATE_RATIO` | `3`
/// - `call-rate.sigma` | `TRAILKEEPER_INSIGHTS_CALL_RATE_SIGMA` | `4`
/// - `error-rate.minimum-per-minute` | `TRAILKEEPER_INSIGHTS_ERROR_RATE_MINIMUM_PER_MINUTE` | `5`
/// - `error-rate.ratio` | `TRAILKEEPER_INSIGHTS_ERROR_RATE_RATIO` | `3`
/// - `error-rate.sigma` | `TRAILKEEPER_INSIGHTS_ERROR_RATE_SIGMA` | `4`
/// - `end-quiet-minutes` | `TRAILKEEPER_INSIGHTS_END_QUIET_MINUTES` | `2` (minutes below the threshold that end an insight)
/// - `lateness` | `TRAILKEEPER_INSIGHTS_LATENESS` | `5m` (a minute is final this long after it ends)
/// - `warmup` | `TRAILKEEPER_INSIGHTS_WARMUP` | `36h` (no insight before a series' first event + warmup)
/// - `backfill` | `TRAILKEEPER_INSIGHTS_BACKFILL` | `0s` (when a type is enabled, also evaluate minutes this far back)
/// - `attribution-scan-limit` | `TRAILKEEPER_INSIGHTS_ATTRIBUTION_SCAN_LIMIT` | `1000000` (events read per record's attributions)
/// - `count-retention` | `TRAILKEEPER_INSIGHTS_COUNT_RETENTION` | `90d` (per-minute counts kept)
///
/// A minute starts an insight when its count reaches
/// `max(minimum-per-minute, ratio × baseline average, baseline average + sigma × σ)` over the trailing
/// baseline (the 7 days before the minute's midnight plus the minutes of its day so far).
public struct InsightsSettings: Sendable, Hashable {
    public var enabled: Bool = true
    public var callRate = InsightThresholds(minimumPerMinute: 10, ratio: 3, sigma: 4)
    public var errorRate = InsightThresholds(minimumPerMinute: 5, ratio: 3, sigma: 4)
    public var endQuietMinutes: Int = 2
    /// Seconds.
    public var lateness: Int64 = 300
    /// Seconds.
    public var warmup: Int64 = 36 * 3600
    /// Seconds.
    public var backfill: Int64 = 0
    public var attributionScanLimit: Int = 1_000_000
    /// Days.
    public var countRetentionDays: Int = 90

    public init() {}

    /// The leaf keys of the section, dotted.
    static let keys: Set<String> = [
        "enabled", "call-rate.minimum-per-minute", "call-rate.ratio", "call-rate.sigma", "error-rate.minimum-per-minute",
        "error-rate.ratio", "error-rate.sigma", "end-quiet-minutes", "lateness", "warmup", "backfill",
        "attribution-scan-limit", "count-retention",
    ]

    /// Reads the YAML section (nested or dotted keys), then the environment, which wins.
    public init(section: [String: Any]?, environment: [String: String]) throws {
        var values: [String: String] = [:]
        func flatten(_ map: [String: Any], prefix: String) throws {
            for (key, value) in map {
                let full = prefix.isEmpty ? key : prefix + "." + key
                if let nested = value as? [String: Any] {
                    try flatten(nested, prefix: full)
                } else {
                    guard Self.keys.contains(full) else { throw ConfigurationError("unknown key 'insights.\(full)'") }
                    values[full] = "\(value)"
                }
            }
        }
        if let section { try flatten(section, prefix: "") }
        for key in Self.keys {
            let variable =
                "TRAILKEEPER_INSIGHTS_"
                + key.uppercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "_")
            if let v = environment[variable], !v.isEmpty { values[key] = v }
        }
        func integer(_ key: String, minimum: Int) throws -> Int? {
            guard let v = values[key] else { return nil }
            guard let n = Int(v), n >= minimum else {
                throw ConfigurationError("insights.\(key) must be an integer of at least \(minimum)")
            }
            return n
        }
        func number(_ key: String) throws -> Double? {
            guard let v = values[key] else { return nil }
            guard let d = Double(v), d.isFinite, d >= 0 else {
                throw ConfigurationError("insights.\(key) must be a number of at least 0")
            }
            return d
        }
        func duration(_ key: String) throws -> Int64? {
            guard let v = values[key] else { return nil }
            return try Self.seconds(v, key: "insights.\(key)")
        }
        if let v = values["enabled"] {
            switch v.lowercased() {
            case "true", "yes", "1": enabled = true
            case "false", "no", "0": enabled = false
            default: throw ConfigurationError("insights.enabled must be true or false")
            }
        }
        if let n = try integer("call-rate.minimum-per-minute", minimum: 1) { callRate.minimumPerMinute = n }
        if let d = try number("call-rate.ratio") { callRate.ratio = d }
        if let d = try number("call-rate.sigma") { callRate.sigma = d }
        if let n = try integer("error-rate.minimum-per-minute", minimum: 1) { errorRate.minimumPerMinute = n }
        if let d = try number("error-rate.ratio") { errorRate.ratio = d }
        if let d = try number("error-rate.sigma") { errorRate.sigma = d }
        if let n = try integer("end-quiet-minutes", minimum: 1) { endQuietMinutes = n }
        if let s = try duration("lateness") { lateness = s }
        if let s = try duration("warmup") { warmup = s }
        if let s = try duration("backfill") { backfill = s }
        if let n = try integer("attribution-scan-limit", minimum: 0) { attributionScanLimit = n }
        if let s = try duration("count-retention") {
            guard s >= 86_400 else { throw ConfigurationError("insights.count-retention must be at least 1d") }
            countRetentionDays = Int(s / 86_400)
        }
    }

    /// `0`, `90`, `2s`, `5m`, `36h`, `30d` → seconds (zero allowed).
    static func seconds(_ text: String, key: String) throws -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var digits = text.trimmingCharacters(in: .whitespaces)
        var unit: Int64 = 1
        if let last = digits.last, let u = units[last] {
            unit = u
            digits.removeLast()
        }
        guard let n = Int64(digits), n >= 0, n <= 10_000_000 else {
            throw ConfigurationError("\(key) must be a duration such as 0s, 5m, 36h or 30d")
        }
        return n * unit
    }

    /// The analyzer's configuration.
    public var analyzer: InsightsAnalyzer.Configuration {
        func thresholds(_ t: InsightThresholds) -> InsightThresholds {
            InsightThresholds(
                minimumPerMinute: t.minimumPerMinute, ratio: t.ratio, sigma: t.sigma, endQuietMinutes: endQuietMinutes,
                lateness: lateness, warmup: warmup)
        }
        return InsightsAnalyzer.Configuration(
            callRate: thresholds(callRate), errorRate: thresholds(errorRate), backfill: backfill,
            countRetentionDays: countRetentionDays, attributionScanLimit: attributionScanLimit)
    }
}
