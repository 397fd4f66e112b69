import TrailLake
import TrailModel

/// CreateEventDataStore … StopEventDataStoreIngestion (plan §3.1), per botocore's cloudtrail model.
struct EventDataStoreOperations: Sendable {
    let catalog: LakeCatalog

    func register(in table: inout CloudTrailOperations) {
        let ops = self
        table.register("CreateEventDataStore", LakeErrorMapping.handler { try await ops.create($0) })
        table.register("GetEventDataStore", LakeErrorMapping.handler { try await ops.get($0) })
        table.register("ListEventDataStores", LakeErrorMapping.handler { try await ops.list($0) })
        table.register("UpdateEventDataStore", LakeErrorMapping.handler { try await ops.update($0) })
        table.register("DeleteEventDataStore", LakeErrorMapping.handler { try await ops.delete($0) })
        table.register("RestoreEventDataStore", LakeErrorMapping.handler { try await ops.restore($0) })
        table.register("StartEventDataStoreIngestion", LakeErrorMapping.handler { try await ops.start($0) })
        table.register("StopEventDataStoreIngestion", LakeErrorMapping.handler { try await ops.stop($0) })
    }

    func create(_ input: JSONInput) async throws -> JSONOut {
        let request = EventDataStoreCreation(
            name: try LakeShapes.required(input, "Name"), advancedEventSelectors: try Self.selectors(input),
            multiRegionEnabled: try input.bool("MultiRegionEnabled"), organizationEnabled: try input.bool("OrganizationEnabled"),
            retentionPeriod: try input.integer("RetentionPeriod"),
            terminationProtectionEnabled: try input.bool("TerminationProtectionEnabled"),
            tags: try LakeShapes.tags(input, "TagsList"), kmsKeyId: try input.string("KmsKeyId"),
            startIngestion: try input.bool("StartIngestion"), billingMode: try Self.billingMode(input))
        let s = try await catalog.createEventDataStore(request)
        var out = JSONOut()
        out.beginObject()
        LakeShapes.eventDataStoreFields(s, into: &out)
        LakeShapes.tags("TagsList", s.tags, into: &out)
        out.string("BillingMode", s.billingMode.rawValue)
        out.endObject()
        return out
    }

    func get(_ input: JSONInput) async throws -> JSONOut {
        Self.detail(try await catalog.eventDataStore(try LakeShapes.required(input, "EventDataStore")), federation: true)
    }

    func list(_ input: JSONInput) async throws -> JSONOut {
        let page = try await catalog.listEventDataStores(
            maxResults: try input.integer("MaxResults"), nextToken: try input.string("NextToken"))
        var out = JSONOut()
        out.beginObject()
        out.beginArray("EventDataStores")
        for s in page.items {
            out.beginObject()
            LakeShapes.eventDataStoreFields(s, into: &out)
            out.endObject()
        }
        out.endArray()
        out.string("NextToken", page.nextToken)
        out.endObject()
        return out
    }

    func update(_ input: JSONInput) async throws -> JSONOut {
        let reference = try LakeShapes.required(input, "EventDataStore")
        let changes = EventDataStoreChanges(
            name: try input.string("Name"), advancedEventSelectors: try Self.selectors(input),
            multiRegionEnabled: try input.bool("MultiRegionEnabled"), organizationEnabled: try input.bool("OrganizationEnabled"),
            retentionPeriod: try input.integer("RetentionPeriod"),
            terminationProtectionEnabled: try input.bool("TerminationProtectionEnabled"), kmsKeyId: try input.string("KmsKeyId"),
            billingMode: try Self.billingMode(input))
        return Self.detail(try await catalog.updateEventDataStore(reference, changes), federation: true)
    }

    func delete(_ input: JSONInput) async throws -> JSONOut {
        try await catalog.deleteEventDataStore(try LakeShapes.required(input, "EventDataStore"))
        return LakeShapes.empty
    }

    func restore(_ input: JSONInput) async throws -> JSONOut {
        Self.detail(try await catalog.restoreEventDataStore(try LakeShapes.required(input, "EventDataStore")), federation: false)
    }

    func start(_ input: JSONInput) async throws -> JSONOut {
        try await catalog.startIngestion(try LakeShapes.required(input, "EventDataStore"))
        return LakeShapes.empty
    }

    func stop(_ input: JSONInput) async throws -> JSONOut {
        try await catalog.stopIngestion(try LakeShapes.required(input, "EventDataStore"))
        return LakeShapes.empty
    }

    /// Get/Update/Restore's answer.
    static func detail(_ s: EventDataStore, federation: Bool) -> JSONOut {
        var out = JSONOut()
        out.beginObject()
        LakeShapes.eventDataStoreFields(s, into: &out)
        out.string("KmsKeyId", s.kmsKeyId)
        out.string("BillingMode", s.billingMode.rawValue)
        if federation { out.string("FederationStatus", "DISABLED") }
        out.endObject()
        return out
    }

    static func selectors(_ input: JSONInput) throws -> [AdvancedEventSelector]? {
        guard let list = try input.objects("AdvancedEventSelectors") else { return nil }
        do {
            return try list.map { i in
                guard let fields = try i.objects("FieldSelectors") else {
                    throw LakeError(.invalidEventSelectors, "Advanced event selectors need FieldSelectors.")
                }
                return AdvancedEventSelector(
                    name: try i.string("Name"),
                    fieldSelectors: try fields.map { f in
                        guard let field = try f.string("Field") else {
                            throw LakeError(.invalidEventSelectors, "Field selectors need a Field.")
                        }
                        var conditions: [AdvancedFieldSelector.Operator: [String]] = [:]
                        for op in AdvancedFieldSelector.Operator.allCases {
                            // Empty lists (as the AWS CLI prints them) mean the operator is not used.
                            if let values = try f.strings(op.rawValue), !values.isEmpty { conditions[op] = values }
                        }
                        return AdvancedFieldSelector(field: field, conditions: conditions)
                    })
            }
        } catch let e as LakeError {
            throw LakeErrorMapping.apiError(e)
        }
    }

    static func billingMode(_ input: JSONInput) throws -> EventDataStoreBillingMode? {
        guard let text = try input.string("BillingMode") else { return nil }
        guard let mode = EventDataStoreBillingMode(rawValue: text) else {
            throw LakeErrorMapping.apiError(
                LakeError(.invalidParameter, "BillingMode must be EXTENDABLE_RETENTION_PRICING or FIXED_RETENTION_PRICING."))
        }
        return mode
    }
}
