import Foundation
import ObjectStorage

/// A bucket's S3 Lifecycle configuration: up to 1000 rules, and how small objects are treated.
public struct LifecycleConfiguration: Sendable, Hashable {
    /// S3's `x-amz-transition-default-minimum-object-size`: which objects below 128 KiB may
    /// transition when a rule has no size filter of its own.
    public enum TransitionMinimumObjectSize: String, Sendable, Hashable, CaseIterable {
        /// Objects under 128 KiB do not transition (S3's default since September 2024).
        case allStorageClasses128K = "all_storage_classes_128K"
        /// Objects under 128 KiB transition only to GLACIER and DEEP_ARCHIVE.
        case variesByStorageClass = "varies_by_storage_class"

        /// The size below which the default applies.
        public static let threshold: Int64 = 128 * 1024

        /// Whether an object of `size` bytes may go to `storageClass` under this default.
        public func allows(size: Int64, to storageClass: StorageClass) -> Bool {
            guard size < Self.threshold else { return true }
            return self == .variesByStorageClass && storageClass.isArchive
        }
    }

    public var rules: [LifecycleRule]
    public var transitionMinimumObjectSize: TransitionMinimumObjectSize

    public init(rules: [LifecycleRule], transitionMinimumObjectSize: TransitionMinimumObjectSize = .allStorageClasses128K) {
        self.rules = rules
        self.transitionMinimumObjectSize = transitionMinimumObjectSize
    }

    /// Checks the configuration as S3's PutBucketLifecycleConfiguration does.
    public func validate() throws(LifecycleConfigurationError) {
        guard !rules.isEmpty else { throw .malformed() }
        guard rules.count <= 1000 else { throw .malformed("A lifecycle configuration can have at most 1000 rules") }
        var ids: Set<String> = []
        for rule in rules {
            guard ids.insert(rule.id).inserted else {
                throw LifecycleConfigurationError(.invalidArgument, "Rule ID must be unique. Found same ID for more than one rule")
            }
            try Self.validate(rule)
        }
    }

    static func validate(_ rule: LifecycleRule) throws(LifecycleConfigurationError) {
        guard rule.id.count <= 255 else {
            throw LifecycleConfigurationError(.invalidArgument, "ID length should not exceed allowed limit of 255")
        }
        try validate(rule.filter)
        let label = rule.filter.label
        guard !rule.transitions.isEmpty || rule.expiration != nil || rule.noncurrentVersionExpiration != nil
            || rule.abortIncompleteMultipartUploadDays != nil
        else { throw LifecycleConfigurationError(.invalidRequest, "At least one action needs to be specified in a rule") }
        if let days = rule.abortIncompleteMultipartUploadDays {
            guard rule.filter.tags.isEmpty, !rule.filter.hasSizeBounds else {
                throw LifecycleConfigurationError(
                    .invalidRequest, "AbortIncompleteMultipartUpload cannot be specified with Tags or object size filters")
            }
            guard days >= 1 else {
                throw LifecycleConfigurationError(
                    .invalidArgument, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
            }
        }
        if let expiration = rule.expiration {
            switch (expiration.timing, expiration.expiredObjectDeleteMarker) {
            case (nil, nil), (.some, .some): throw .malformed()
            case (nil, .some):
                guard rule.filter.tags.isEmpty else {
                    throw LifecycleConfigurationError(.invalidRequest, "ExpiredObjectDeleteMarker cannot be specified with Tags")
                }
            case (.days(let days)?, nil):
                guard days >= 1 else {
                    throw LifecycleConfigurationError(.invalidArgument, "'Days' for Expiration action must be a positive integer")
                }
            case (.date(let date)?, nil):
                try requireMidnight(date)
            }
        }
        if let noncurrent = rule.noncurrentVersionExpiration {
            guard noncurrent.noncurrentDays >= 1 else {
                throw LifecycleConfigurationError(
                    .invalidArgument, "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")
            }
            if let newer = noncurrent.newerNoncurrentVersions, !(1...100).contains(newer) {
                throw LifecycleConfigurationError(
                    .invalidArgument, "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be between 1 and 100")
            }
        }
        try validateTransitions(rule, label: label)
    }

    static func validate(_ filter: LifecycleRule.Filter) throws(LifecycleConfigurationError) {
        if let prefix = filter.prefix, prefix.utf8.count > 1024 {
            throw LifecycleConfigurationError(.invalidArgument, "The maximum size of a prefix is 1024")
        }
        var keys: Set<String> = []
        for tag in filter.tags {
            guard (1...128).contains(tag.key.count) else {
                throw LifecycleConfigurationError(.invalidArgument, "The TagKey you have provided is invalid")
            }
            guard tag.value.count <= 256 else {
                throw LifecycleConfigurationError(.invalidArgument, "The TagValue you have provided is invalid")
            }
            guard keys.insert(tag.key).inserted else {
                throw LifecycleConfigurationError(.invalidArgument, "Duplicate Tag Keys are not allowed.")
            }
        }
        if let greater = filter.objectSizeGreaterThan, greater < 0 {
            throw LifecycleConfigurationError(.invalidArgument, "'ObjectSizeGreaterThan' must be a nonnegative integer")
        }
        if let less = filter.objectSizeLessThan {
            guard less > 0 else {
                throw LifecycleConfigurationError(.invalidArgument, "'ObjectSizeLessThan' must be a positive integer")
            }
            if let greater = filter.objectSizeGreaterThan, greater >= less {
                throw LifecycleConfigurationError(
                    .invalidArgument, "'ObjectSizeGreaterThan' must be less than 'ObjectSizeLessThan'")
            }
        }
    }

    static func validateTransitions(_ rule: LifecycleRule, label: String) throws(LifecycleConfigurationError) {
        var classes: Set<StorageClass> = []
        for transition in rule.transitions {
            guard transition.storageClass.isTransitionTarget else { throw .malformed() }
            guard classes.insert(transition.storageClass).inserted else {
                throw LifecycleConfigurationError(
                    .invalidArgument,
                    "'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '\(label)'")
            }
            switch transition.timing {
            case .days(let days):
                guard days >= 0 else {
                    throw LifecycleConfigurationError(.invalidArgument, "'Days' in Transition action must be nonnegative")
                }
                if transition.storageClass.isInfrequentAccess, days < 30 {
                    throw LifecycleConfigurationError(
                        .invalidArgument,
                        "'Days' in Transition action must be greater than or equal to 30 for storageClass "
                            + "'\(transition.storageClass.rawValue)'")
                }
            case .date(let date):
                try requireMidnight(date)
            }
        }
        let byDays = rule.transitions.filter { $0.timing.days != nil }
        guard byDays.isEmpty || byDays.count == rule.transitions.count else {
            throw LifecycleConfigurationError(
                .invalidRequest, "Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for filter '\(label)'")
        }
        let unit = byDays.isEmpty ? "Date" : "Days"
        if let timing = rule.expiration?.timing, let first = rule.transitions.first,
            (timing.days == nil) != (first.timing.days == nil)
        {
            throw LifecycleConfigurationError(
                .invalidRequest,
                "Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for filter '\(label)'")
        }
        // Down the waterfall, each transition comes later; after an infrequent-access class, 30 days later.
        let ordered = rule.transitions.sorted { $0.storageClass.rank < $1.storageClass.rank }
        for (earlier, later) in zip(ordered, ordered.dropFirst()) {
            let gap = earlier.storageClass.isInfrequentAccess ? 30 : 1
            guard value(later.timing) >= value(earlier.timing) + gap else {
                let requirement = gap == 30 ? "must be 30 days more than" : "must be greater than"
                throw LifecycleConfigurationError(
                    .invalidArgument,
                    "'\(unit)' in the Transition action for StorageClass '\(later.storageClass.rawValue)' for filter '\(label)' "
                        + "\(requirement) '\(unit)' in the Transition action for StorageClass '\(earlier.storageClass.rawValue)'")
            }
        }
        if let timing = rule.expiration?.timing, let last = rule.transitions.map({ value($0.timing) }).max(),
            value(timing) <= last
        {
            throw LifecycleConfigurationError(
                .invalidArgument,
                "'\(unit)' in the Expiration action for filter '\(label)' must be greater than '\(unit)' in the Transition action")
        }
    }

    /// Days, or whole days since 1970 for a date: comparable within one rule (which never mixes them).
    static func value(_ timing: LifecycleRule.Timing) -> Int {
        switch timing {
        case .days(let days): days
        case .date(let date): Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        }
    }

    static func requireMidnight(_ date: Date) throws(LifecycleConfigurationError) {
        guard date.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) == 0 else {
            throw LifecycleConfigurationError(.invalidArgument, "'Date' must be at midnight GMT")
        }
    }
}
