/// The status of an event data store (botocore `EventDataStoreStatus`).
public enum EventDataStoreStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case created = "CREATED"
    case enabled = "ENABLED"
    case pendingDeletion = "PENDING_DELETION"
    case startingIngestion = "STARTING_INGESTION"
    case stoppingIngestion = "STOPPING_INGESTION"
    case stoppedIngestion = "STOPPED_INGESTION"

    /// Whether live ingest appends to a store in this status.
    public var isIngesting: Bool { self == .enabled }
}

/// How a store is billed; it bounds the retention period (botocore `BillingMode`).
public enum EventDataStoreBillingMode: String, Sendable, Hashable, Codable, CaseIterable {
    case extendableRetentionPricing = "EXTENDABLE_RETENTION_PRICING"
    case fixedRetentionPricing = "FIXED_RETENTION_PRICING"

    /// The retention periods (days) the mode allows.
    public var retentionRange: ClosedRange<Int> {
        switch self {
        case .extendableRetentionPricing: 7...3653
        case .fixedRetentionPricing: 7...2557
        }
    }

    /// The retention period (days) of a new store that names none.
    public var defaultRetention: Int {
        switch self {
        case .extendableRetentionPricing: 366
        case .fixedRetentionPricing: 2557
        }
    }
}

/// The kind of events a store holds, decided by its selectors' `eventCategory` (plan §3.1).
public enum EventDataStoreCategory: String, Sendable, Hashable, Codable {
    /// Management, data and network activity events of the journal.
    case cloudTrail
    /// External events written through channels (`eventCategory = ActivityAuditLog`).
    case activityAuditLog
    /// Insights events (`eventCategory = Insight`).
    case insight
}
