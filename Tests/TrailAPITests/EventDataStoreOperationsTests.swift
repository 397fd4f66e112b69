import Foundation
import HTTPTypes
import ObjectStorage
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TrailAPI
import TrailLake
import TrailModel
import TrailStore
import TrailTesting

/// The test API with CloudTrail Lake on in-memory doubles.
struct LakeTestAPI {
    let base = TestAPI()
    let storage = TestEventDataStoreStorageFactory()
    let lake: LakeServices

    init(maxEventDataStores: Int = 3) {
        let catalog = LakeCatalog(
            configuration: .init(accountID: TestAPI.account, region: "us-east-1", maxEventDataStores: maxEventDataStores),
            persistence: MemoryLakeCatalogStore(), storageFactory: storage, journal: base.store, defaultChannel: TestAPI.channel,
            now: { 1_700_000_000 })
        lake = LakeServices(catalog: catalog, imports: ImportService(catalog: catalog, objects: base.objects, logger: Logger(label: "test")))
    }

    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var context = base.context()
        context.lake = lake
        let app = Application(router: buildRouter(context))
        try await app.test(.router) { client in try await body(client) }
    }
}

extension TestClientProtocol {
    /// Calls an operation that must succeed.
    func ok(_ operation: String, _ input: [String: Any]) async throws -> [String: Any] {
        let (status, body) = try await cloudTrail(operation, input)
        #expect(status == .ok, "\(operation): \(body)")
        return body
    }

    /// Calls an operation that must fail; returns its `__type`.
    func refusal(_ operation: String, _ input: [String: Any]) async throws -> String? {
        let (status, body) = try await cloudTrail(operation, input)
        #expect(status == .badRequest, "\(operation): \(body)")
        return body["__type"] as? String
    }

    func createStore(_ name: String, _ extra: [String: Any] = [:]) async throws -> [String: Any] {
        var input: [String: Any] = ["Name": name, "TerminationProtectionEnabled": false]
        input.merge(extra) { _, new in new }
        return try await ok("CreateEventDataStore", input)
    }
}

@Suite struct EventDataStoreOperationsTests {
    @Test func createAnswersTheBotocoreShapeWithDefaults() async throws {
        try await LakeTestAPI().test { client in
            let body = try await client.ok("CreateEventDataStore", ["Name": "my-store", "TagsList": [["Key": "team", "Value": "sec"]]])
            let arn = try #require(body["EventDataStoreArn"] as? String)
            #expect(arn.hasPrefix("arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/"))
            #expect(body["Name"] as? String == "my-store")
            #expect(body["Status"] as? String == "CREATED")
            #expect(body["MultiRegionEnabled"] as? Bool == true)
            #expect(body["OrganizationEnabled"] as? Bool == false)
            #expect(body["TerminationProtectionEnabled"] as? Bool == true)
            #expect(body["RetentionPeriod"] as? Int == 366)
            #expect(body["BillingMode"] as? String == "EXTENDABLE_RETENTION_PRICING")
            #expect(body["CreatedTimestamp"] as? Int == 1_700_000_000)
            #expect(body["UpdatedTimestamp"] as? Int == 1_700_000_000)
            #expect((body["TagsList"] as? [[String: String]]) == [["Key": "team", "Value": "sec"]])
            let selectors = try #require(body["AdvancedEventSelectors"] as? [[String: Any]])
            let fields = try #require(selectors.first?["FieldSelectors"] as? [[String: Any]])
            #expect(fields.first?["Field"] as? String == "eventCategory")
            #expect(fields.first?["Equals"] as? [String] == ["Management"])

            let got = try await client.ok("GetEventDataStore", ["EventDataStore": arn])
            #expect(got["Status"] as? String == "ENABLED")
            #expect(got["FederationStatus"] as? String == "DISABLED")
            #expect(got["TagsList"] == nil)
            let byID = try await client.ok("GetEventDataStore", ["EventDataStore": String(arn.split(separator: "/").last!)])
            #expect(byID["EventDataStoreArn"] as? String == arn)
        }
    }

    @Test func createRefusalsUseAWSExceptionNames() async throws {
        try await LakeTestAPI(maxEventDataStores: 1).test { client in
            #expect(try await client.refusal("CreateEventDataStore", [:]) == "InvalidParameterException")
            #expect(try await client.refusal("CreateEventDataStore", ["Name": "a b c"]) == "InvalidParameterException")
            #expect(try await client.refusal("CreateEventDataStore", ["Name": "abc", "RetentionPeriod": 5000]) == "InvalidParameterException")
            #expect(try await client.refusal("CreateEventDataStore", ["Name": "abc", "BillingMode": "CHEAP"]) == "InvalidParameterException")
            #expect(try await client.refusal("CreateEventDataStore", ["Name": "abc", "OrganizationEnabled": true]) == "OrganizationsNotInUseException")
            #expect(try await client.refusal("CreateEventDataStore", ["Name": "abc", "KmsKeyId": "alias/k"]) == "InvalidKmsKeyIdException")
            #expect(
                try await client.refusal(
                    "CreateEventDataStore",
                    ["Name": "abc", "AdvancedEventSelectors": [["FieldSelectors": [["Field": "eventCategory", "Equals": ["Nope"]]]]]])
                    == "InvalidEventSelectorsException")
            #expect(
                try await client.refusal("CreateEventDataStore", ["Name": "abc", "TagsList": [["Key": "trailkeeper:table-alias", "Value": "bad alias"]]])
                    == "InvalidTagParameterException")
            _ = try await client.createStore("abc")
            #expect(try await client.refusal("CreateEventDataStore", ["Name": "abc"]) == "EventDataStoreAlreadyExistsException")
            #expect(try await client.refusal("CreateEventDataStore", ["Name": "def"]) == "EventDataStoreMaxLimitExceededException")
        }
    }

    @Test func getRefusals() async throws {
        try await LakeTestAPI().test { client throws in
            #expect(try await client.refusal("GetEventDataStore", [:]) == "InvalidParameterException")
            #expect(
                try await client.refusal("GetEventDataStore", ["EventDataStore": "arn:aws:cloudtrail:us-east-1:111122223333:trail/x"])
                    == "EventDataStoreARNInvalidException")
            #expect(
                try await client.refusal("GetEventDataStore", ["EventDataStore": "00000000-0000-0000-0000-000000000000"])
                    == "EventDataStoreNotFoundException")
        }
    }

    @Test func listPagesWithNextToken() async throws {
        try await LakeTestAPI().test { client in
            for name in ["s-one", "s-two", "s-three"] { _ = try await client.createStore(name) }
            let first = try await client.ok("ListEventDataStores", ["MaxResults": 2])
            let items = try #require(first["EventDataStores"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.first?["Status"] as? String == "ENABLED")
            #expect(items.first?["RetentionPeriod"] as? Int == 366)
            let token = try #require(first["NextToken"] as? String)
            let second = try await client.ok("ListEventDataStores", ["MaxResults": 2, "NextToken": token])
            #expect((second["EventDataStores"] as? [[String: Any]])?.count == 1)
            #expect(second["NextToken"] == nil)
            #expect(try await client.refusal("ListEventDataStores", ["MaxResults": 1001]) == "InvalidMaxResultsException")
            #expect(try await client.refusal("ListEventDataStores", ["NextToken": "xyz"]) == "InvalidNextTokenException")
        }
    }

    @Test func updateDeleteRestoreAndIngestion() async throws {
        try await LakeTestAPI().test { client in
            let arn = try #require(try await client.ok("CreateEventDataStore", ["Name": "guarded"])["EventDataStoreArn"] as? String)
            #expect(try await client.refusal("UpdateEventDataStore", ["EventDataStore": arn]) == "InvalidParameterException")
            #expect(try await client.refusal("DeleteEventDataStore", ["EventDataStore": arn]) == "EventDataStoreTerminationProtectedException")
            let updated = try await client.ok(
                "UpdateEventDataStore", ["EventDataStore": arn, "TerminationProtectionEnabled": false, "RetentionPeriod": 90])
            #expect(updated["RetentionPeriod"] as? Int == 90)
            #expect(updated["TerminationProtectionEnabled"] as? Bool == false)
            #expect(try await client.refusal("StartEventDataStoreIngestion", ["EventDataStore": arn]) == "InvalidEventDataStoreStatusException")
            #expect(try await client.ok("StopEventDataStoreIngestion", ["EventDataStore": arn]).isEmpty)
            #expect(try await client.ok("GetEventDataStore", ["EventDataStore": arn])["Status"] as? String == "STOPPED_INGESTION")
            #expect(try await client.ok("StartEventDataStoreIngestion", ["EventDataStore": arn]).isEmpty)
            #expect(try await client.refusal("RestoreEventDataStore", ["EventDataStore": arn]) == "InvalidEventDataStoreStatusException")
            #expect(try await client.ok("DeleteEventDataStore", ["EventDataStore": arn]).isEmpty)
            #expect(try await client.ok("GetEventDataStore", ["EventDataStore": arn])["Status"] as? String == "PENDING_DELETION")
            #expect(try await client.refusal("DeleteEventDataStore", ["EventDataStore": arn]) == "InactiveEventDataStoreException")
            #expect(try await client.refusal("UpdateEventDataStore", ["EventDataStore": arn, "Name": "other"]) == "InactiveEventDataStoreException")
            let restored = try await client.ok("RestoreEventDataStore", ["EventDataStore": arn])
            #expect(restored["Status"] as? String == "ENABLED")
        }
    }

    @Test func channelStoresRefuseIngestionControlAndCategorySwitch() async throws {
        try await LakeTestAPI().test { client in
            let selectors: [[String: Any]] = [["FieldSelectors": [["Field": "eventCategory", "Equals": ["ActivityAuditLog"]]]]]
            let arn = try #require(try await client.createStore("audit", ["AdvancedEventSelectors": selectors])["EventDataStoreArn"] as? String)
            #expect(try await client.refusal("StopEventDataStoreIngestion", ["EventDataStore": arn]) == "InvalidEventDataStoreCategoryException")
            let management: [[String: Any]] = [["FieldSelectors": [["Field": "eventCategory", "Equals": ["Management"]]]]]
            #expect(
                try await client.refusal("UpdateEventDataStore", ["EventDataStore": arn, "AdvancedEventSelectors": management])
                    == "InvalidEventSelectorsException")
        }
    }

    @Test func tagsOnEventDataStores() async throws {
        try await LakeTestAPI().test { client in
            let arn = try #require(try await client.createStore("tagged")["EventDataStoreArn"] as? String)
            _ = try await client.ok("AddTags", ["ResourceId": arn, "TagsList": [["Key": "trailkeeper:table-alias", "Value": "event_data_store_ID"]]])
            let listed = try await client.ok("ListTags", ["ResourceIdList": [arn]])
            let entry = try #require((listed["ResourceTagList"] as? [[String: Any]])?.first)
            #expect(entry["ResourceId"] as? String == arn)
            #expect((entry["TagsList"] as? [[String: String]]) == [["Key": "trailkeeper:table-alias", "Value": "event_data_store_ID"]])
            _ = try await client.ok("RemoveTags", ["ResourceId": arn, "TagsList": [["Key": "trailkeeper:table-alias"]]])
            let after = try await client.ok("ListTags", ["ResourceIdList": [arn]])
            #expect(((after["ResourceTagList"] as? [[String: Any]])?.first?["TagsList"] as? [Any])?.isEmpty == true)
            let missing = "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/00000000-0000-0000-0000-000000000000"
            #expect(try await client.refusal("ListTags", ["ResourceIdList": [missing]]) == "EventDataStoreNotFoundException")
        }
    }

    @Test func withoutLakeTheOperationsAreUnknown() async throws {
        try await TestAPI().test { client throws in
            #expect(try await client.refusal("CreateEventDataStore", ["Name": "abc"]) == "UnknownOperationException")
        }
    }
}
