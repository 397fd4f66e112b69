import Foundation
import Testing
import TrailDelivery
import TrailModel
import TrailStore
import TrailTesting

@Suite("Insights delivery")
struct InsightDeliveryTests {
    /// An Insights record (Start of a call-rate or error-rate insight) as the analyzer writes it.
    static func insight(_ type: InsightType, time: Int64, region: String = "us-east-1", category: String = "Management")
        -> AuditRecord
    {
        let record = InsightRecord(
            eventTime: time / 60 * 60, awsRegion: region, recipientAccountID: DeliveryFixture.account,
            eventID: InsightRecord.derivedID([type.rawValue, String(time), region, category]),
            sharedEventID: InsightRecord.derivedID([type.rawValue, String(time)]), state: .start,
            eventSource: "iam.amazonaws.com", eventName: "CreateUser", insightType: type,
            errorCode: type == .apiErrorRate ? "AccessDenied" : nil, sourceEventCategory: category, baselineAverage: 0.5,
            insightAverage: 30, insightDuration: nil, baselineDuration: 10800, attributions: nil)
        return try! RecordParser().record(record.jsonData).get()
    }

    static func trail(_ selectors: [InsightSelector]?, multiRegion: Bool = false) -> Trail {
        var trail = DeliveryFixture.trail(multiRegion: multiRegion)
        trail.insightSelectors = selectors
        return trail
    }

    @Test("Insights records of enabled types go to CloudTrail-Insight files, listed in the digest")
    func insightFiles() async throws {
        let f = try await DeliveryFixture()
        let d = try f.deliverer()
        _ = try await d.catalog.create(Self.trail([InsightSelector(insightType: .apiCallRate)]))
        _ = try await d.startLogging("audit")
        let now = f.clock.now
        let callRate = Self.insight(.apiCallRate, time: now - 120)
        try await f.append(
            TrailDelivererTests.records(3, time: now - 60) + [
                callRate, Self.insight(.apiErrorRate, time: now - 120),
                Self.insight(.apiCallRate, time: now - 60, category: "Data"),
                Self.insight(.apiCallRate, time: now - 60, region: "eu-west-1"),
            ])
        f.clock.advance(300)
        await d.tick()

        let logs = try await f.files("CloudTrail")
        #expect(logs.count == 1)
        #expect(try await f.deliveredEventIDs().count == 3, "no Insights record in CloudTrail/ files")
        let insights = try await f.files("CloudTrail-Insight")
        #expect(insights.count == 1)
        let file = try #require(insights.first)
        #expect(
            file.key.hasPrefix(
                "AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2024/05/01/111122223333_CloudTrail-Insight_us-east-1_20240501T1045Z_"))
        #expect(file.key.hasSuffix(".json.gz"))
        let object = try TrailDelivererTests.json(file.body)
        let records = try #require(object["Records"] as? [[String: Any]])
        #expect(records.map { $0["eventID"] as? String } == [callRate.eventID])
        #expect(records.first?["eventType"] as? String == "AwsCloudTrailInsight")
        #expect((records.first?["insightDetails"] as? [String: Any])?["state"] as? String == "Start")

        f.clock.advance(3600)
        await d.tick()
        let digests = try await f.files("CloudTrail-Digest")
        #expect(digests.count == 1)
        let digest = try TrailDelivererTests.json(digests[0].body)
        let listed = try #require(digest["logFiles"] as? [[String: Any]])
        #expect(Set(listed.compactMap { $0["s3Object"] as? String }) == [logs[0].key, file.key])
        let insightEntry = try #require(listed.first { $0["s3Object"] as? String == file.key })
        #expect(insightEntry["hashValue"] as? String == Hex.sha256(file.body))
        let keys = await d.keys.publicKeys(region: "us-east-1", from: nil, to: nil)
        #expect(try TrailDelivererTests.verify(digests[0], keys: keys))
    }

    @Test("Trails without the type enabled get no Insights files; multi-Region trails get every region's")
    func selection() async throws {
        let f = try await DeliveryFixture()
        let d = try f.deliverer()
        _ = try await d.catalog.create(
            Self.trail([InsightSelector(insightType: .apiErrorRate, eventCategories: ["Management", "Data"])], multiRegion: true))
        _ = try await d.startLogging("audit")
        let now = f.clock.now
        try await f.append([
            Self.insight(.apiCallRate, time: now - 120), Self.insight(.apiErrorRate, time: now - 120, region: "eu-west-1"),
            Self.insight(.apiErrorRate, time: now - 60, category: "Data"),
        ])
        f.clock.advance(300)
        await d.tick()
        let files = try await f.files("CloudTrail-Insight").sorted { $0.key < $1.key }
        #expect(files.map { $0.key.split(separator: "/")[3] } == ["eu-west-1", "us-east-1"])
        #expect(try await f.files("CloudTrail").isEmpty)

        // Switched off: later Insights records are not delivered.
        _ = try await d.catalog.update("audit") { $0.insightSelectors = nil }
        try await f.append([Self.insight(.apiErrorRate, time: now + 200)])
        f.clock.advance(300)
        await d.tick()
        #expect(try await f.files("CloudTrail-Insight").count == 2)
    }

    @Test("Trail files and delivery plans written before Insights still decode")
    func decodeIfPresent() throws {
        let plain = try JSONEncoder().encode(DeliveryFixture.trail().filter)
        #expect(!String(decoding: plain, as: UTF8.self).contains("insightSelectors"))
        let filter = try JSONDecoder().decode(TrailFilter.self, from: plain)
        #expect(filter.insightSelectors == nil)
        var trail = DeliveryFixture.trail()
        let old = try JSONEncoder().encode(trail)
        #expect(!String(decoding: old, as: UTF8.self).contains("InsightSelectors"))
        #expect(try JSONDecoder().decode(Trail.self, from: old).insightSelectors == nil)
        trail.insightSelectors = [InsightSelector(insightType: .apiCallRate, eventCategories: ["Data"])]
        let decoded = try JSONDecoder().decode(Trail.self, from: try JSONEncoder().encode(trail))
        #expect(decoded.insightSelectors == trail.insightSelectors)
        #expect(decoded.hasInsightSelectors)
    }
}
