import TrailModel

/// Builds `insightContext.attributions` from per-value counts (plan §4.3).
///
/// The counts come from the journal (the shell looks up the key's events in the insight and baseline
/// windows); this type only ranks and averages them.
public enum Attributions {
    /// The attribute of caller ARNs.
    public static let userIdentityARN = "userIdentityArn"
    /// The attribute of user agents.
    public static let userAgent = "userAgent"
    /// The attribute of error codes (call-rate insights only).
    public static let errorCode = "errorCode"
    /// The `errorCode` attribution value of calls without an error.
    public static let noError = "null"

    /// The top `limit` values by count (ties by value), each with `average = count / minutes`.
    public static func ranked(_ counts: [String: Int], minutes: Int, limit: Int = 5) -> [InsightRecord.Contributor] {
        guard minutes > 0 else { return [] }
        return counts.filter { $0.value > 0 }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(limit)
            .map { InsightRecord.Contributor(value: $0.key, average: Double($0.value) / Double(minutes)) }
    }

    /// One attribution: `insight` averaged over the insight's minutes, `baseline` over the baseline's.
    public static func attribution(
        _ attribute: String, insight: [String: Int], insightMinutes: Int, baseline: [String: Int], baselineMinutes: Int
    ) -> InsightRecord.Attribution {
        InsightRecord.Attribution(
            attribute: attribute, insight: ranked(insight, minutes: insightMinutes),
            baseline: ranked(baseline, minutes: baselineMinutes)
        )
    }

    /// Per-value counts of one insight, in the two windows, for every attribute.
    public struct Counts: Sendable, Hashable {
        /// Attribute → value → calls during the insight.
        public var insight: [String: [String: Int]] = [:]
        /// Attribute → value → calls during the baseline.
        public var baseline: [String: [String: Int]] = [:]

        /// Empty counts.
        public init() {}

        /// Counts one call in the insight (`inInsight`) or baseline window. A missing error code counts
        /// as ``Attributions/noError``; it is only recorded for call-rate insights.
        public mutating func add(
            userIdentityARN: String?, userAgent: String?, errorCode: String?, inInsight: Bool, insightType: InsightType
        ) {
            var values: [(String, String)] = []
            if let userIdentityARN { values.append((Attributions.userIdentityARN, userIdentityARN)) }
            if let userAgent { values.append((Attributions.userAgent, userAgent)) }
            if insightType == .apiCallRate {
                values.append((Attributions.errorCode, errorCode ?? Attributions.noError))
            }
            for (attribute, value) in values {
                if inInsight {
                    insight[attribute, default: [:]][value, default: 0] += 1
                } else {
                    baseline[attribute, default: [:]][value, default: 0] += 1
                }
            }
        }

        /// The attributions of `insight` in CloudTrail's order: `userIdentityArn`, `userAgent`, then
        /// `errorCode` for call-rate insights.
        /// - Parameter insightMinutes: the insight's minutes so far (1 at Start, the duration at End).
        public func attributions(for insight: Insight, insightMinutes: Int) -> [InsightRecord.Attribution] {
            var names = [Attributions.userIdentityARN, Attributions.userAgent]
            if insight.key.insightType == .apiCallRate { names.append(Attributions.errorCode) }
            return names.map { name in
                Attributions.attribution(
                    name, insight: self.insight[name] ?? [:], insightMinutes: insightMinutes,
                    baseline: baseline[name] ?? [:], baselineMinutes: insight.baseline.durationMinutes
                )
            }
        }
    }
}
