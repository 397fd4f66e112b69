import Foundation

/// The `lake:` section of the configuration (plan §3.6): the keys of event data stores, channels and imports.
///
/// Keys (YAML `lake.<key>` | environment variable | default):
/// - `max-event-data-stores` | `TRAILKEEPER_LAKE_MAX_EVENT_DATA_STORES` | `10` (stores not pending deletion; AWS quota)
/// - `pending-deletion-period` | `TRAILKEEPER_LAKE_PENDING_DELETION_PERIOD` | `7d` (then a deleted store is purged)
/// - `max-channels` | `TRAILKEEPER_LAKE_MAX_CHANNELS` | `25` (channels besides the default one; AWS quota)
///
/// Other keys of the section belong to other Lake components (storage, queries) and are read by them.
public struct LakeSettings: Sendable, Hashable {
    public var maxEventDataStores: Int = 10
    /// Seconds.
    public var pendingDeletionPeriod: Int64 = 7 * 86400
    public var maxChannels: Int = 25

    public init() {}

    /// The keys this type reads.
    public static let keys = ["max-event-data-stores", "pending-deletion-period", "max-channels"]

    /// Reads the section, then the environment (which wins, as for top-level keys).
    /// - Throws: ``ConfigurationError`` for bad values.
    public init(section: [String: Any], environment: [String: String]) throws {
        var values: [String: String] = [:]
        for key in Self.keys {
            if let v = section[key] { values[key] = "\(v)" }
            let variable = "TRAILKEEPER_LAKE_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
            if let v = environment[variable], !v.isEmpty { values[key] = v }
        }
        if let v = values["max-event-data-stores"] {
            guard let n = Int(v), (1...1000).contains(n) else {
                throw ConfigurationError("lake.max-event-data-stores must be between 1 and 1000")
            }
            maxEventDataStores = n
        }
        if let v = values["pending-deletion-period"] {
            pendingDeletionPeriod = try ServerConfiguration.seconds(v, key: "lake.pending-deletion-period")
        }
        if let v = values["max-channels"] {
            guard let n = Int(v), (1...1000).contains(n) else { throw ConfigurationError("lake.max-channels must be between 1 and 1000") }
            maxChannels = n
        }
    }
}
