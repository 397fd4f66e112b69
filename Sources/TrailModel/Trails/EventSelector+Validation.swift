/// Why a selector set was refused (`InvalidEventSelectorsException`).
public struct EventSelectorError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension EventSelection {
    /// The data resource types basic selectors accept.
    public static let basicDataResourceTypes: Set<String> = ["AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table"]
    /// Management event sources a trail may exclude.
    public static let excludableSources: Set<String> = ["kms.amazonaws.com", "rdsdata.amazonaws.com"]
    /// Fields advanced selectors of trails accept.
    public static let advancedFields: Set<String> = [
        "eventCategory", "eventSource", "eventName", "eventType", "readOnly", "resources.type", "resources.ARN",
        "sessionCredentialFromConsole", "userIdentity.arn", "errorCode", "vpcEndpointId",
    ]
    /// `eventCategory` values of trails.
    public static let trailCategories: Set<String> = ["Management", "Data", "NetworkActivity"]

    /// Checks the selection against CloudTrail's rules for trails.
    public func validate() throws(EventSelectorError) {
        switch self {
        case .basic(let selectors): try Self.validate(basic: selectors)
        case .advanced(let selectors): try Self.validate(advanced: selectors)
        }
    }

    static func validate(basic selectors: [BasicEventSelector]) throws(EventSelectorError) {
        guard (1...5).contains(selectors.count) else {
            throw EventSelectorError("A trail can have between 1 and 5 event selectors; \(selectors.count) were given.")
        }
        var total = 0
        for s in selectors {
            for resource in s.dataResources {
                guard Self.basicDataResourceTypes.contains(resource.type) else {
                    throw EventSelectorError(
                        "Invalid data resource type \(resource.type). Use AWS::S3::Object, AWS::Lambda::Function or AWS::DynamoDB::Table, or advanced event selectors.")
                }
                guard !resource.values.isEmpty else {
                    throw EventSelectorError("Data resource \(resource.type) has no values.")
                }
                for v in resource.values {
                    let service = resource.type == "AWS::S3::Object" ? "s3" : resource.type == "AWS::Lambda::Function" ? "lambda" : "dynamodb"
                    guard v.hasPrefix("arn:"), v.split(separator: ":", omittingEmptySubsequences: false).count >= 3,
                        v.split(separator: ":", omittingEmptySubsequences: false)[2] == service
                    else {
                        throw EventSelectorError("Value \(v) is not a valid ARN prefix for \(resource.type).")
                    }
                }
                total += resource.values.count
            }
            for source in s.excludeManagementEventSources where !Self.excludableSources.contains(source) {
                throw EventSelectorError(
                    "ExcludeManagementEventSources may only contain kms.amazonaws.com or rdsdata.amazonaws.com, not \(source).")
            }
        }
        guard total <= 250 else {
            throw EventSelectorError("A trail can have at most 250 data resources across its event selectors; \(total) were given.")
        }
    }

    static func validate(advanced selectors: [AdvancedEventSelector]) throws(EventSelectorError) {
        guard (1...500).contains(selectors.count) else {
            throw EventSelectorError("A trail needs between 1 and 500 advanced event selectors.")
        }
        var conditions = 0
        for s in selectors {
            if let name = s.name, name.count > 1000 {
                throw EventSelectorError("Selector name is longer than 1000 characters.")
            }
            guard !s.fieldSelectors.isEmpty else {
                throw EventSelectorError("Advanced event selector \(s.name ?? "") has no field selectors.")
            }
            var fields: [String: AdvancedFieldSelector] = [:]
            for f in s.fieldSelectors {
                guard Self.advancedFields.contains(f.field) else {
                    throw EventSelectorError("Field \(f.field) is not valid in an advanced event selector of a trail.")
                }
                guard fields[f.field] == nil else {
                    throw EventSelectorError("Field \(f.field) appears more than once in one advanced event selector.")
                }
                guard !f.conditions.isEmpty else {
                    throw EventSelectorError("Field selector \(f.field) has no operator.")
                }
                for (op, values) in f.conditions {
                    guard !values.isEmpty else {
                        throw EventSelectorError("Operator \(op.rawValue) of field \(f.field) has no values.")
                    }
                    for v in values where v.isEmpty || v.count > 2048 {
                        throw EventSelectorError("Values of field \(f.field) must be 1 to 2048 characters long.")
                    }
                    if ["readOnly", "eventCategory", "resources.type"].contains(f.field), op != .equals {
                        throw EventSelectorError("Field \(f.field) only supports the Equals operator.")
                    }
                    if f.field == "sessionCredentialFromConsole", op != .equals, op != .notEquals {
                        throw EventSelectorError("Field sessionCredentialFromConsole only supports Equals and NotEquals.")
                    }
                    conditions += values.count
                }
                if f.field == "readOnly", let v = f.values(.equals), v.contains(where: { $0 != "true" && $0 != "false" }) {
                    throw EventSelectorError("Field readOnly accepts only the values true and false.")
                }
                fields[f.field] = f
            }
            guard let category = fields["eventCategory"], let categories = category.values(.equals), categories.count == 1 else {
                throw EventSelectorError("Each advanced event selector needs an eventCategory field with exactly one Equals value.")
            }
            let c = categories[0]
            guard Self.trailCategories.contains(c) else {
                throw EventSelectorError("eventCategory \(c) is not valid for trails; use Management, Data or NetworkActivity.")
            }
            switch c {
            case "Management":
                for name in fields.keys where !["eventCategory", "eventSource", "readOnly"].contains(name) {
                    throw EventSelectorError("Field \(name) is not supported for management events on trails.")
                }
                if let source = fields["eventSource"] {
                    guard source.conditions.keys.allSatisfy({ $0 == .notEquals }),
                        source.values(.notEquals)!.allSatisfy({ Self.excludableSources.contains($0) })
                    else {
                        throw EventSelectorError(
                            "For management events, eventSource only supports NotEquals kms.amazonaws.com or rdsdata.amazonaws.com.")
                    }
                }
            case "Data":
                guard let type = fields["resources.type"], type.values(.equals)?.count == 1 else {
                    throw EventSelectorError("Data event selectors need a resources.type field with exactly one Equals value.")
                }
            default:
                guard let source = fields["eventSource"], source.values(.equals)?.count == 1, source.conditions.count == 1 else {
                    throw EventSelectorError("Network activity selectors need an eventSource field with exactly one Equals value.")
                }
                if let code = fields["errorCode"], code.conditions.keys.contains(where: { $0 != .equals }) || code.values(.equals) != ["VpceAccessDenied"] {
                    throw EventSelectorError("errorCode only supports Equals VpceAccessDenied.")
                }
            }
        }
        guard conditions <= 500 else {
            throw EventSelectorError("Advanced event selectors of a trail can have at most 500 conditions; \(conditions) were given.")
        }
    }
}
