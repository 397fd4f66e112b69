import Testing
import TrailModel
import TrailTesting

@Suite struct EventDataStoreSelectorTests {
    static func selector(_ fields: [(String, AdvancedFieldSelector.Operator, [String])]) -> AdvancedEventSelector {
        AdvancedEventSelector(fieldSelectors: fields.map { AdvancedFieldSelector(field: $0.0, conditions: [$0.1: $0.2]) })
    }

    func refused(_ selectors: [AdvancedEventSelector]) -> Bool {
        do {
            try EventSelection.validate(eventDataStore: selectors)
            return false
        } catch {
            return true
        }
    }

    @Test func defaultSelectorsAreValidManagementEvents() throws {
        try EventSelection.validate(eventDataStore: EventDataStore.defaultSelectors)
        #expect(EventSelection.storeCategory(of: EventDataStore.defaultSelectors) == .cloudTrail)
    }

    @Test func storeOnlyFieldsAreAccepted() throws {
        try EventSelection.validate(eventDataStore: [
            Self.selector([
                ("eventCategory", .equals, ["Management"]), ("eventName", .equals, ["ConsoleLogin"]),
                ("userIdentity.arn", .startsWith, ["arn:aws:iam::111122223333:user/"]),
            ])
        ])
    }

    @Test func refusals() {
        #expect(refused([]))
        #expect(refused(Array(repeating: EventDataStore.defaultSelectors[0], count: 6)))
        #expect(refused([Self.selector([("eventName", .equals, ["X"])])]), "no eventCategory")
        #expect(refused([Self.selector([("eventCategory", .equals, ["ConfigurationItem"])])]))
        #expect(refused([Self.selector([("eventCategory", .equals, ["Insight"]), ("eventName", .equals, ["X"])])]))
        #expect(refused([Self.selector([("eventCategory", .equals, ["Data"])])]), "no resources.type")
        #expect(refused([Self.selector([("eventCategory", .equals, ["Management"]), ("readOnly", .notEquals, ["true"])])]))
        #expect(
            refused([
                Self.selector([("eventCategory", .equals, ["Management"])]),
                Self.selector([("eventCategory", .equals, ["ActivityAuditLog"])]),
            ]), "AWS and external events mixed")
    }

    @Test func categoryFollowsTheSelectors() {
        #expect(EventSelection.storeCategory(of: [Self.selector([("eventCategory", .equals, ["ActivityAuditLog"])])]) == .activityAuditLog)
        #expect(EventSelection.storeCategory(of: [Self.selector([("eventCategory", .equals, ["Insight"])])]) == .insight)
    }

    @Test func matchingUsesFieldsAndRegion() {
        let reader = RecordFieldReader()
        var store = EventDataStore(
            id: "0b5c0a39-0000-0000-0000-000000000001",
            arn: "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/0b5c0a39-0000-0000-0000-000000000001",
            name: "s1", createdAt: 0)
        let login = RecordFixtures.record(time: 1_700_000_000, name: "ConsoleLogin", userName: "bob")
        let west = RecordFixtures.record(time: 1_700_000_000, region: "us-west-2")
        let data = RecordFixtures.record(time: 1_700_000_000, name: "GetObject", source: "s3.amazonaws.com", management: false)
        #expect(store.selects(login, reader: reader))
        #expect(store.selects(west, reader: reader))
        #expect(!store.selects(data, reader: reader))
        store.multiRegionEnabled = false
        #expect(!store.selects(west, reader: reader))
        store.advancedEventSelectors = [
            Self.selector([("eventCategory", .equals, ["Management"]), ("userIdentity.arn", .endsWith, ["user/bob"])])
        ]
        #expect(store.selects(login, reader: reader))
        #expect(!store.selects(RecordFixtures.record(time: 1_700_000_000, userName: "alice"), reader: reader))
    }

    @Test func tableAliasesAreParsedAndValidated() throws {
        let tags = [TrailModel.Tag(key: TableAlias.tag, value: "eds-ID, 5e2676f8-9fce-46ef-8142-3e36a94e6691")]
        #expect(TableAlias.aliases(in: tags) == ["eds-ID", "5e2676f8-9fce-46ef-8142-3e36a94e6691"])
        try TableAlias.validate(tags)
        #expect(throws: TableAliasError.self) { try TableAlias.validate([TrailModel.Tag(key: TableAlias.tag, value: "bad name")]) }
        #expect(throws: TableAliasError.self) { try TableAlias.validate([TrailModel.Tag(key: TableAlias.tag, value: " , ")]) }
    }

    @Test func importLocations() {
        #expect(ImportJob.location("s3://bucket/AWSLogs/")! == ("bucket", "AWSLogs/"))
        #expect(ImportJob.location("s3://bucket")! == ("bucket", ""))
        #expect(ImportJob.location("https://bucket") == nil)
        #expect(ImportJob.location("s3:///x") == nil)
    }
}
