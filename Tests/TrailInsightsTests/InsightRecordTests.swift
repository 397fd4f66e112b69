import Foundation
import Testing
import TrailInsights
import TrailModel

@Suite struct InsightRecordTests {
    func closedInsight() -> Insight {
        Insight(
            key: callKey(), startMinute: minute("2026-11-09T10:00:00Z"),
            baseline: Baseline(count: 89, sumOfSquares: 89, durationMinutes: 10680), threshold: 10, startCount: 40,
            endMinute: minute("2026-11-09T10:03:00Z"), totalCount: 120
        )
    }

    @Test func startRecordHasTheStartMinuteRateAndNoDuration() throws {
        let record = closedInsight().record(.start)
        let json = try #require(try parse(record.jsonText) as? [String: Any])
        #expect(json["eventTime"] as? String == "2026-11-09T10:00:00Z")
        #expect(json["eventType"] as? String == "AwsCloudTrailInsight")
        #expect(json["eventCategory"] as? String == "Insight")
        #expect(json["eventVersion"] as? String == "1.09")
        #expect(json["recipientAccountId"] as? String == "111122223333")
        #expect(json["awsRegion"] as? String == "us-east-1")
        let details = try #require(json["insightDetails"] as? [String: Any])
        #expect(details["state"] as? String == "Start")
        #expect(details["sourceEventCategory"] as? String == "Management")
        #expect(details["errorCode"] == nil)
        let context = try #require(details["insightContext"] as? [String: Any])
        #expect(context["attributions"] == nil)
        let statistics = try #require(context["statistics"] as? [String: Any])
        #expect(statistics["insightDuration"] == nil)
        #expect((statistics["baselineDuration"] as? NSNumber)?.intValue == 10680)
        #expect(((statistics["insight"] as? [String: Any])?["average"] as? NSNumber)?.doubleValue == 40)
    }

    @Test func endRecordHasTheWholeAverageAndDuration() throws {
        let record = closedInsight().record(.end)
        #expect(record.eventTime == minute("2026-11-09T10:03:00Z") * 60)
        #expect(record.insightDuration == 3)
        #expect(record.insightAverage == 40)
        #expect(
            record.jsonText.contains(
                "\"statistics\":{\"baseline\":{\"average\":0.008333333333333333},"
                    + "\"insight\":{\"average\":40},\"insightDuration\":3,\"baselineDuration\":10680}"))
    }

    @Test func identifiersAreDeterministicUUIDsSharedByStartAndEnd() throws {
        let insight = closedInsight()
        let start = insight.record(.start)
        let end = insight.record(.end)
        #expect(start.sharedEventID == end.sharedEventID)
        #expect(start.eventID != end.eventID)
        #expect(start.eventID == closedInsight().record(.start).eventID)
        for id in [start.eventID, end.eventID, start.sharedEventID] {
            let uuid = try #require(UUID(uuidString: id))
            #expect(uuid.uuidString.lowercased() == id)
        }
        var other = insight
        other.startMinute += 1
        #expect(other.sharedEventID != insight.sharedEventID)
    }

    @Test func numbersAreShortestRoundTrip() {
        #expect(InsightRecord.number(664) == "664")
        #expect(InsightRecord.number(0.6) == "0.6")
        #expect(InsightRecord.number(1.0 / 11336) == "8.821453775582216e-05")
        #expect(InsightRecord.number(861036.0 / 10080) == "85.42023809523809")
        #expect(InsightRecord.number(.nan) == "0")
    }

    @Test func attributionsKeepTheTopFiveByCount() {
        let counts = ["a": 1, "b": 7, "c": 3, "d": 3, "e": 2, "f": 9, "g": 0]
        let ranked = Attributions.ranked(counts, minutes: 2)
        #expect(ranked.map(\.value) == ["f", "b", "c", "d", "e"])
        #expect(ranked.map(\.average) == [4.5, 3.5, 1.5, 1.5, 1])
    }

    @Test func errorRateInsightsHaveNoErrorCodeAttribution() {
        var counts = Attributions.Counts()
        counts.add(
            userIdentityARN: "arn:x", userAgent: "ua", errorCode: "E", inInsight: true, insightType: .apiErrorRate)
        var insight = closedInsight()
        insight.key.insightType = .apiErrorRate
        insight.key.errorCode = "E"
        let attributions = counts.attributions(for: insight, insightMinutes: 1)
        #expect(attributions.map(\.attribute) == ["userIdentityArn", "userAgent"])
        #expect(attributions.first?.baseline.isEmpty == true)
    }

    @Test func jsonEscapesValues() throws {
        var record = closedInsight().record(.end)
        record.eventName = "Quote\"And\\Backslash"
        let json = try #require(try parse(record.jsonText) as? [String: Any])
        #expect((json["insightDetails"] as? [String: Any])?["eventName"] as? String == "Quote\"And\\Backslash")
    }
}
