/// Event data store selectors (spec §8.2): validation with the store rules and matching of every category.
extension EventSelection {
    /// Fields store selectors accept per event category.
    static let storeFields: [String: Set<String>] = [
        EventCategory.management: [
            "eventCategory", "eventSource", "readOnly", "eventName", "eventType", "sessionCredentialFromConsole",
            "userIdentity.arn",
        ],
        EventCategory.data: [
            "eventCategory", "resources.type", "eventName", "eventSource", "eventType", "readOnly", "resources.ARN",
            "sessionCredentialFromConsole", "userIdentity.arn",
        ],
        EventCategory.networkActivity: ["eventCategory", "eventSource", "eventName", "errorCode", "vpcEndpointId"],
        EventCategory.insight: ["eventCategory"],
        EventCategory.activityAuditLog: ["eventCategory"],
    ]

    /// Categories of AWS events (the others come from outside CloudTrail's own logging).
    static let awsCategories: Set<String> = [EventCategory.management, EventCategory.data, EventCategory.networkActivity]

    /// Checks an event data store's advanced selectors (at most 5; one category family).
    ///
    /// `ConfigurationItem` and `Evidence` (AWS Config and Audit Manager sources) are refused: Trailkeeper has no
    /// such source.
    public static func validate(eventDataStore selectors: [AdvancedEventSelector]) throws(EventSelectorError) {
        guard (1...5).contains(selectors.count) else {
            throw EventSelectorError("An event data store can have between 1 and 5 advanced event selectors; \(selectors.count) were given.")
        }
        var categories = Set<String>()
        for s in selectors {
            if let name = s.name, name.count > 1000 {
                throw EventSelectorError("Selector name is longer than 1000 characters.")
            }
            guard !s.fieldSelectors.isEmpty else {
                throw EventSelectorError("Advanced event selector \(s.name ?? "") has no field selectors.")
            }
            var seen = Set<String>()
            for f in s.fieldSelectors {
                guard seen.insert(f.field).inserted else {
                    throw EventSelectorError("Field \(f.field) appears more than once in one advanced event selector.")
                }
                guard !f.conditions.isEmpty else { throw EventSelectorError("Field selector \(f.field) has no operator.") }
                for (op, values) in f.conditions {
                    guard !values.isEmpty else { throw EventSelectorError("Operator \(op.rawValue) of field \(f.field) has no values.") }
                    for v in values where v.isEmpty || v.count > 2048 {
                        throw EventSelectorError("Values of field \(f.field) must be 1 to 2048 characters long.")
                    }
                    if ["readOnly", "eventCategory", "resources.type"].contains(f.field), op != .equals {
                        throw EventSelectorError("Field \(f.field) only supports the Equals operator.")
                    }
                    if f.field == "sessionCredentialFromConsole", op != .equals, op != .notEquals {
                        throw EventSelectorError("Field sessionCredentialFromConsole only supports Equals and NotEquals.")
                    }
                }
                if f.field == "readOnly", let v = f.values(.equals), v.contains(where: { $0 != "true" && $0 != "false" }) {
                    throw EventSelectorError("Field readOnly accepts only the values true and false.")
                }
            }
            guard let category = s.fieldSelectors.first(where: { $0.field == "eventCategory" })?.values(.equals),
                category.count == 1
            else {
                throw EventSelectorError("Each advanced event selector needs an eventCategory field with exactly one Equals value.")
            }
            let c = category[0]
            guard let allowed = storeFields[c] else {
                throw EventSelectorError(
                    "eventCategory \(c) is not supported; use Management, Data, NetworkActivity, Insight or ActivityAuditLog.")
            }
            for f in s.fieldSelectors where !allowed.contains(f.field) {
                throw EventSelectorError("Field \(f.field) is not supported for \(c) events in an event data store.")
            }
            if c == EventCategory.data, s.fieldSelectors.first(where: { $0.field == "resources.type" })?.values(.equals)?.count != 1 {
                throw EventSelectorError("Data event selectors need a resources.type field with exactly one Equals value.")
            }
            if c == EventCategory.networkActivity,
                s.fieldSelectors.first(where: { $0.field == "eventSource" })?.values(.equals)?.count != 1
            {
                throw EventSelectorError("Network activity selectors need an eventSource field with exactly one Equals value.")
            }
            categories.insert(c)
        }
        let aws = categories.intersection(awsCategories)
        guard aws.isEmpty ? categories.count == 1 : aws == categories else {
            throw EventSelectorError(
                "An event data store holds either CloudTrail events (Management, Data, NetworkActivity) or one other category (\(categories.sorted().joined(separator: ", "))), not both.")
        }
    }

    /// The kind of events valid store selectors describe.
    public static func storeCategory(of selectors: [AdvancedEventSelector]) -> EventDataStoreCategory {
        let categories = selectors.compactMap { s in s.fieldSelectors.first(where: { $0.field == "eventCategory" })?.values(.equals)?.first }
        if categories.contains(EventCategory.activityAuditLog) { return .activityAuditLog }
        if categories.contains(EventCategory.insight) { return .insight }
        return .cloudTrail
    }
}

extension EventDataStore {
    /// Whether live ingest adds `record` to this store: the region rule, then any selector matches.
    ///
    /// Channel routing of `ActivityAuditLog` records (destinations) is checked by the caller.
    public func selects(_ record: AuditRecord, reader: RecordFieldReader) -> Bool {
        if !multiRegionEnabled, let r = record.awsRegion, r != region { return false }
        let selectors = advancedEventSelectors.isEmpty ? Self.defaultSelectors : advancedEventSelectors
        return selectors.contains { $0.matches(record, reader: reader) }
    }
}
