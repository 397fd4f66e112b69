/// A CloudTrail Lake event data store as the catalog keeps it (plan §3.1).
///
/// The ARN is `arn:aws:cloudtrail:<region>:<account>:eventdatastore/<id>` with a lower-case UUID `id`.
public struct EventDataStore: Sendable, Hashable, Codable {
    /// The UUID suffix of the ARN (lower case); also the name of the store's file.
    public var id: String
    public var arn: String
    public var name: String
    public var status: EventDataStoreStatus
    /// The status to return to when a pending deletion is restored.
    public var statusBeforeDeletion: EventDataStoreStatus?
    /// Advanced event selectors; empty means the default (all management events).
    public var advancedEventSelectors: [AdvancedEventSelector]
    public var multiRegionEnabled: Bool
    public var organizationEnabled: Bool
    /// Days events are kept, judged on eventTime.
    public var retentionPeriod: Int
    public var terminationProtectionEnabled: Bool
    public var tags: [Tag]
    public var kmsKeyId: String?
    public var billingMode: EventDataStoreBillingMode
    /// Epoch seconds.
    public var createdAt: Int64
    public var updatedAt: Int64
    /// When DeleteEventDataStore moved the store to PENDING_DELETION (epoch seconds).
    public var deletionRequestedAt: Int64?
    /// Insights enabled on this store (PutInsightSelectors); nil when none.
    public var insightSelectors: [InsightSelector]?
    /// The ARN of the Insight store that receives this store's Insights events.
    public var insightsDestination: String?

    public init(
        id: String, arn: String, name: String, status: EventDataStoreStatus = .enabled,
        advancedEventSelectors: [AdvancedEventSelector] = EventDataStore.defaultSelectors, multiRegionEnabled: Bool = true,
        organizationEnabled: Bool = false, retentionPeriod: Int = 366, terminationProtectionEnabled: Bool = true,
        tags: [Tag] = [], kmsKeyId: String? = nil, billingMode: EventDataStoreBillingMode = .extendableRetentionPricing,
        createdAt: Int64, updatedAt: Int64? = nil
    ) {
        self.id = id
        self.arn = arn
        self.name = name
        self.status = status
        self.advancedEventSelectors = advancedEventSelectors
        self.multiRegionEnabled = multiRegionEnabled
        self.organizationEnabled = organizationEnabled
        self.retentionPeriod = retentionPeriod
        self.terminationProtectionEnabled = terminationProtectionEnabled
        self.tags = tags
        self.kmsKeyId = kmsKeyId
        self.billingMode = billingMode
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// AWS's selectors of a store created without any: all management events.
    public static let defaultSelectors = [
        AdvancedEventSelector(
            name: "Default management events",
            fieldSelectors: [AdvancedFieldSelector(field: "eventCategory", conditions: [.equals: ["Management"]])])
    ]

    /// The region in the ARN.
    public var region: String {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 3 ? String(parts[3]) : ""
    }

    /// The kind of events the store holds.
    public var category: EventDataStoreCategory { EventSelection.storeCategory(of: advancedEventSelectors) }

    /// Table names from the reserved tag `trailkeeper:table-alias`.
    public var tableAliases: [String] { TableAlias.aliases(in: tags) }

    /// Whether `reference` (an ARN or the bare ID) names this store.
    public func isNamed(by reference: String) -> Bool {
        reference == arn || reference.lowercased() == id
    }

    /// The ARN of store `id`.
    public static func arn(region: String, account: String, id: String) -> String {
        "arn:aws:cloudtrail:\(region):\(account):eventdatastore/\(id)"
    }

    /// Whether a Name is acceptable (3–128 of `[a-zA-Z0-9._-]`).
    public static func isValidName(_ name: String) -> Bool {
        (3...128).contains(name.utf8.count)
            && name.utf8.allSatisfy { c in
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 46 || c == 95 || c == 45
            }
    }
}
