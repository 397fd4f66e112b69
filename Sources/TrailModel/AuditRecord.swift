import Foundation

/// One CloudTrail record, kept losslessly.
///
/// `raw` holds the record's JSON exactly as it was received; the other properties are the
/// typed, indexed fields that event history and the journal's consumers search on. They are
/// derived from `raw` by ``RecordParser`` and never written back into it.
public struct AuditRecord: Sendable, Hashable {
    /// A resource named in the record's `resources` list.
    public struct Resource: Sendable, Hashable, Codable {
        public var type: String?
        public var name: String?
        public init(type: String?, name: String?) {
            self.type = type
            self.name = name
        }
    }

    /// The record's `eventID`, or an ID derived from its bytes when the record has none (eventVersion 1.0).
    public var eventID: String
    /// `eventTime` as seconds since 1970 (UTC).
    public var eventTime: Int64
    public var eventName: String?
    public var eventSource: String?
    public var readOnly: Bool?
    /// Event history's `Username` (see ``EventHistoryUsername``).
    public var username: String?
    public var accessKeyID: String?
    public var resources: [Resource]
    /// `Management`, `Data`, `NetworkActivity`, `Insight`, `ActivityAuditLog`, … (derived for old versions).
    public var eventCategory: String
    public var managementEvent: Bool?
    public var awsRegion: String?
    public var recipientAccountID: String?
    public var errorCode: String?
    public var eventType: String?
    public var eventVersion: String?
    /// The record's JSON exactly as received.
    public var raw: Data

    public init(
        eventID: String, eventTime: Int64, eventName: String?, eventSource: String?, readOnly: Bool?,
        username: String?, accessKeyID: String?, resources: [Resource], eventCategory: String,
        managementEvent: Bool?, awsRegion: String?, recipientAccountID: String?, errorCode: String?,
        eventType: String?, eventVersion: String?, raw: Data
    ) {
        self.eventID = eventID
        self.eventTime = eventTime
        self.eventName = eventName
        self.eventSource = eventSource
        self.readOnly = readOnly
        self.username = username
        self.accessKeyID = accessKeyID
        self.resources = resources
        self.eventCategory = eventCategory
        self.managementEvent = managementEvent
        self.awsRegion = awsRegion
        self.recipientAccountID = recipientAccountID
        self.errorCode = errorCode
        self.eventType = eventType
        self.eventVersion = eventVersion
        self.raw = raw
    }

    /// Whether event history (LookupEvents without `EventCategory`) shows this record.
    public var isManagementEvent: Bool { eventCategory == EventCategory.management }
    /// Whether this is an Insights event.
    public var isInsight: Bool { eventCategory == EventCategory.insight }
}

/// The `eventCategory` values the model knows.
public enum EventCategory {
    public static let management = "Management"
    public static let data = "Data"
    public static let networkActivity = "NetworkActivity"
    public static let insight = "Insight"
    public static let activityAuditLog = "ActivityAuditLog"
}
