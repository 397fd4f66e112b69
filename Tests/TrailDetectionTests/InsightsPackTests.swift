import Foundation
import Testing
import TrailDetection
import TrailStore
import TrailModel

@Suite("Insights rule pack")
struct InsightsPackTests {
    static func record(_ state: InsightRecord.State, _ type: InsightType) throws -> AuditRecord {
        let record = InsightRecord(
            eventTime: 1_793_577_600, awsRegion: "us-east-1", recipientAccountID: "111122223333",
            eventID: InsightRecord.derivedID([state.rawValue, type.rawValue]), sharedEventID: InsightRecord.derivedID([type.rawValue]),
            state: state, eventSource: "iam.amazonaws.com", eventName: "CreateUser", insightType: type,
            errorCode: type == .apiErrorRate ? "AccessDenied" : nil, sourceEventCategory: "Management", baselineAverage: 0.1,
            insightAverage: 30, insightDuration: state == .end ? 1 : nil, baselineDuration: 10800,
            attributions: [InsightRecord.Attribution(attribute: "userIdentityArn", insight: [], baseline: [])])
        return try RecordParser().record(record.jsonData).get()
    }

    @Test("Start records raise a finding per insight type; End records and API calls do not")
    func startRaisesFindings() throws {
        let rules = try RuleSet.load(["insights"])
        #expect(rules.matchingRules(try Self.record(.start, .apiCallRate)).map(\.name) == ["insights-api-call-rate-start"])
        let error = rules.findings(for: try Self.record(.start, .apiErrorRate), origin: "journal", detectedAt: 1)
        #expect(error.map(\.rule) == ["insights-api-error-rate-start"])
        #expect(error.first?.severity == .high)
        #expect(rules.matchingRules(try Self.record(.end, .apiCallRate)).isEmpty)
        #expect(rules.matchingRules(try Fixtures.event(["eventName": "CreateUser"])).isEmpty)
        #expect(RuleSet.builtInPacks.contains("insights"))
    }
}
