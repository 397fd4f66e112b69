import Logging
import TrailModel
import TrailStore

extension InsightsAnalyzer {
    /// The Start or End record of a detector decision, with its attributions.
    func record(for action: InsightDetector.Action) async throws -> InsightRecord {
        switch action {
        case .start(let insight):
            let counts = try await attributionCounts(for: insight, insightEnd: insight.startMinute + 1)
            return insight.record(.start, attributions: counts.map { $0.attributions(for: insight, insightMinutes: 1) })
        case .end(let insight):
            let end = insight.endMinute ?? insight.startMinute + 1
            let counts = try await attributionCounts(for: insight, insightEnd: end)
            let minutes = Swift.max(1, insight.durationMinutes ?? 1)
            return insight.record(.end, attributions: counts.map { $0.attributions(for: insight, insightMinutes: minutes) })
        }
    }

    /// Per-value counts of the insight's calls (minutes `[startMinute, insightEnd)`) and of its baseline's,
    /// read from event history by `eventName`; `nil` when history cannot say (data events are not in it).
    ///
    /// At most ``Configuration/attributionScanLimit`` events are read, newest first; when the limit is
    /// reached the oldest baseline calls are left out (logged).
    func attributionCounts(for insight: Insight, insightEnd: Int64) async throws -> Attributions.Counts? {
        let key = insight.key
        guard key.category == EventCategory.management else { return nil }
        let insightStart = insight.startMinute * 60
        let baselineStart = insightStart - Int64(insight.baseline.durationMinutes) * 60
        var counts = Attributions.Counts()
        var query = LookupQuery(
            attribute: .eventName(key.eventName), startTime: baselineStart, endTime: insightEnd * 60 - 1,
            category: .management, region: key.region, maxResults: 1000)
        var scanned = 0
        while true {
            let page = try await journal.lookup(query)
            for entry in page.events {
                let record = entry.record
                scanned += 1
                guard record.eventSource == key.eventSource, record.recipientAccountID == key.account else { continue }
                switch key.insightType {
                case .apiCallRate: guard record.readOnly != true else { continue }
                case .apiErrorRate: guard record.errorCode == key.errorCode else { continue }
                }
                counts.add(
                    userIdentityARN: reader.value("userIdentity.arn", in: record.raw),
                    userAgent: reader.value("userAgent", in: record.raw), errorCode: record.errorCode,
                    inInsight: record.eventTime >= insightStart, insightType: key.insightType)
            }
            guard let next = page.next else { break }
            if scanned >= configuration.attributionScanLimit {
                logger.notice(
                    "insight attributions truncated",
                    metadata: ["trail.insight.id": "\(insight.sharedEventID)", "trail.insight.scanned": "\(scanned)"])
                break
            }
            query.after = next
        }
        return counts
    }
}
