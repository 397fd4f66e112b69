/// The two kinds of CloudTrail Insights.
///
/// The raw values are the wire names used in `PutInsightSelectors` and in
/// `insightDetails.insightType` of an Insights record.
public enum InsightType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Unusual volume of write management calls (or of data calls) per minute.
    case apiCallRate = "ApiCallRateInsight"
    /// Unusual volume of calls that ended with a given error code per minute.
    case apiErrorRate = "ApiErrorRateInsight"
}
