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
