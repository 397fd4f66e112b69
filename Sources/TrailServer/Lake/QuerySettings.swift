import Foundation
import TrailLake

/// The `lake.query` settings of `serve` (plan §3.6).
///
/// Keys (YAML `lake: query: …` | environment variable | default):
/// - `workers` | `TRAILKEEPER_LAKE_QUERY_WORKERS` | `2` (executions at once)
/// - `timeout` | `TRAILKEEPER_LAKE_QUERY_TIMEOUT` | `1h` (then TIMED_OUT)
/// - `max-result-bytes` | `TRAILKEEPER_LAKE_QUERY_MAX_RESULT_BYTES` | `1073741824` (then FAILED)
/// - `max-result-rows` | `TRAILKEEPER_LAKE_QUERY_MAX_RESULT_ROWS` | `10000000` (then FAILED)
/// - `results-retention` | `TRAILKEEPER_LAKE_QUERY_RESULTS_RETENTION` | `7d` (records and results kept after a query ends)
///
/// The environment wins over the file.
public struct QuerySettings: Sendable, Hashable {
    public var workers = 2
    /// Seconds.
    public var timeout: Int64 = 3600
    public var maxResultBytes = 1 << 30
    public var maxResultRows = 10_000_000
    /// Seconds.
    public var resultsRetention: Int64 = 7 * 86400

    public init() {}

    static let keys = ["workers", "timeout", "max-result-bytes", "max-result-rows", "results-retention"]

    /// Reads the `lake.query` mapping (when present) and the environment.
    public init(section: Any?, environment: [String: String]) throws {
        var values: [String: String] = [:]
        if let section {
            guard let map = section as? [String: Any] else {
                throw ConfigurationError("'lake.query' must be a mapping (workers, timeout, max-result-bytes, …)")
            }
            for (key, value) in map {
                guard Self.keys.contains(key) else { throw ConfigurationError("unknown configuration key 'lake.query.\(key)'") }
                values[key] = "\(value)"
            }
        }
        for key in Self.keys {
            let variable = "TRAILKEEPER_LAKE_QUERY_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
            if let v = environment[variable], !v.isEmpty { values[key] = v }
        }
        if let v = values["workers"] {
            guard let n = Int(v), (1...64).contains(n) else { throw ConfigurationError("lake.query.workers must be 1-64") }
            workers = n
        }
        if let v = values["timeout"] { timeout = try ServerConfiguration.seconds(v, key: "lake.query.timeout") }
        if let v = values["max-result-bytes"] {
            guard let n = Int(v), n >= 1024 else { throw ConfigurationError("lake.query.max-result-bytes must be at least 1024") }
            maxResultBytes = n
        }
        if let v = values["max-result-rows"] {
            guard let n = Int(v), n >= 1 else { throw ConfigurationError("lake.query.max-result-rows must be at least 1") }
            maxResultRows = n
        }
        if let v = values["results-retention"] {
            resultsRetention = try ServerConfiguration.seconds(v, key: "lake.query.results-retention")
        }
    }

    /// The query service's configuration.
    public var configuration: QueryService.Configuration {
        .init(
            workers: workers, timeout: Double(timeout), maxResultRows: maxResultRows, maxResultBytes: maxResultBytes,
            resultsRetention: resultsRetention)
    }
}
