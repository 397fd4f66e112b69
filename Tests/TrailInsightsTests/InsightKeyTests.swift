import Foundation
import Testing
import TrailInsights
import TrailModel

@Suite struct InsightKeyTests {
    func event(
        category: String = "Management", readOnly: Bool? = false, errorCode: String? = nil,
        account: String? = "111122223333", region: String? = "us-east-1", time: Int64 = 1_700_000_030
    ) -> InsightEventFields {
        InsightEventFields(
            eventTime: time, eventCategory: category, readOnly: readOnly, eventSource: "iam.amazonaws.com",
            eventName: "CreateUser", errorCode: errorCode, account: account, region: region
        )
    }

    @Test func writeManagementCallCountsTowardCallRate() {
        let keys = InsightKey.keys(for: event())
        #expect(keys == [callKey()])
    }

    @Test func readOnlyManagementCallDoesNotCountTowardCallRate() {
        #expect(InsightKey.keys(for: event(readOnly: true)).isEmpty)
    }

    @Test func managementCallWithoutReadOnlyCountsAsWrite() {
        #expect(InsightKey.keys(for: event(readOnly: nil)).map(\.insightType) == [.apiCallRate])
    }

    @Test func dataCallsCountReadsAndWrites() {
        for readOnly in [true, false] {
            let keys = InsightKey.keys(for: event(category: "Data", readOnly: readOnly))
            #expect(keys.count == 1)
            #expect(keys.first?.category == "Data")
            #expect(keys.first?.insightType == .apiCallRate)
        }
    }

    @Test func errorsCountTowardErrorRateReadOrWrite() {
        let read = InsightKey.keys(for: event(readOnly: true, errorCode: "AccessDenied"))
        #expect(read.map(\.insightType) == [.apiErrorRate])
        #expect(read.first?.errorCode == "AccessDenied")
        let write = InsightKey.keys(for: event(readOnly: false, errorCode: "AccessDenied"))
        #expect(write.map(\.insightType) == [.apiCallRate, .apiErrorRate])
        #expect(write.first?.errorCode == nil)
    }

    @Test func otherCategoriesAndIncompleteEventsDoNotCount() {
        #expect(InsightKey.keys(for: event(category: "Insight")).isEmpty)
        #expect(InsightKey.keys(for: event(category: "NetworkActivity")).isEmpty)
        #expect(InsightKey.keys(for: event(account: nil)).isEmpty)
        #expect(InsightKey.keys(for: event(region: "")).isEmpty)
    }

    @Test func onlyRequestedTypesAreCounted() {
        let keys = InsightKey.keys(for: event(errorCode: "Throttling"), types: [.apiErrorRate])
        #expect(keys.map(\.insightType) == [.apiErrorRate])
    }

    @Test func minuteIsTheFloorOfEventTimeOverSixty() {
        #expect(event(time: 1_700_000_039).minute == 28_333_333)
        #expect(event(time: 1_699_999_980).minute == 28_333_333)
        #expect(InsightEventFields.minute(of: -1) == -1)
        #expect(InsightEventFields.minute(of: -60) == -1)
        #expect(InsightEventFields.minute(of: -61) == -2)
    }
}

@Suite struct InsightEventFieldsTests {
    @Test func fieldsComeFromAParsedRecord() throws {
        let json = """
            {"eventVersion":"1.09","eventTime":"2026-11-09T10:00:42Z","eventSource":"iam.amazonaws.com",
             "eventName":"CreateUser","awsRegion":"eu-west-1","readOnly":false,"errorCode":"EntityAlreadyExists",
             "eventID":"0f6b1d3c-1111-4c1e-9a39-6a0c1f0f0b11","eventType":"AwsApiCall","managementEvent":true,
             "recipientAccountId":"111122223333","eventCategory":"Management"}
            """
        let record = try RecordParser().record(Data(json.utf8)).get()
        let fields = InsightEventFields(record)
        #expect(fields.minute == minute("2026-11-09T10:00:00Z"))
        let keys = InsightKey.keys(for: fields)
        #expect(keys.map(\.insightType) == [.apiCallRate, .apiErrorRate])
        #expect(keys.allSatisfy { $0.account == "111122223333" && $0.region == "eu-west-1" })
        #expect(keys.last?.errorCode == "EntityAlreadyExists")
    }

    @Test func ourInsightRecordsParseAsInsightsAndCountTowardNothing() throws {
        let insight = Insight(
            key: callKey(), startMinute: minute("2026-11-09T10:00:00Z"),
            baseline: Baseline(count: 1, sumOfSquares: 1, durationMinutes: 10680), threshold: 10, startCount: 12,
            totalCount: 12
        )
        let record = try RecordParser().record(insight.record(.start).jsonData).get()
        #expect(record.isInsight)
        #expect(record.eventType == "AwsCloudTrailInsight")
        #expect(record.eventID == insight.eventID(for: .start))
        #expect(record.eventTime == minute("2026-11-09T10:00:00Z") * 60)
        #expect(InsightKey.keys(for: InsightEventFields(record)).isEmpty)
    }
}
