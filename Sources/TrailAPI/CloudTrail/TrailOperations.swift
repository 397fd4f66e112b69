import Foundation
import ObjectStorage
import TrailDelivery
import TrailLake
import TrailModel
import TrailStore

/// The trail control plane: CreateTrail … ListPublicKeys, per botocore's cloudtrail model.
struct TrailOperations: Sendable {
    let api: TrailAPIContext
    var deliverer: TrailDeliverer { api.deliverer }
    var catalog: TrailCatalog { api.deliverer.catalog }
    var account: String { api.identity.accountID }

    static func error(_ type: String, _ message: String) -> APIError {
        APIError(style: .awsJSON, type: type, message: message)
    }

    /// Runs `body`, turning ``TrailError``s into AWS JSON errors.
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as TrailError {
            throw error(e.type, e.message)
        }
    }

    func register(in table: inout CloudTrailOperations) {
        let ops = self
        table.register("CreateTrail") { i, _ in try await Self.mapping { try await ops.create(i) } }
        table.register("GetTrail") { i, _ in try await Self.mapping { try await ops.get(i) } }
        table.register("DescribeTrails") { i, _ in try await Self.mapping { try await ops.describe(i) } }
        table.register("ListTrails") { i, _ in try await Self.mapping { try await ops.list(i) } }
        table.register("UpdateTrail") { i, _ in try await Self.mapping { try await ops.update(i) } }
        table.register("DeleteTrail") { i, _ in try await Self.mapping { try await ops.delete(i) } }
        table.register("StartLogging") { i, _ in try await Self.mapping { try await ops.startLogging(i) } }
        table.register("StopLogging") { i, _ in try await Self.mapping { try await ops.stopLogging(i) } }
        table.register("GetTrailStatus") { i, _ in try await Self.mapping { try await ops.status(i) } }
        table.register("PutEventSelectors") { i, _ in try await Self.mapping { try await ops.putEventSelectors(i) } }
        table.register("GetEventSelectors") { i, _ in try await Self.mapping { try await ops.getEventSelectors(i) } }
        table.register("AddTags") { i, _ in try await Self.mapping { try await ops.addTags(i) } }
        table.register("RemoveTags") { i, _ in try await Self.mapping { try await ops.removeTags(i) } }
        table.register("ListTags") { i, _ in try await Self.mapping { try await ops.listTags(i) } }
        table.register("organizations:DescribeOrganization") { _, _ in try ops.describeOrganization() }
        table.register("ListPublicKeys") { i, inv in try await Self.mapping { try await ops.listPublicKeys(i, region: inv.caller.region) } }
    }

    // MARK: - Inputs

    func requiredName(_ input: JSONInput, _ key: String = "Name") throws -> String {
        guard let name = try input.string(key), !name.isEmpty else {
            throw Self.error("InvalidTrailNameException", "\(key) is required.")
        }
        return name
    }

    func trail(_ reference: String) async throws -> Trail {
        try await catalog.trail(reference, accountID: account)
    }

    func checkBucket(_ name: String) async throws {
        guard BucketName.isValid(name) else {
            throw Self.error("InvalidS3BucketNameException", "Bucket name \(name) is not valid.")
        }
        guard try await api.objects.bucket(name) != nil else {
            throw Self.error("S3BucketDoesNotExistException", "S3 bucket \(name) does not exist.")
        }
    }

    static func checkPrefix(_ prefix: String) throws {
        guard prefix.utf8.count <= 200 else {
            throw error("InvalidS3PrefixException", "S3KeyPrefix must be at most 200 characters.")
        }
        guard !prefix.hasPrefix("/"), !prefix.contains("//"), !prefix.split(separator: "/").contains(where: { $0 == "." || $0 == ".." })
        else {
            throw error("InvalidS3PrefixException", "S3KeyPrefix \(prefix) is not a valid key prefix.")
        }
    }

    /// A topic name (or ARN) → its name.
    static func topicName(_ value: String) throws -> String {
        let name = value.hasPrefix("arn:") ? String(value.split(separator: ":").last ?? "") : value
        let valid = (1...256).contains(name.count)
            && name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_" }
        guard valid else { throw error("InvalidSnsTopicNameException", "SNS topic name \(value) is not valid.") }
        return name
    }

    static func tags(_ input: JSONInput, _ key: String) throws -> [Tag] {
        guard let list = try input.objects(key) else { return [] }
        return try list.map { t in
            guard let k = try t.string("Key"), (1...128).contains(k.count) else {
                throw error("InvalidTagParameterException", "Tag keys must be 1 to 128 characters long.")
            }
            let v = try t.string("Value")
            if let v, v.count > 256 { throw error("InvalidTagParameterException", "Tag values must be at most 256 characters long.") }
            return Tag(key: k, value: v)
        }
    }

    /// Whether tags being added turn termination protection on or off (nil: they do not say).
    static func terminationProtection(in tags: [Tag]) throws -> Bool? {
        do {
            return try Trail.terminationProtection(in: tags)
        } catch {
            throw Self.error("InvalidTagParameterException", error.description)
        }
    }

    func unsupported(_ input: JSONInput) throws {
        if try input.string("KmsKeyId")?.isEmpty == false {
            throw Self.error(
                "InvalidKmsKeyIdException",
                "KMS encryption of log files is not available in Trailkeeper; encryption at rest is configured on the object store.")
        }
        if try input.string("CloudWatchLogsLogGroupArn")?.isEmpty == false || input.string("CloudWatchLogsRoleArn")?.isEmpty == false {
            throw Self.error("CloudWatchLogsDeliveryUnavailableException", "Delivery to CloudWatch Logs is not available in Trailkeeper.")
        }
    }

    // MARK: - Trails

    func create(_ input: JSONInput) async throws -> JSONOut {
        let name = try requiredName(input)
        guard TrailName.isValid(name) else { throw Self.error("InvalidTrailNameException", "Trail name \(name) is not valid.") }
        guard let bucket = try input.string("S3BucketName"), !bucket.isEmpty else {
            throw Self.error("InvalidParameterException", "S3BucketName is required.")
        }
        try unsupported(input)
        try await checkBucket(bucket)
        let prefix = try input.string("S3KeyPrefix").flatMap { $0.isEmpty ? nil : $0 }
        if let prefix { try Self.checkPrefix(prefix) }
        let topic = try input.string("SnsTopicName").flatMap { $0.isEmpty ? nil : $0 }.map(Self.topicName)
        let includeGlobal = try input.bool("IncludeGlobalServiceEvents") ?? true
        let multiRegion = try input.bool("IsMultiRegionTrail") ?? false
        if multiRegion && !includeGlobal {
            throw Self.error("InvalidParameterCombinationException", "Multi-Region trail must include global service events.")
        }
        let organization = try input.bool("IsOrganizationTrail") ?? false
        if organization && api.configuration.organizationID == nil {
            throw Self.error(
                "OrganizationsNotInUseException",
                "This account is not part of an organization; set organization-id in the configuration to create organization trails.")
        }
        let tags = try Self.tags(input, "TagsList")
        guard tags.count <= 50 else { throw Self.error("TagsLimitExceededException", "A trail can have at most 50 tags.") }
        let protected = try Self.terminationProtection(in: tags) ?? false
        let region = api.identity.region
        let trail = Trail(
            name: name, s3BucketName: bucket, s3KeyPrefix: prefix, snsTopicName: topic,
            snsTopicARN: topic.map { "arn:aws:sns:\(region):\(account):\($0)" }, includeGlobalServiceEvents: includeGlobal,
            isMultiRegionTrail: multiRegion, homeRegion: region,
            trailARN: TrailName.ARN(region: region, accountID: account, name: name).description,
            logFileValidationEnabled: try input.bool("EnableLogFileValidation") ?? false, isOrganizationTrail: organization,
            organizationID: organization ? api.configuration.organizationID : nil, tags: tags,
            terminationProtectionEnabled: protected, creationTime: api.now())
        let created = try await catalog.create(trail)
        var out = JSONOut()
        Self.write(created, to: &out, detailed: false)
        return out
    }

    func get(_ input: JSONInput) async throws -> JSONOut {
        let t = try await trail(try requiredName(input))
        var out = JSONOut()
        out.beginObject()
        out.beginObject("Trail")
        Self.fields(t, to: &out, detailed: true)
        out.endObject()
        out.endObject()
        return out
    }

    func describe(_ input: JSONInput) async throws -> JSONOut {
        let names = try input.strings("trailNameList") ?? []
        var selected: [Trail] = []
        if names.isEmpty {
            selected = await catalog.all()
        } else {
            for n in names {
                if n.hasPrefix("arn:") && TrailName.ARN(n) == nil {
                    throw Self.error("CloudTrailARNInvalidException", "\(n) is not a valid trail ARN.")
                }
                if let t = try? await trail(n), !selected.contains(where: { $0.name == t.name }) { selected.append(t) }
            }
        }
        var out = JSONOut()
        out.beginObject()
        out.beginArray("trailList")
        for t in selected {
            out.beginObject()
            Self.fields(t, to: &out, detailed: true)
            out.endObject()
        }
        out.endArray()
        out.endObject()
        return out
    }

    func list(_ input: JSONInput) async throws -> JSONOut {
        var out = JSONOut()
        out.beginObject()
        out.beginArray("Trails")
        for t in await catalog.all() {
            out.beginObject()
            out.string("TrailARN", t.trailARN)
            out.string("Name", t.name)
            out.string("HomeRegion", t.homeRegion)
            out.endObject()
        }
        out.endArray()
        out.endObject()
        return out
    }

    func update(_ input: JSONInput) async throws -> JSONOut {
        let existing = try await trail(try requiredName(input))
        try unsupported(input)
        if let bucket = try input.string("S3BucketName") { try await checkBucket(bucket) }
        if let prefix = try input.string("S3KeyPrefix"), !prefix.isEmpty { try Self.checkPrefix(prefix) }
        let topic = try input.string("SnsTopicName").map { $0.isEmpty ? "" : try Self.topicName($0) }
        let organization = try input.bool("IsOrganizationTrail")
        if organization == true && api.configuration.organizationID == nil {
            throw Self.error("OrganizationsNotInUseException", "This account is not part of an organization.")
        }
        let bucket = try input.string("S3BucketName")
        let prefix = try input.string("S3KeyPrefix")
        let includeGlobal = try input.bool("IncludeGlobalServiceEvents")
        let multiRegion = try input.bool("IsMultiRegionTrail")
        let validation = try input.bool("EnableLogFileValidation")
        if (multiRegion ?? existing.isMultiRegionTrail) && !(includeGlobal ?? existing.includeGlobalServiceEvents) {
            throw Self.error("InvalidParameterCombinationException", "Multi-Region trail must include global service events.")
        }
        let region = api.identity.region
        let account = self.account
        let orgID = api.configuration.organizationID
        let updated = try await catalog.update(existing.name) { t in
            if let bucket { t.s3BucketName = bucket }
            if let prefix { t.s3KeyPrefix = prefix.isEmpty ? nil : prefix }
            if let topic {
                t.snsTopicName = topic.isEmpty ? nil : topic
                t.snsTopicARN = topic.isEmpty ? nil : "arn:aws:sns:\(region):\(account):\(topic)"
            }
            if let includeGlobal { t.includeGlobalServiceEvents = includeGlobal }
            if let multiRegion { t.isMultiRegionTrail = multiRegion }
            if let validation { t.logFileValidationEnabled = validation }
            if let organization {
                t.isOrganizationTrail = organization
                t.organizationID = organization ? orgID : nil
            }
        }
        try await deliverer.validationChanged(updated, wasEnabled: existing.logFileValidationEnabled)
        var out = JSONOut()
        Self.write(updated, to: &out, detailed: false)
        return out
    }

    func delete(_ input: JSONInput) async throws -> JSONOut {
        try await deliverer.delete(try requiredName(input))
        return Self.empty
    }

    func startLogging(_ input: JSONInput) async throws -> JSONOut {
        _ = try await deliverer.startLogging(try requiredName(input))
        return Self.empty
    }

    func stopLogging(_ input: JSONInput) async throws -> JSONOut {
        _ = try await deliverer.stopLogging(try requiredName(input))
        return Self.empty
    }

    func status(_ input: JSONInput) async throws -> JSONOut {
        let t = try await trail(try requiredName(input))
        let p = try await deliverer.progress(t.name)
        var out = JSONOut()
        out.beginObject()
        out.bool("IsLogging", t.isLogging)
        out.string("LatestDeliveryError", p?.latestDeliveryError)
        out.string("LatestNotificationError", p?.latestNotificationError)
        out.number("LatestDeliveryTime", p?.latestDeliveryTime)
        out.number("LatestNotificationTime", p?.latestNotificationTime)
        out.number("StartLoggingTime", t.startLoggingTime)
        out.number("StopLoggingTime", t.stopLoggingTime)
        out.number("LatestDigestDeliveryTime", p?.latestDigestDeliveryTime)
        out.string("LatestDigestDeliveryError", p?.latestDigestDeliveryError)
        out.string("LatestDeliveryAttemptTime", p?.latestDeliveryAttemptTime.map(EventTime.format) ?? "")
        out.string("LatestNotificationAttemptTime", p?.latestNotificationAttemptTime.map(EventTime.format) ?? "")
        out.string(
            "LatestNotificationAttemptSucceeded",
            p.flatMap { $0.latestNotificationError == nil ? $0.latestNotificationTime.map(EventTime.format) : nil } ?? "")
        out.string(
            "LatestDeliveryAttemptSucceeded",
            p.flatMap { $0.latestDeliveryError == nil ? $0.latestDeliveryTime.map(EventTime.format) : nil } ?? "")
        out.string("TimeLoggingStarted", t.startLoggingTime.map(EventTime.format) ?? "")
        out.string("TimeLoggingStopped", t.stopLoggingTime.map(EventTime.format) ?? "")
        out.endObject()
        return out
    }

    static let empty: JSONOut = {
        var out = JSONOut()
        out.beginObject()
        out.endObject()
        return out
    }()

    // MARK: - Selectors

    func putEventSelectors(_ input: JSONInput) async throws -> JSONOut {
        let t = try await trail(try requiredName(input, "TrailName"))
        let basic = try input.objects("EventSelectors")
        let advanced = try input.objects("AdvancedEventSelectors")
        let selection: EventSelection
        switch (basic, advanced) {
        case (let b?, nil): selection = .basic(try b.map(Self.basicSelector))
        case (nil, let a?): selection = .advanced(try a.map(Self.advancedSelector))
        case (nil, nil):
            throw Self.error("InvalidEventSelectorsException", "Specify either EventSelectors or AdvancedEventSelectors.")
        default:
            throw Self.error("InvalidEventSelectorsException", "Specify either EventSelectors or AdvancedEventSelectors, but not both.")
        }
        do {
            try selection.validate()
        } catch {
            throw Self.error("InvalidEventSelectorsException", error.description)
        }
        let updated = try await catalog.update(t.name) { $0.selection = selection }
        return Self.selectors(updated)
    }

    func getEventSelectors(_ input: JSONInput) async throws -> JSONOut {
        Self.selectors(try await trail(try requiredName(input, "TrailName")))
    }

    static func basicSelector(_ i: JSONInput) throws -> BasicEventSelector {
        var s = BasicEventSelector()
        if let rw = try i.string("ReadWriteType") {
            guard let v = BasicEventSelector.ReadWriteType(rawValue: rw) else {
                throw error("InvalidEventSelectorsException", "ReadWriteType must be ReadOnly, WriteOnly or All, not \(rw).")
            }
            s.readWriteType = v
        }
        s.includeManagementEvents = try i.bool("IncludeManagementEvents") ?? true
        s.dataResources = try (i.objects("DataResources") ?? []).map { r in
            guard let type = try r.string("Type") else { throw error("InvalidEventSelectorsException", "DataResources need a Type.") }
            return BasicEventSelector.DataResource(type: type, values: try r.strings("Values") ?? [])
        }
        s.excludeManagementEventSources = try i.strings("ExcludeManagementEventSources") ?? []
        return s
    }

    static func advancedSelector(_ i: JSONInput) throws -> AdvancedEventSelector {
        guard let fields = try i.objects("FieldSelectors") else {
            throw error("InvalidEventSelectorsException", "Advanced event selectors need FieldSelectors.")
        }
        return AdvancedEventSelector(
            name: try i.string("Name"),
            fieldSelectors: try fields.map { f in
                guard let field = try f.string("Field") else { throw error("InvalidEventSelectorsException", "Field selectors need a Field.") }
                var conditions: [AdvancedFieldSelector.Operator: [String]] = [:]
                for op in AdvancedFieldSelector.Operator.allCases {
                    // Empty lists (as the AWS CLI prints them) mean the operator is not used.
                    if let values = try f.strings(op.rawValue), !values.isEmpty { conditions[op] = values }
                }
                return AdvancedFieldSelector(field: field, conditions: conditions)
            })
    }

    static func selectors(_ t: Trail) -> JSONOut {
        var out = JSONOut()
        out.beginObject()
        out.string("TrailARN", t.trailARN)
        switch t.selection {
        case .basic(let selectors):
            out.beginArray("EventSelectors")
            for s in selectors {
                out.beginObject()
                out.string("ReadWriteType", s.readWriteType.rawValue)
                out.bool("IncludeManagementEvents", s.includeManagementEvents)
                out.beginArray("DataResources")
                for r in s.dataResources {
                    out.beginObject()
                    out.string("Type", r.type)
                    out.beginArray("Values")
                    for v in r.values { out.string(nil, v) }
                    out.endArray()
                    out.endObject()
                }
                out.endArray()
                out.beginArray("ExcludeManagementEventSources")
                for v in s.excludeManagementEventSources { out.string(nil, v) }
                out.endArray()
                out.endObject()
            }
            out.endArray()
        case .advanced(let selectors):
            LakeShapes.advancedSelectors(selectors, into: &out)
        }
        out.endObject()
        return out
    }

    // MARK: - Tags

    func tagged(_ resource: String) async throws -> Trail {
        guard resource.hasPrefix("arn:") else {
            throw Self.error("CloudTrailARNInvalidException", "\(resource) is not an ARN.")
        }
        guard TrailName.ARN(resource) != nil else {
            throw Self.error("CloudTrailARNInvalidException", "\(resource) is not a valid trail ARN.")
        }
        guard let t = try? await trail(resource) else {
            throw Self.error("ResourceNotFoundException", "Resource \(resource) not found.")
        }
        return t
    }

    func addTags(_ input: JSONInput) async throws -> JSONOut {
        guard let id = try input.string("ResourceId") else { throw Self.error("InvalidParameterException", "ResourceId is required.") }
        if let lake = api.lake, LakeCatalog.isLakeResource(id) {
            let tags = try LakeShapes.tags(input, "TagsList")
            try await LakeErrorMapping.mapping { try await lake.catalog.changeTags(of: id, adding: tags) }
            return Self.empty
        }
        let t = try await tagged(id)
        let tags = try Self.tags(input, "TagsList")
        var merged = t.tags
        for tag in tags {
            if let i = merged.firstIndex(where: { $0.key == tag.key }) { merged[i] = tag } else { merged.append(tag) }
        }
        guard merged.count <= 50 else { throw Self.error("TagsLimitExceededException", "A trail can have at most 50 tags.") }
        let final = merged
        let protection = try Self.terminationProtection(in: tags)
        try await catalog.update(t.name) { trail in
            trail.tags = final
            if let protection { trail.terminationProtectionEnabled = protection }
        }
        return Self.empty
    }

    func removeTags(_ input: JSONInput) async throws -> JSONOut {
        guard let id = try input.string("ResourceId") else { throw Self.error("InvalidParameterException", "ResourceId is required.") }
        if let lake = api.lake, LakeCatalog.isLakeResource(id) {
            let tags = try LakeShapes.tags(input, "TagsList")
            try await LakeErrorMapping.mapping { try await lake.catalog.changeTags(of: id, removing: tags) }
            return Self.empty
        }
        let t = try await tagged(id)
        let tags = try Self.tags(input, "TagsList")
        let remaining = t.tags.filter { existing in
            !tags.contains { $0.key == existing.key && ($0.value == nil || $0.value == existing.value) }
        }
        // Removing the reserved tag lifts termination protection.
        let protection = (try? Trail.terminationProtection(in: remaining)) ?? nil
        try await catalog.update(t.name) { trail in
            trail.tags = remaining
            trail.terminationProtectionEnabled = protection ?? false
        }
        return Self.empty
    }

    func listTags(_ input: JSONInput) async throws -> JSONOut {
        guard let ids = try input.strings("ResourceIdList"), !ids.isEmpty else {
            throw Self.error("InvalidParameterException", "ResourceIdList is required.")
        }
        var out = JSONOut()
        out.beginObject()
        out.beginArray("ResourceTagList")
        for id in ids {
            if let lake = api.lake, LakeCatalog.isLakeResource(id) {
                let tags = try await LakeErrorMapping.mapping { try await lake.catalog.tags(of: id) }
                out.beginObject()
                out.string("ResourceId", id)
                LakeShapes.tags("TagsList", tags, into: &out)
                out.endObject()
                continue
            }
            let t = try await tagged(id)
            out.beginObject()
            out.string("ResourceId", t.trailARN)
            out.beginArray("TagsList")
            for tag in t.tags {
                out.beginObject()
                out.string("Key", tag.key)
                out.string("Value", tag.value)
                out.endObject()
            }
            out.endArray()
            out.endObject()
        }
        out.endArray()
        out.endObject()
        return out
    }

    // MARK: - Organizations

    /// `organizations:DescribeOrganization`, for validate-logs of organization trails.
    func describeOrganization() throws -> JSONOut {
        guard let id = api.configuration.organizationID else {
            throw Self.error("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
        }
        var out = JSONOut()
        out.beginObject()
        out.beginObject("Organization")
        out.string("Id", id)
        out.string("Arn", "arn:aws:organizations::\(account):organization/\(id)")
        out.string("FeatureSet", "ALL")
        out.string("MasterAccountArn", "arn:aws:organizations::\(account):account/\(id)/\(account)")
        out.string("MasterAccountId", account)
        out.endObject()
        out.endObject()
        return out
    }

    // MARK: - Public keys

    func listPublicKeys(_ input: JSONInput, region: String) async throws -> JSONOut {
        let start = try input.timestamp("StartTime")
        let end = try input.timestamp("EndTime")
        if let start, let end, end < start {
            throw Self.error("InvalidTimeRangeException", "EndTime must not be earlier than StartTime.")
        }
        let time = api.now()
        let keys = await deliverer.keys.publicKeys(region: region, from: start ?? (end == nil ? time : nil), to: end ?? time)
        var out = JSONOut()
        out.beginObject()
        out.beginArray("PublicKeyList")
        for k in keys {
            out.beginObject()
            out.string("Value", k.der.base64EncodedString())
            out.number("ValidityStartTime", k.validityStart)
            out.number("ValidityEndTime", k.validityEnd)
            out.string("Fingerprint", k.fingerprint)
            out.endObject()
        }
        out.endArray()
        out.endObject()
        return out
    }

    // MARK: - Output

    /// CreateTrail / UpdateTrail response: the trail's fields at top level.
    static func write(_ t: Trail, to out: inout JSONOut, detailed: Bool) {
        out.beginObject()
        fields(t, to: &out, detailed: detailed)
        out.endObject()
    }

    static func fields(_ t: Trail, to out: inout JSONOut, detailed: Bool) {
        out.string("Name", t.name)
        out.string("S3BucketName", t.s3BucketName)
        out.string("S3KeyPrefix", t.s3KeyPrefix)
        out.string("SnsTopicName", t.snsTopicName)
        out.string("SnsTopicARN", t.snsTopicARN)
        out.bool("IncludeGlobalServiceEvents", t.includeGlobalServiceEvents)
        out.bool("IsMultiRegionTrail", t.isMultiRegionTrail)
        if detailed { out.string("HomeRegion", t.homeRegion) }
        out.string("TrailARN", t.trailARN)
        out.bool("LogFileValidationEnabled", t.logFileValidationEnabled)
        out.string("CloudWatchLogsLogGroupArn", t.cloudWatchLogsLogGroupArn)
        out.string("CloudWatchLogsRoleArn", t.cloudWatchLogsRoleArn)
        out.string("KmsKeyId", t.kmsKeyId)
        if detailed {
            out.bool("HasCustomEventSelectors", t.selection.isCustom)
            out.bool("HasInsightSelectors", t.hasInsightSelectors)
        }
        out.bool("IsOrganizationTrail", t.isOrganizationTrail)
    }
}
