
/// What one insight series counts: one API of one account and region, for one insight type.
///
/// Call-rate keys have `errorCode == nil`; error-rate keys carry the error being counted.
public struct InsightKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// `recipientAccountId` of the counted events.
    public var account: String
    /// `awsRegion` of the counted events.
    public var region: String
    /// `Management` or `Data` (the record's `eventCategory`, reported as `sourceEventCategory`).
    public var category: String
    /// The API's service (`iam.amazonaws.com`).
    public var eventSource: String
    /// The API (`CreateUser`).
    public var eventName: String
    /// Which kind of insight the series is for.
    public var insightType: InsightType
    /// The counted error (error-rate only).
    public var errorCode: String?

    /// Creates a key.
    public init(
        account: String, region: String, category: String, eventSource: String, eventName: String,
        insightType: InsightType, errorCode: String? = nil
    ) {
        self.account = account
        self.region = region
        self.category = category
        self.eventSource = eventSource
        self.eventName = eventName
        self.insightType = insightType
        self.errorCode = errorCode
    }

    /// The key's fields in a fixed order, used for ordering and for derived identifiers.
    public var parts: [String] {
        [account, region, category, eventSource, eventName, insightType.rawValue, errorCode ?? ""]
    }

    /// The parts joined by `/`, for logs.
    public var description: String { parts.joined(separator: "/") }

    public static func < (lhs: InsightKey, rhs: InsightKey) -> Bool { lhs.parts.lexicographicallyPrecedes(rhs.parts) }
}

/// The indexed fields of one journal record that Insights counting reads (plan §4.1).
public struct InsightEventFields: Sendable, Hashable {
    /// Seconds since 1970.
    public var eventTime: Int64
    /// `eventCategory` (`Management`, `Data`, …).
    public var eventCategory: String
    /// `readOnly`; `nil` when the record does not say.
    public var readOnly: Bool?
    /// `eventSource`.
    public var eventSource: String?
    /// `eventName`.
    public var eventName: String?
    /// `errorCode`; `nil` for successful calls.
    public var errorCode: String?
    /// `recipientAccountId`.
    public var account: String?
    /// `awsRegion`.
    public var region: String?

    /// Creates the fields.
    public init(
        eventTime: Int64, eventCategory: String, readOnly: Bool?, eventSource: String?, eventName: String?,
        errorCode: String?, account: String?, region: String?
    ) {
        self.eventTime = eventTime
        self.eventCategory = eventCategory
        self.readOnly = readOnly
        self.eventSource = eventSource
        self.eventName = eventName
        self.errorCode = errorCode
        self.account = account
        self.region = region
    }

    /// The fields of a parsed record.
    public init(_ record: AuditRecord) {
        self.init(
            eventTime: record.eventTime, eventCategory: record.eventCategory, readOnly: record.readOnly,
            eventSource: record.eventSource, eventName: record.eventName, errorCode: record.errorCode,
            account: record.recipientAccountID, region: record.awsRegion
        )
    }

    /// The minute the event is counted in: `floor(eventTime / 60)`.
    public var minute: Int64 { Self.minute(of: eventTime) }

    /// `floor(seconds / 60)`, also for times before 1970.
    public static func minute(of seconds: Int64) -> Int64 {
        seconds >= 0 ? seconds / 60 : -((-seconds + 59) / 60)
    }
}

extension InsightKey {
    /// The keys an event counts toward (plan §4.1), at most one per insight type.
    ///
    /// Only `Management` and `Data` events count, and only with an account, a region, an event source
    /// and an event name. Call rate: management events that are not read-only (`readOnly != true`:
    /// CloudTrail analyses write management calls) and every data event. Error rate: any such event
    /// with an `errorCode`.
    /// - Parameter types: the insight types to count; both by default.
    public static func keys(
        for event: InsightEventFields, types: Set<InsightType> = Set(InsightType.allCases)
    ) -> [InsightKey] {
        guard event.eventCategory == EventCategory.management || event.eventCategory == EventCategory.data,
            let account = event.account, !account.isEmpty, let region = event.region, !region.isEmpty,
            let source = event.eventSource, !source.isEmpty, let name = event.eventName, !name.isEmpty
        else { return [] }
        var keys: [InsightKey] = []
        let isWrite = event.readOnly != true
        if types.contains(.apiCallRate), event.eventCategory == EventCategory.data || isWrite {
            keys.append(
                InsightKey(
                    account: account, region: region, category: event.eventCategory, eventSource: source,
                    eventName: name, insightType: .apiCallRate
                )
            )
        }
        if types.contains(.apiErrorRate), let error = event.errorCode, !error.isEmpty {
            keys.append(
                InsightKey(
                    account: account, region: region, category: event.eventCategory, eventSource: source,
                    eventName: name, insightType: .apiErrorRate, errorCode: error
                )
            )
        }
        return keys
    }
}
