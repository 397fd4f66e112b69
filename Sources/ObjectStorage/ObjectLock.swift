import Foundation

/// S3 Object Lock's retention modes.
public enum ObjectLockMode: String, Sendable, Hashable, CaseIterable {
    /// Nobody can delete the version or shorten its retention until the date, not even an administrator.
    case compliance = "COMPLIANCE"
    /// Only a caller allowed to bypass governance retention (`x-amz-bypass-governance-retention`) can.
    case governance = "GOVERNANCE"
}

/// A version's retention: its mode and the date until which it is protected.
public struct ObjectRetention: Sendable, Hashable {
    public var mode: ObjectLockMode
    public var retainUntil: Date

    public init(mode: ObjectLockMode, retainUntil: Date) {
        self.mode = mode
        self.retainUntil = retainUntil
    }

    /// Whether the retention still protects its version at `now`.
    public func isActive(at now: Date) -> Bool { retainUntil > now }
}

/// A bucket's Object Lock configuration: Object Lock is enabled (it never can be turned off), with
/// an optional default retention for new versions.
public struct ObjectLockConfiguration: Sendable, Hashable {
    /// Applied to every new version that does not name its own retention.
    public var defaultRetention: DefaultRetention?

    public init(defaultRetention: DefaultRetention? = nil) {
        self.defaultRetention = defaultRetention
    }
}

/// A bucket's default retention: a mode and a period from each version's creation.
public struct DefaultRetention: Sendable, Hashable {
    /// The period, in S3's two units.
    public enum Period: Sendable, Hashable {
        case days(Int)
        /// A year is 365 days, as S3 counts them.
        case years(Int)

        public var days: Int {
            switch self {
            case .days(let n): n
            case .years(let n): n * 365
            }
        }
    }

    public var mode: ObjectLockMode
    public var period: Period

    public init(mode: ObjectLockMode, period: Period) {
        self.mode = mode
        self.period = period
    }

    /// The retention of a version created at `date`.
    public func retention(from date: Date) -> ObjectRetention {
        ObjectRetention(mode: mode, retainUntil: date.addingTimeInterval(Double(period.days) * 86_400))
    }
}

/// What a put asks of Object Lock for the new version (S3's `x-amz-object-lock-*` headers).
public struct ObjectLockOptions: Sendable, Hashable {
    /// The new version's retention; the bucket's default retention when nil.
    public var retention: ObjectRetention?
    /// The new version's legal hold (`x-amz-object-lock-legal-hold`: ON or OFF); none when nil.
    public var legalHold: Bool?

    public init(retention: ObjectRetention? = nil, legalHold: Bool? = nil) {
        self.retention = retention
        self.legalHold = legalHold
    }

    /// No explicit lock: the bucket's defaults apply.
    public static let none = ObjectLockOptions()

    /// Whether the put names any lock setting (refused on a bucket without Object Lock).
    public var isEmpty: Bool { retention == nil && legalHold == nil }
}

/// Object Lock's rules, shared by the stores that enforce them (the embedded and memory stores;
/// S3 enforces its own).
public enum ObjectLockRules {
    /// The refusal S3 answers with (`AccessDenied`).
    static func denied(_ why: String) -> ObjectStoreError {
        .accessDenied("Access Denied: \(why)")
    }

    /// Throws ``ObjectStoreError/accessDenied(_:)`` unless a version with this retention and legal
    /// hold may be removed at `now`: never under a legal hold, never before a compliance
    /// retention's date, before a governance retention's date only with `bypassGovernance`.
    public static func checkRemoval(
        retention: ObjectRetention?, legalHold: Bool?, bypassGovernance: Bool, now: Date
    ) throws(ObjectStoreError) {
        if legalHold == true { throw denied("the object version is under a legal hold") }
        guard let retention, retention.isActive(at: now) else { return }
        switch retention.mode {
        case .compliance:
            throw denied("the object version is locked in compliance mode until \(ISO8601DateFormatter().string(from: retention.retainUntil))")
        case .governance where !bypassGovernance:
            throw denied("the object version is locked in governance mode until \(ISO8601DateFormatter().string(from: retention.retainUntil))")
        case .governance:
            return
        }
    }

    /// Throws unless a version's retention may change from `current` to `new` at `now`.
    ///
    /// An expired retention may be changed freely. An active compliance retention may only be
    /// extended (same mode, a date no earlier). An active governance retention may be extended
    /// without bypass; shortening it, removing it or turning it into compliance mode needs
    /// `bypassGovernance`.
    public static func checkRetentionChange(
        from current: ObjectRetention?, to new: ObjectRetention?, bypassGovernance: Bool, now: Date
    ) throws(ObjectStoreError) {
        if let new, new.retainUntil <= now {
            throw ObjectStoreError.invalidArgument("The retain until date must be in the future!")
        }
        guard let current, current.isActive(at: now) else { return }
        let extendsSameMode = new.map { $0.mode == current.mode && $0.retainUntil >= current.retainUntil } ?? false
        switch current.mode {
        case .compliance:
            guard extendsSameMode else {
                throw denied("a compliance-mode retention can only be extended")
            }
        case .governance:
            guard extendsSameMode || bypassGovernance else {
                throw denied("shortening, removing or changing a governance-mode retention needs x-amz-bypass-governance-retention")
            }
        }
    }
}
