/// Which journal events a trail's log files receive: its selection, its regions, and whether
/// global service events are included. Kept in delivery plans so a replay selects the same events.
public struct TrailFilter: Sendable, Hashable, Codable {
    public var selection: EventSelection
    public var homeRegion: String
    public var isMultiRegionTrail: Bool
    public var includeGlobalServiceEvents: Bool
    /// The trail's insight selectors: which Insights records its `CloudTrail-Insight/` files receive.
    /// Optional so that delivery plans written before Insights existed still decode.
    public var insightSelectors: [InsightSelector]?

    public init(
        selection: EventSelection, homeRegion: String, isMultiRegionTrail: Bool, includeGlobalServiceEvents: Bool,
        insightSelectors: [InsightSelector]? = nil
    ) {
        self.insightSelectors = insightSelectors
        self.selection = selection
        self.homeRegion = homeRegion
        self.isMultiRegionTrail = isMultiRegionTrail
        self.includeGlobalServiceEvents = includeGlobalServiceEvents
    }

    /// Event sources CloudTrail treats as global services (recorded in us-east-1).
    public static let globalServiceSources: Set<String> = [
        "iam.amazonaws.com", "cloudfront.amazonaws.com", "route53.amazonaws.com", "organizations.amazonaws.com",
    ]

    /// Whether the trail receives `record`; `region` is the record's region (its `awsRegion`, or
    /// the service's region when absent).
    public func matches(_ record: AuditRecord, region: String, reader: RecordFieldReader) -> Bool {
        guard isMultiRegionTrail || region == homeRegion else { return false }
        if record.eventCategory == EventCategory.insight {
            return matchesInsight(record, reader: reader)
        }
        if !includeGlobalServiceEvents, let source = record.eventSource, Self.globalServiceSources.contains(source) {
            return false
        }
        return selection.matches(record, reader: reader)
    }

    /// Whether an Insights record (already in the trail's regions) goes to the trail: its insight type
    /// is enabled on its `sourceEventCategory` (`Management` when the record does not say).
    func matchesInsight(_ record: AuditRecord, reader: RecordFieldReader) -> Bool {
        guard let selectors = insightSelectors, !selectors.isEmpty,
            let typeName = reader.value("insightDetails.insightType", in: record.raw),
            let type = InsightType(rawValue: typeName)
        else { return false }
        let category = reader.value("insightDetails.sourceEventCategory", in: record.raw) ?? EventCategory.management
        return selectors.enables(type, category: category)
    }
}

extension Trail {
    public var filter: TrailFilter {
        TrailFilter(
            selection: selection, homeRegion: homeRegion, isMultiRegionTrail: isMultiRegionTrail,
            includeGlobalServiceEvents: includeGlobalServiceEvents, insightSelectors: insightSelectors)
    }
}
