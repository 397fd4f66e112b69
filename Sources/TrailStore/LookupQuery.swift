import TrailModel

/// One LookupEvents attribute filter.
public enum LookupAttribute: Sendable, Hashable {
    case eventID(String)
    case eventName(String)
    case readOnly(Bool)
    case username(String)
    case resourceType(String)
    case resourceName(String)
    case eventSource(String)
    case accessKeyID(String)

    /// The attribute's name in the AWS API (`EventId`, `EventName`, …).
    public var key: String {
        switch self {
        case .eventID: "EventId"
        case .eventName: "EventName"
        case .readOnly: "ReadOnly"
        case .username: "Username"
        case .resourceType: "ResourceType"
        case .resourceName: "ResourceName"
        case .eventSource: "EventSource"
        case .accessKeyID: "AccessKeyId"
        }
    }

    /// The attribute's value as the API carries it.
    public var value: String {
        switch self {
        case .eventID(let v), .eventName(let v), .username(let v), .resourceType(let v), .resourceName(let v),
            .eventSource(let v), .accessKeyID(let v):
            v
        case .readOnly(let b): b ? "true" : "false"
        }
    }
}

/// A page request over event history.
public struct LookupQuery: Sendable, Hashable {
    /// Management events (event history's default) or Insights events.
    public enum Category: Sendable, Hashable {
        case management
        case insight
    }

    public var attribute: LookupAttribute?
    /// Inclusive bounds on `eventTime`, seconds since 1970.
    public var startTime: Int64
    public var endTime: Int64
    public var category: Category
    /// Only events recorded in this region (`awsRegion`); `nil` for all regions.
    public var region: String?
    public var maxResults: Int
    /// Where the previous page ended; `nil` for the first page.
    public var after: PagePosition?

    public init(
        attribute: LookupAttribute? = nil, startTime: Int64 = .min, endTime: Int64 = .max,
        category: Category = .management, region: String? = nil, maxResults: Int = 50, after: PagePosition? = nil
    ) {
        self.attribute = attribute
        self.startTime = startTime
        self.endTime = endTime
        self.category = category
        self.region = region
        self.maxResults = maxResults
        self.after = after
    }

    /// The `eventCategory` values this query covers.
    public var categoryValue: String {
        category == .management ? EventCategory.management : EventCategory.insight
    }

    /// Whether a record belongs to this query's result set (ignoring the page position).
    public func matches(_ r: AuditRecord) -> Bool {
        guard r.eventCategory == categoryValue, r.eventTime >= startTime, r.eventTime <= endTime else { return false }
        if let region, r.awsRegion != region { return false }
        guard let attribute else { return true }
        switch attribute {
        case .eventID(let v): return r.eventID == v
        case .eventName(let v): return r.eventName == v
        case .readOnly(let b): return r.readOnly == b
        case .username(let v): return r.username == v
        case .resourceType(let v): return r.resources.contains { $0.type == v }
        case .resourceName(let v): return r.resources.contains { $0.name == v }
        case .eventSource(let v): return r.eventSource == v
        case .accessKeyID(let v): return r.accessKeyID == v
        }
    }
}

/// A position in newest-first order: the last event of a page.
///
/// Pages continue strictly after (`eventTime`, `sequence`) in descending order, so events that
/// arrive while a client pages neither repeat nor shift later pages.
public struct PagePosition: Sendable, Hashable {
    public var eventTime: Int64
    public var sequence: Int64
    public init(eventTime: Int64, sequence: Int64) {
        self.eventTime = eventTime
        self.sequence = sequence
    }

    /// Whether an event at (`eventTime`, `sequence`) comes after this position in newest-first order.
    public func precedes(eventTime t: Int64, sequence s: Int64) -> Bool {
        t < eventTime || (t == eventTime && s < sequence)
    }
}

/// One page of event history.
public struct LookupPage: Sendable {
    public var events: [JournalEntry]
    /// Set when more events may follow.
    public var next: PagePosition?
    public init(events: [JournalEntry], next: PagePosition?) {
        self.events = events
        self.next = next
    }
}
