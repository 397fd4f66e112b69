/// The kind of events a store holds; each family has its own logical schema (plan §2.3).
public enum LakeStoreFamily: String, Hashable, Sendable {
    /// Management, data and network activity events.
    case cloudTrail
    /// External events from PutAuditEvents channels.
    case activityAuditLog
    /// Insights events.
    case insight
}

/// One column (or nested row field) of the logical schema.
public struct LakeColumn: Hashable, Sendable {
    /// Where a column's value comes from.
    public enum Source: Hashable, Sendable {
        /// `events.eventtime`.
        case eventTime
        /// A dictionary-encoded `events.s_*` column.
        case symbol(String)
        /// A 0/1/NULL `events.*` column.
        case flag(String)
        /// A value in the raw record at this JSON pointer.
        case raw(pointer: String)
        /// The raw record text (`eventjson`).
        case record
        /// base64(SHA-256(raw record)) (`eventjsonchecksum`).
        case recordChecksum
    }

    /// The logical name (lower case).
    public var name: String
    /// The Trino type.
    public var type: LakeType
    /// Where the value comes from.
    public var source: Source
    /// Members, for row columns.
    public var fields: [LakeColumn]

    /// The member named `name` (lower case), for row columns.
    public func field(_ name: String) -> LakeColumn? { fields.first { $0.name == name } }
}

/// The logical schema of a store family: its top-level columns in Trino's order.
public struct LakeSchema: Sendable {
    /// The top-level columns.
    public var columns: [LakeColumn]

    /// The column named `name` (case-insensitive).
    public func column(_ name: String) -> LakeColumn? {
        let lowered = name.lowercased()
        return columns.first { $0.name == lowered }
    }

    /// The schema of `family`.
    public static func of(_ family: LakeStoreFamily) -> LakeSchema {
        switch family {
        case .cloudTrail: cloudTrail
        case .activityAuditLog: activityAuditLog
        case .insight: insight
        }
    }
}

/// Builds schema trees from JSON keys: the logical name is the key lower-cased, the pointer follows the keys,
/// and a pointer listed in `physical` reads the physical column instead of the raw record.
struct SchemaBuilder {
    var physical: [String: LakeColumn.Source]

    indirect enum Node {
        case leaf(String, LakeType, name: String? = nil)
        case row(String, [Node])
    }

    func build(_ nodes: [Node], under pointer: String = "") -> [LakeColumn] {
        nodes.map { build($0, under: pointer) }
    }

    func build(_ node: Node, under pointer: String) -> LakeColumn {
        switch node {
        case .leaf(let key, let type, let name):
            let path = pointer + "/" + key
            return LakeColumn(name: name ?? key.lowercased(), type: type, source: physical[path] ?? .raw(pointer: path), fields: [])
        case .row(let key, let children):
            let path = pointer + "/" + key
            let fields = build(children, under: path)
            let type = LakeType.row(fields.map { LakeType.RowField(name: $0.name, type: $0.type) })
            return LakeColumn(name: key.lowercased(), type: type, source: .raw(pointer: path), fields: fields)
        }
    }
}

extension LakeSchema {
    static let stringMap = LakeType.map(.varchar, .varchar)

    /// The CloudTrail event schema (`query-limitations.md`, spec §7.5).
    public static let cloudTrail: LakeSchema = {
        let builder = SchemaBuilder(physical: [
            "/eventTime": .eventTime,
            "/eventName": .symbol("s_eventname"), "/eventSource": .symbol("s_eventsource"),
            "/awsRegion": .symbol("s_awsregion"), "/eventCategory": .symbol("s_eventcategory"),
            "/eventType": .symbol("s_eventtype"), "/errorCode": .symbol("s_errorcode"),
            "/recipientAccountId": .symbol("s_recipientaccountid"), "/eventVersion": .symbol("s_eventversion"),
            "/userIdentity/type": .symbol("s_ui_type"), "/userIdentity/principalId": .symbol("s_ui_principalid"),
            "/userIdentity/arn": .symbol("s_ui_arn"), "/userIdentity/accountId": .symbol("s_ui_accountid"),
            "/userIdentity/accessKeyId": .symbol("s_ui_accesskeyid"), "/userIdentity/userName": .symbol("s_ui_username"),
            "/userIdentity/invokedBy": .symbol("s_ui_invokedby"), "/sourceIPAddress": .symbol("s_sourceipaddress"),
            "/userAgent": .symbol("s_useragent"), "/tlsDetails/tlsVersion": .symbol("s_tlsversion"),
            "/sessionCredentialFromConsole": .symbol("s_sessioncredentialfromconsole"),
            "/vpcEndpointId": .symbol("s_vpcendpointid"),
            "/readOnly": .flag("readonly"), "/managementEvent": .flag("managementevent"),
        ])
        let issuer: [SchemaBuilder.Node] = [
            .leaf("type", .varchar), .leaf("principalId", .varchar), .leaf("arn", .varchar), .leaf("accountId", .varchar),
            .leaf("userName", .varchar),
        ]
        let nodes: [SchemaBuilder.Node] = [
            .leaf("eventVersion", .varchar),
            .row("userIdentity", [
                .leaf("type", .varchar), .leaf("principalId", .varchar), .leaf("arn", .varchar), .leaf("accountId", .varchar),
                .leaf("accessKeyId", .varchar), .leaf("userName", .varchar),
                .row("sessionContext", [
                    .row("attributes", [.leaf("creationDate", .timestamp), .leaf("mfaAuthenticated", .varchar)]),
                    .row("sessionIssuer", issuer),
                    .row("webIdFederationData", [.leaf("federatedProvider", .varchar), .leaf("attributes", stringMap)]),
                    .leaf("sourceIdentity", .varchar), .leaf("ec2RoleDelivery", .varchar), .leaf("ec2IssuedInVpc", .varchar),
                ]),
                .leaf("invokedBy", .varchar), .leaf("identityProvider", .varchar),
            ]),
            .leaf("eventTime", .timestamp), .leaf("eventSource", .varchar), .leaf("eventName", .varchar),
            .leaf("awsRegion", .varchar), .leaf("sourceIPAddress", .varchar), .leaf("userAgent", .varchar),
            .leaf("errorCode", .varchar), .leaf("errorMessage", .varchar),
            .leaf("requestParameters", stringMap), .leaf("responseElements", stringMap),
            .leaf("additionalEventData", stringMap), .leaf("requestID", .varchar), .leaf("eventID", .varchar),
            .leaf("readOnly", .boolean),
            .leaf("resources", .array(.row([
                .init(name: "accountid", type: .varchar), .init(name: "type", type: .varchar),
                .init(name: "arn", type: .varchar), .init(name: "arnprefix", type: .varchar),
            ]))),
            .leaf("eventType", .varchar), .leaf("apiVersion", .varchar), .leaf("managementEvent", .boolean),
            .leaf("recipientAccountId", .varchar), .leaf("serviceEventDetails", stringMap),
            .leaf("sharedEventID", .varchar), .leaf("annotation", .varchar), .leaf("vpcEndpointId", .varchar),
            .leaf("vpcEndpointAccountId", .varchar), .leaf("eventCategory", .varchar), .leaf("addendum", stringMap),
            .leaf("sessionCredentialFromConsole", .varchar), .leaf("edgeDeviceDetails", stringMap),
            .row("tlsDetails", [.leaf("tlsVersion", .varchar), .leaf("cipherSuite", .varchar), .leaf("clientProvidedHostHeader", .varchar)]),
            .leaf("insightDetails", stringMap),
        ]
        var columns = builder.build(nodes)
        columns.append(LakeColumn(name: "eventjson", type: .varchar, source: .record, fields: []))
        columns.append(LakeColumn(name: "eventjsonchecksum", type: .varchar, source: .recordChecksum, fields: []))
        return LakeSchema(columns: columns)
    }()

    /// The schema of stores fed by PutAuditEvents channels (spec §7.3, §7.5).
    public static let activityAuditLog: LakeSchema = {
        let builder = SchemaBuilder(physical: [
            "/eventTime": .eventTime, "/eventCategory": .symbol("s_eventcategory"), "/eventType": .symbol("s_eventtype"),
            "/awsRegion": .symbol("s_awsregion"), "/recipientAccountId": .symbol("s_recipientaccountid"),
            "/eventVersion": .symbol("s_eventversion"),
            "/eventData/eventName": .symbol("s_eventname"), "/eventData/eventSource": .symbol("s_eventsource"),
            "/eventData/userIdentity/type": .symbol("s_ui_type"),
            "/eventData/userIdentity/principalId": .symbol("s_ui_principalid"),
            "/eventData/userAgent": .symbol("s_useragent"), "/eventData/sourceIPAddress": .symbol("s_sourceipaddress"),
            "/eventData/errorCode": .symbol("s_errorcode"),
        ])
        let nodes: [SchemaBuilder.Node] = [
            .leaf("eventVersion", .varchar), .leaf("eventCategory", .varchar), .leaf("eventType", .varchar),
            .leaf("eventID", .varchar), .leaf("eventTime", .timestamp), .leaf("awsRegion", .varchar),
            .leaf("recipientAccountId", .varchar), .leaf("addendum", stringMap),
            .row("metadata", [.leaf("ingestionTime", .varchar), .leaf("channelARN", .varchar)]),
            .row("eventData", [
                .leaf("version", .varchar),
                .row("userIdentity", [.leaf("type", .varchar), .leaf("principalId", .varchar), .leaf("details", stringMap)]),
                .leaf("userAgent", .varchar), .leaf("eventSource", .varchar), .leaf("eventName", .varchar),
                .leaf("eventTime", .varchar), .leaf("UID", .varchar), .leaf("requestParameters", stringMap),
                .leaf("responseElements", stringMap), .leaf("errorCode", .varchar), .leaf("errorMessage", .varchar),
                .leaf("sourceIPAddress", .varchar), .leaf("recipientAccountId", .varchar),
                .leaf("additionalEventData", stringMap),
            ]),
        ]
        var columns = builder.build(nodes)
        columns.append(LakeColumn(name: "eventjson", type: .varchar, source: .record, fields: []))
        columns.append(LakeColumn(name: "eventjsonchecksum", type: .varchar, source: .recordChecksum, fields: []))
        return LakeSchema(columns: columns)
    }()

    /// The schema of Insights stores (spec §4.1): top-level fields, `insightdetails` as a map.
    public static let insight: LakeSchema = {
        let builder = SchemaBuilder(physical: [
            "/eventTime": .eventTime, "/eventCategory": .symbol("s_eventcategory"), "/eventType": .symbol("s_eventtype"),
            "/awsRegion": .symbol("s_awsregion"), "/recipientAccountId": .symbol("s_recipientaccountid"),
            "/eventVersion": .symbol("s_eventversion"),
        ])
        let nodes: [SchemaBuilder.Node] = [
            .leaf("eventVersion", .varchar), .leaf("eventTime", .timestamp), .leaf("awsRegion", .varchar),
            .leaf("eventID", .varchar), .leaf("eventType", .varchar), .leaf("recipientAccountId", .varchar),
            .leaf("sharedEventID", .varchar), .leaf("insightDetails", stringMap), .leaf("eventCategory", .varchar),
        ]
        var columns = builder.build(nodes)
        columns.append(LakeColumn(name: "eventjson", type: .varchar, source: .record, fields: []))
        columns.append(LakeColumn(name: "eventjsonchecksum", type: .varchar, source: .recordChecksum, fields: []))
        return LakeSchema(columns: columns)
    }()
}
