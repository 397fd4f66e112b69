/// What a trail records: basic event selectors or advanced event selectors (never both).
public enum EventSelection: Sendable, Hashable, Codable {
    case basic([BasicEventSelector])
    case advanced([AdvancedEventSelector])

    /// A new trail's selection: all management events, read and write, no data events.
    public static let `default` = EventSelection.basic([BasicEventSelector()])

    /// Whether the selection differs from the default (DescribeTrails' `HasCustomEventSelectors`).
    public var isCustom: Bool { self != .default }
}

/// A basic event selector (`PutEventSelectors` `EventSelectors`).
public struct BasicEventSelector: Sendable, Hashable, Codable {
    public enum ReadWriteType: String, Sendable, Hashable, Codable, CaseIterable {
        case readOnly = "ReadOnly"
        case writeOnly = "WriteOnly"
        case all = "All"
    }

    /// Data resources (`AWS::S3::Object`, `AWS::Lambda::Function`, `AWS::DynamoDB::Table`) by ARN prefix.
    public struct DataResource: Sendable, Hashable, Codable {
        public var type: String
        public var values: [String]
        public init(type: String, values: [String]) {
            self.type = type
            self.values = values
        }
        enum CodingKeys: String, CodingKey {
            case type = "Type"
            case values = "Values"
        }
    }

    public var readWriteType: ReadWriteType
    public var includeManagementEvents: Bool
    public var dataResources: [DataResource]
    public var excludeManagementEventSources: [String]

    public init(
        readWriteType: ReadWriteType = .all, includeManagementEvents: Bool = true, dataResources: [DataResource] = [],
        excludeManagementEventSources: [String] = []
    ) {
        self.readWriteType = readWriteType
        self.includeManagementEvents = includeManagementEvents
        self.dataResources = dataResources
        self.excludeManagementEventSources = excludeManagementEventSources
    }

    enum CodingKeys: String, CodingKey {
        case readWriteType = "ReadWriteType"
        case includeManagementEvents = "IncludeManagementEvents"
        case dataResources = "DataResources"
        case excludeManagementEventSources = "ExcludeManagementEventSources"
    }

    /// Absent fields take CloudTrail's defaults (All, management events on, no data resources).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        readWriteType = try c.decodeIfPresent(ReadWriteType.self, forKey: .readWriteType) ?? .all
        includeManagementEvents = try c.decodeIfPresent(Bool.self, forKey: .includeManagementEvents) ?? true
        dataResources = try c.decodeIfPresent([DataResource].self, forKey: .dataResources) ?? []
        excludeManagementEventSources = try c.decodeIfPresent([String].self, forKey: .excludeManagementEventSources) ?? []
    }
}

/// An advanced event selector: field selectors ANDed together.
public struct AdvancedEventSelector: Sendable, Hashable, Codable {
    public var name: String?
    public var fieldSelectors: [AdvancedFieldSelector]

    public init(name: String? = nil, fieldSelectors: [AdvancedFieldSelector]) {
        self.name = name
        self.fieldSelectors = fieldSelectors
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case fieldSelectors = "FieldSelectors"
    }
}

/// One condition of an advanced selector: a field and its operator lists.
public struct AdvancedFieldSelector: Sendable, Hashable, Codable {
    public enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
        case equals = "Equals"
        case startsWith = "StartsWith"
        case endsWith = "EndsWith"
        case notEquals = "NotEquals"
        case notStartsWith = "NotStartsWith"
        case notEndsWith = "NotEndsWith"

        public var isNegative: Bool {
            switch self {
            case .notEquals, .notStartsWith, .notEndsWith: true
            default: false
            }
        }
    }

    public var field: String
    /// Values per operator, in AWS's operator order.
    public var conditions: [Operator: [String]]

    public init(field: String, conditions: [Operator: [String]]) {
        self.field = field
        self.conditions = conditions
    }

    public func values(_ op: Operator) -> [String]? { conditions[op] }
}

extension AdvancedFieldSelector {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        field = try c.decode(String.self, forKey: Key(stringValue: "Field"))
        var conditions: [Operator: [String]] = [:]
        for op in Operator.allCases {
            // Empty lists (as the AWS CLI prints them) mean the operator is not used.
            if let values = try c.decodeIfPresent([String].self, forKey: Key(stringValue: op.rawValue)), !values.isEmpty {
                conditions[op] = values
            }
        }
        self.conditions = conditions
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(field, forKey: Key(stringValue: "Field"))
        for op in Operator.allCases {
            if let values = conditions[op] { try c.encode(values, forKey: Key(stringValue: op.rawValue)) }
        }
    }
}
