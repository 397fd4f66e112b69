/// Which journal events a trail's log files receive: its selection, its regions, and whether
/// global service events are included. Kept in delivery plans so a replay selects the same events.
public struct TrailFilter: Sendable, Hashable, Codable {
    public var selection: EventSelection
    public var homeRegion: String
    public var isMultiRegionTrail: Bool
    public var includeGlobalServiceEvents: Bool

    public init(selection: EventSelection, homeRegion: String, isMultiRegionTrail: Bool, includeGlobalServiceEvents: Bool) {
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
        if !includeGlobalServiceEvents, let source = record.eventSource, Self.globalServiceSources.contains(source) {
            return false
        }
        return selection.matches(record, reader: reader)
    }
}

extension Trail {
    public var filter: TrailFilter {
        TrailFilter(
            selection: selection, homeRegion: homeRegion, isMultiRegionTrail: isMultiRegionTrail,
            includeGlobalServiceEvents: includeGlobalServiceEvents)
    }
}
