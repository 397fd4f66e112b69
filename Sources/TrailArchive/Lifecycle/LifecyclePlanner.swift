import Foundation
import ObjectStorage

/// What S3 Lifecycle would do to one object now, under the configurations of its bucket (several
/// sources apply together, as overlapping rules do in S3).
///
/// As in S3: expiration wins over transition; of the transitions due, the one furthest down the
/// waterfall wins; an object never moves back up; days count from creation, rounded up to the next
/// midnight UTC; objects under 128 KiB follow the configuration's transition minimum unless the
/// rule has a size filter of its own. Disabled rules do nothing.
public struct LifecyclePlanner: Sendable {
    public enum Decision: Sendable, Hashable {
        case none
        case transition(to: StorageClass, rule: String)
        case expire(rule: String)
        /// A transition is due, but the object is smaller than the transition minimum allows.
        case heldBackBySize(StorageClass)
    }

    public let configurations: [LifecycleConfiguration]

    public init(configurations: [LifecycleConfiguration]) {
        self.configurations = configurations
    }

    var enabledRules: [(LifecycleConfiguration, LifecycleRule)] {
        configurations.flatMap { configuration in
            configuration.rules.filter { $0.status == .enabled }.map { (configuration, $0) }
        }
    }

    /// The decision for an object created at `created` (its Last-Modified or key date).
    public func decision(
        key: String, size: Int64, created: Date, storageClass: StorageClass, tags: [String: String] = [:], now: Date
    ) -> Decision {
        var expiringRule: String?
        var transition: (StorageClass, String)?
        var heldBack: StorageClass?
        for (configuration, rule) in enabledRules where rule.filter.matches(key: key, size: size, tags: tags) {
            if expiringRule == nil, let timing = rule.expiration?.timing, now >= timing.due(createdAt: created) {
                expiringRule = rule.id
            }
            for step in rule.transitions where step.storageClass.rank > storageClass.rank {
                guard now >= step.timing.due(createdAt: created) else { continue }
                guard rule.filter.hasSizeBounds || configuration.transitionMinimumObjectSize.allows(size: size, to: step.storageClass)
                else {
                    if heldBack.map({ step.storageClass.rank > $0.rank }) ?? true { heldBack = step.storageClass }
                    continue
                }
                if transition.map({ step.storageClass.rank > $0.0.rank }) ?? true { transition = (step.storageClass, rule.id) }
            }
        }
        if let expiringRule { return .expire(rule: expiringRule) }
        if let (target, rule) = transition { return .transition(to: target, rule: rule) }
        if let heldBack { return .heldBackBySize(heldBack) }
        return .none
    }

    /// Whether some rule could still act on an object with `key` in `storageClass` at some time
    /// (an expiration, or a transition further down): worth reading its real age.
    public func mayAct(onKey key: String, in storageClass: StorageClass) -> Bool {
        enabledRules.contains { _, rule in
            (rule.filter.prefix.map { key.hasPrefix($0) } ?? true)
                && (rule.expiration?.timing != nil || rule.transitions.contains { $0.storageClass.rank > storageClass.rank })
        }
    }

    /// Whether a rule filters by object tags (the objects' tags must be read).
    public var needsTags: Bool { enabledRules.contains { !$0.1.filter.tags.isEmpty } }

    /// Whether a rule that filters by tags covers `key` (its tags must be read to decide).
    public func needsTags(forKey key: String) -> Bool {
        enabledRules.contains { !$0.1.filter.tags.isEmpty && ($0.1.filter.prefix.map { key.hasPrefix($0) } ?? true) }
    }

    /// The prefixes to list so that every object a rule acting on current objects covers is seen
    /// once: none overlaps another; `[""]` when a rule covers the whole bucket.
    public var listingPrefixes: [String] {
        let prefixes = enabledRules.filter { $0.1.expiration?.timing != nil || !$0.1.transitions.isEmpty }
            .map { $0.1.filter.prefix ?? "" }
        var minimal: [String] = []
        for prefix in Set(prefixes).sorted() where !minimal.contains(where: { prefix.hasPrefix($0) }) {
            minimal.append(prefix)
        }
        return minimal
    }
}
