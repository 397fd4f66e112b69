import TrailModel

/// CreateEventDataStore's parameters; nil takes AWS's default.
public struct EventDataStoreCreation: Sendable, Hashable {
    public var name: String
    public var advancedEventSelectors: [AdvancedEventSelector]?
    public var multiRegionEnabled: Bool?
    public var organizationEnabled: Bool?
    public var retentionPeriod: Int?
    public var terminationProtectionEnabled: Bool?
    public var tags: [Tag]
    public var kmsKeyId: String?
    public var startIngestion: Bool?
    public var billingMode: EventDataStoreBillingMode?

    public init(
        name: String, advancedEventSelectors: [AdvancedEventSelector]? = nil, multiRegionEnabled: Bool? = nil,
        organizationEnabled: Bool? = nil, retentionPeriod: Int? = nil, terminationProtectionEnabled: Bool? = nil,
        tags: [Tag] = [], kmsKeyId: String? = nil, startIngestion: Bool? = nil, billingMode: EventDataStoreBillingMode? = nil
    ) {
        self.name = name
        self.advancedEventSelectors = advancedEventSelectors
        self.multiRegionEnabled = multiRegionEnabled
        self.organizationEnabled = organizationEnabled
        self.retentionPeriod = retentionPeriod
        self.terminationProtectionEnabled = terminationProtectionEnabled
        self.tags = tags
        self.kmsKeyId = kmsKeyId
        self.startIngestion = startIngestion
        self.billingMode = billingMode
    }
}

/// UpdateEventDataStore's parameters; nil leaves the setting as it is.
public struct EventDataStoreChanges: Sendable, Hashable {
    public var name: String?
    public var advancedEventSelectors: [AdvancedEventSelector]?
    public var multiRegionEnabled: Bool?
    public var organizationEnabled: Bool?
    public var retentionPeriod: Int?
    public var terminationProtectionEnabled: Bool?
    public var kmsKeyId: String?
    public var billingMode: EventDataStoreBillingMode?

    public init(
        name: String? = nil, advancedEventSelectors: [AdvancedEventSelector]? = nil, multiRegionEnabled: Bool? = nil,
        organizationEnabled: Bool? = nil, retentionPeriod: Int? = nil, terminationProtectionEnabled: Bool? = nil,
        kmsKeyId: String? = nil, billingMode: EventDataStoreBillingMode? = nil
    ) {
        self.name = name
        self.advancedEventSelectors = advancedEventSelectors
        self.multiRegionEnabled = multiRegionEnabled
        self.organizationEnabled = organizationEnabled
        self.retentionPeriod = retentionPeriod
        self.terminationProtectionEnabled = terminationProtectionEnabled
        self.kmsKeyId = kmsKeyId
        self.billingMode = billingMode
    }

    /// Whether the call asks for no change at all.
    public var isEmpty: Bool {
        name == nil && advancedEventSelectors == nil && multiRegionEnabled == nil && organizationEnabled == nil
            && retentionPeriod == nil && terminationProtectionEnabled == nil && kmsKeyId == nil && billingMode == nil
    }
}
