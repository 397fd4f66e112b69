import ObjectStorage

/// The retention presets of CloudTrail buckets the project's documents describe.
public enum LifecyclePreset: String, Sendable, Hashable, CaseIterable {
    /// Standard-IA after 30 days, Glacier Flexible Retrieval after 90, Deep Archive after 365,
    /// deletion after 7 years (2555 days).
    case production
    /// Deletion after 90 days.
    case development

    /// The preset's one rule for the objects under `prefix`, with `id` (by default
    /// `trailkeeper-<preset>`, plus the prefix when there is one).
    public func rule(prefix: String = "", id: String? = nil) -> LifecycleRule {
        let id = id ?? ("trailkeeper-\(rawValue)" + (prefix.isEmpty ? "" : "-" + prefix))
        let filter = LifecycleRule.Filter(prefix: prefix)
        switch self {
        case .production:
            return LifecycleRule(
                id: String(id.prefix(255)), filter: filter,
                transitions: [
                    .init(.days(30), to: .standardIA), .init(.days(90), to: .glacier), .init(.days(365), to: .deepArchive),
                ],
                expiration: .init(.days(2555)))
        case .development:
            return LifecycleRule(id: String(id.prefix(255)), filter: filter, expiration: .init(.days(90)))
        }
    }
}
