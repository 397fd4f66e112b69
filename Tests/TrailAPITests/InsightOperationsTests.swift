import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ObjectStorage
import Testing
import TrailAPI
import TrailDelivery
import TrailModel
import TrailStore

@Suite("Insights operations")
struct InsightOperationsTests {
    static let arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit"

    /// Runs `body` against a router whose context has `insights` as its metric store.
    func withAPI(
        _ api: TestAPI, insights: (any InsightStateStore)? = MemoryInsightStateStore(),
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var context = api.context()
        context.insights = insights
        let app = Application(router: buildRouter(context))
        try await app.test(.router) { client in try await body(client) }
    }

    func createTrail(_ api: TestAPI, _ client: any TestClientProtocol) async throws {
        try await api.objects.createBucket("audit-logs", region: "us-east-1")
        let (status, _) = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": "audit-logs"])
        #expect(status == .ok)
    }

    @Test("PutInsightSelectors enables, GetInsightSelectors reads back, DescribeTrails says HasInsightSelectors")
    func putAndGet() async throws {
        let api = TestAPI()
        try await withAPI(api) { client in
            try await createTrail(api, client)
            var (status, body) = try await client.cloudTrail("GetInsightSelectors", ["TrailName": "audit"])
            #expect(status == .badRequest)
            #expect(body["__type"] as? String == "InsightNotEnabledException")

            (status, body) = try await client.cloudTrail(
                "PutInsightSelectors",
                [
                    "TrailName": "audit",
                    "InsightSelectors": [
                        ["InsightType": "ApiCallRateInsight"],
                        ["InsightType": "ApiErrorRateInsight", "EventCategories": ["Management"]],
                    ],
                ])
            #expect(status == .ok)
            #expect(body["TrailARN"] as? String == Self.arn)
            let selectors = try #require(body["InsightSelectors"] as? [[String: Any]])
            #expect(selectors.map { $0["InsightType"] as? String } == ["ApiCallRateInsight", "ApiErrorRateInsight"])
            #expect(selectors[1]["EventCategories"] as? [String] == ["Management"])

            (status, body) = try await client.cloudTrail("GetInsightSelectors", ["TrailName": Self.arn])
            #expect(status == .ok)
            #expect((body["InsightSelectors"] as? [[String: Any]])?.count == 2)

            (_, body) = try await client.cloudTrail("GetTrail", ["Name": "audit"])
            #expect((body["Trail"] as? [String: Any])?["HasInsightSelectors"] as? Bool == true)
            let trail = try #require(await api.deliverer.catalog.all().first)
            #expect(trail.insightSelectors?.map(\.insightType) == [.apiCallRate, .apiErrorRate])

            // An empty list turns Insights off.
            (status, _) = try await client.cloudTrail("PutInsightSelectors", ["TrailName": "audit", "InsightSelectors": []])
            #expect(status == .ok)
            (_, body) = try await client.cloudTrail("GetInsightSelectors", ["TrailName": "audit"])
            #expect(body["__type"] as? String == "InsightNotEnabledException")
            (_, body) = try await client.cloudTrail("DescribeTrails", [:])
            #expect((body["trailList"] as? [[String: Any]])?.first?["HasInsightSelectors"] as? Bool == false)
        }
    }

    @Test("PutInsightSelectors refuses bad input with AWS's exception names")
    func putValidation() async throws {
        let api = TestAPI()
        try await withAPI(api) { client in
            try await createTrail(api, client)
            func put(_ input: [String: Any]) async throws -> String? {
                let (_, body) = try await client.cloudTrail("PutInsightSelectors", input)
                return body["__type"] as? String
            }
            let one: [[String: Any]] = [["InsightType": "ApiCallRateInsight"]]
            #expect(try await put(["TrailName": "missing", "InsightSelectors": one]) == "TrailNotFoundException")
            #expect(try await put(["InsightSelectors": one]) == "InvalidParameterCombinationException")
            #expect(
                try await put(["TrailName": "audit", "EventDataStore": "abc", "InsightSelectors": one])
                    == "InvalidParameterCombinationException")
            #expect(try await put(["EventDataStore": "abc", "InsightSelectors": one]) == "InvalidParameterCombinationException")
            #expect(
                try await put(["TrailName": "audit", "InsightsDestination": "abc", "InsightSelectors": one])
                    == "InvalidParameterCombinationException")
            #expect(try await put(["TrailName": "audit"]) == "InvalidParameterException")
            #expect(
                try await put(["TrailName": "audit", "InsightSelectors": [["InsightType": "ApiBurstInsight"]]])
                    == "InvalidInsightSelectorsException")
            #expect(try await put(["TrailName": "audit", "InsightSelectors": [[:] as [String: Any]]]) == "InvalidInsightSelectorsException")
            #expect(
                try await put(["TrailName": "audit", "InsightSelectors": one + one]) == "InvalidInsightSelectorsException")
            #expect(
                try await put([
                    "TrailName": "audit",
                    "InsightSelectors": [["InsightType": "ApiCallRateInsight", "EventCategories": ["Network"]]],
                ]) == "InvalidInsightSelectorsException")
            #expect(
                try await put(["TrailName": "audit", "InsightSelectors": [["InsightType": 3]]]) == "SerializationException")

            // A trail logging only read-only management events cannot have call-rate insights…
            let (status, _) = try await client.cloudTrail(
                "PutEventSelectors",
                ["TrailName": "audit", "EventSelectors": [["ReadWriteType": "ReadOnly", "IncludeManagementEvents": true]]])
            #expect(status == .ok)
            #expect(try await put(["TrailName": "audit", "InsightSelectors": one]) == "InvalidInsightSelectorsException")
            // …but error-rate insights analyse any management event.
            #expect(
                try await put(["TrailName": "audit", "InsightSelectors": [["InsightType": "ApiErrorRateInsight"]]]) == nil)
        }
    }

    @Test("ListInsightsMetricData sums the analyzer's per-minute counts by period, with zeros or without")
    func metricData() async throws {
        let hour: Int64 = 1_700_000_000 / 3600 * 3600
        let api = TestAPI(now: hour + 2 * 3600)
        let store = MemoryInsightStateStore()
        let key = InsightKey(
            account: TestAPI.account, region: "us-east-1", category: "Management", eventSource: "iam.amazonaws.com",
            eventName: "CreateUser", insightType: .apiCallRate)
        let errorKey = InsightKey(
            account: TestAPI.account, region: "us-east-1", category: "Management", eventSource: "iam.amazonaws.com",
            eventName: "CreateUser", insightType: .apiErrorRate, errorCode: "AccessDenied")
        let otherRegion = InsightKey(
            account: TestAPI.account, region: "eu-west-1", category: "Management", eventSource: "iam.amazonaws.com",
            eventName: "CreateUser", insightType: .apiCallRate)
        let minute = hour / 60
        try await store.commit(
            position: 1, state: Data(),
            adding: [
                InsightMinuteCount(key: key, minute: minute, count: 3),
                InsightMinuteCount(key: key, minute: minute + 2, count: 4),
                InsightMinuteCount(key: key, minute: minute + 7, count: 5),
                InsightMinuteCount(key: key, minute: minute + 61, count: 6),
                InsightMinuteCount(key: errorKey, minute: minute + 2, count: 2),
                InsightMinuteCount(key: otherRegion, minute: minute, count: 100),
            ])
        try await withAPI(api, insights: store) { client in
            try await createTrail(api, client)
            let base: [String: Any] = [
                "TrailName": "audit", "EventSource": "iam.amazonaws.com", "EventName": "CreateUser",
                "InsightType": "ApiCallRateInsight", "StartTime": hour, "EndTime": hour + 2 * 3600,
            ]
            var (status, body) = try await client.cloudTrail("ListInsightsMetricData", base)
            #expect(status == .ok)
            #expect(body["TrailARN"] as? String == Self.arn)
            #expect(body["Timestamps"] as? [Int] == [Int(hour), Int(hour + 3600)])
            #expect(body["Values"] as? [Int] == [12, 6])

            var input = base
            input["Period"] = 300
            (_, body) = try await client.cloudTrail("ListInsightsMetricData", input)
            let values = try #require(body["Values"] as? [Int])
            #expect(values.count == 24)
            #expect(values.prefix(2) == [7, 5])
            #expect(values[12] == 6)

            input["Period"] = 60
            input["DataType"] = "NonZeroData"
            (_, body) = try await client.cloudTrail("ListInsightsMetricData", input)
            #expect(body["Timestamps"] as? [Int] == [hour, hour + 120, hour + 420, hour + 3660].map { Int($0) })
            #expect(body["Values"] as? [Int] == [3, 4, 5, 6])

            // Paging: two at a time, the token carries on where the page ended.
            input["MaxResults"] = 2
            (_, body) = try await client.cloudTrail("ListInsightsMetricData", input)
            #expect(body["Values"] as? [Int] == [3, 4])
            let token = try #require(body["NextToken"] as? String)
            input["NextToken"] = token
            (_, body) = try await client.cloudTrail("ListInsightsMetricData", input)
            #expect(body["Values"] as? [Int] == [5, 6])
            #expect(body["NextToken"] == nil)
            input["EventName"] = "DeleteUser"
            (_, body) = try await client.cloudTrail("ListInsightsMetricData", input)
            #expect(body["__type"] as? String == "InvalidParameterException")

            var errors = base
            errors["InsightType"] = "ApiErrorRateInsight"
            errors["ErrorCode"] = "AccessDenied"
            errors["Period"] = 60
            errors["DataType"] = "NonZeroData"
            (_, body) = try await client.cloudTrail("ListInsightsMetricData", errors)
            #expect(body["ErrorCode"] as? String == "AccessDenied")
            #expect(body["Values"] as? [Int] == [2])

            // The caller's region selects the series.
            (_, body) = try await client.cloudTrail("ListInsightsMetricData", base, region: "eu-west-1")
            #expect(body["Values"] as? [Int] == [100, 0])
        }
    }

    @Test("ListInsightsMetricData validates its parameters")
    func metricDataValidation() async throws {
        let api = TestAPI()
        try await withAPI(api) { client in
            try await createTrail(api, client)
            let base: [String: Any] = [
                "TrailName": "audit", "EventSource": "iam.amazonaws.com", "EventName": "CreateUser",
                "InsightType": "ApiCallRateInsight",
            ]
            func type(_ change: [String: Any?]) async throws -> String? {
                var input = base
                for (k, v) in change { input[k] = v }
                let (_, body) = try await client.cloudTrail("ListInsightsMetricData", input)
                return body["__type"] as? String
            }
            #expect(try await type([:]) == nil)
            #expect(try await type(["TrailName": "missing"]) == "InvalidTrailNameException")
            #expect(try await type(["EventSource": "IAM.amazonaws.com"]) == "InvalidParameterException")
            #expect(try await type(["EventSource": "iam.example.com"]) == "InvalidParameterException")
            #expect(try await type(["EventSource": nil]) == "InvalidParameterException")
            #expect(try await type(["EventName": "Create-User"]) == "InvalidParameterException")
            #expect(try await type(["InsightType": "Other"]) == "InvalidParameterException")
            #expect(try await type(["InsightType": "ApiErrorRateInsight"]) == "InvalidParameterException")
            #expect(try await type(["ErrorCode": "AccessDenied"]) == "InvalidParameterException")
            #expect(try await type(["Period": 120]) == "InvalidParameterException")
            #expect(try await type(["DataType": "Sparse"]) == "InvalidParameterException")
            #expect(try await type(["MaxResults": 0]) == "InvalidParameterException")
            #expect(try await type(["MaxResults": 21_601]) == "InvalidParameterException")
            #expect(try await type(["StartTime": 2_000_000_000, "EndTime": 1_000_000_000]) == "InvalidParameterException")
            #expect(try await type(["NextToken": "bm9wZQ=="]) == "InvalidParameterException")
        }
        try await withAPI(api, insights: nil) { client in
            let (_, body) = try await client.cloudTrail("ListInsightsMetricData", base(for: "audit"))
            #expect(body["__type"] as? String == "UnsupportedOperationException")
        }
    }

    func base(for trail: String) -> [String: Any] {
        ["TrailName": trail, "EventSource": "iam.amazonaws.com", "EventName": "CreateUser", "InsightType": "ApiCallRateInsight"]
    }
}
