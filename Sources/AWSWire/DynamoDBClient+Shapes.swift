import Foundation

extension DynamoDBClient {
    /// An item (or a key): attribute name → value.
    public typealias Item = [String: AttributeValue]

    /// The role of a key attribute.
    public enum KeyType: String, Codable, Sendable, Hashable {
        /// The partition key.
        case hash = "HASH"
        /// The sort key.
        case range = "RANGE"
    }

    /// The type of a key attribute.
    public enum ScalarAttributeType: String, Codable, Sendable, Hashable {
        /// `S`.
        case string = "S"
        /// `N`.
        case number = "N"
        /// `B`.
        case binary = "B"
    }

    /// One attribute of a table's primary key.
    public struct KeySchemaElement: Codable, Sendable, Hashable {
        /// The attribute's name.
        public var attributeName: String
        /// Partition (`HASH`) or sort (`RANGE`) key.
        public var keyType: KeyType

        /// An element from its parts.
        public init(attributeName: String, keyType: KeyType) {
            self.attributeName = attributeName
            self.keyType = keyType
        }

        enum CodingKeys: String, CodingKey {
            case attributeName = "AttributeName"
            case keyType = "KeyType"
        }
    }

    /// The declared type of a key attribute.
    public struct AttributeDefinition: Codable, Sendable, Hashable {
        /// The attribute's name.
        public var attributeName: String
        /// Its type.
        public var attributeType: ScalarAttributeType

        /// A definition from its parts.
        public init(attributeName: String, attributeType: ScalarAttributeType) {
            self.attributeName = attributeName
            self.attributeType = attributeType
        }

        enum CodingKeys: String, CodingKey {
            case attributeName = "AttributeName"
            case attributeType = "AttributeType"
        }
    }

    /// What `DescribeTable` (and `CreateTable`) say of a table.
    public struct TableDescription: Decodable, Sendable, Hashable {
        /// The table's name.
        public var tableName: String
        /// `CREATING`, `ACTIVE`, `UPDATING`, `DELETING`…
        public var tableStatus: String
        /// The primary key.
        public var keySchema: [KeySchemaElement]
        /// The key attributes' types.
        public var attributeDefinitions: [AttributeDefinition]
        /// The approximate item count (updated by DynamoDB about every six hours).
        public var itemCount: Int64?
        /// `PAY_PER_REQUEST` or `PROVISIONED`, when the service says.
        public var billingMode: String?

        /// Whether the table is `ACTIVE`.
        public var isActive: Bool { tableStatus == "ACTIVE" }

        enum CodingKeys: String, CodingKey {
            case tableName = "TableName"
            case tableStatus = "TableStatus"
            case keySchema = "KeySchema"
            case attributeDefinitions = "AttributeDefinitions"
            case itemCount = "ItemCount"
            case billingModeSummary = "BillingModeSummary"
        }

        struct BillingModeSummary: Decodable {
            var billingMode: String?
            enum CodingKeys: String, CodingKey { case billingMode = "BillingMode" }
        }

        /// Decodes the `Table`/`TableDescription` shape.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            tableName = try c.decode(String.self, forKey: .tableName)
            tableStatus = try c.decodeIfPresent(String.self, forKey: .tableStatus) ?? "ACTIVE"
            keySchema = try c.decodeIfPresent([KeySchemaElement].self, forKey: .keySchema) ?? []
            attributeDefinitions = try c.decodeIfPresent([AttributeDefinition].self, forKey: .attributeDefinitions) ?? []
            itemCount = try c.decodeIfPresent(Int64.self, forKey: .itemCount)
            billingMode = try c.decodeIfPresent(BillingModeSummary.self, forKey: .billingModeSummary)?.billingMode
        }
    }

    /// `Select` of a query or scan.
    public enum Select: String, Encodable, Sendable, Hashable {
        /// Return the items.
        case allAttributes = "ALL_ATTRIBUTES"
        /// Return only how many matched (``Page/count``).
        case count = "COUNT"
    }

    /// The parameters of one `Query` page.
    public struct QueryRequest: Encodable, Sendable, Hashable {
        /// The table.
        public var tableName: String
        /// Such as `eventID = :id AND #r = :rule`.
        public var keyConditionExpression: String
        /// Applied after the key condition; filtered-out items still count against ``limit``.
        public var filterExpression: String?
        /// `#name` placeholders → attribute names.
        public var expressionAttributeNames: [String: String]?
        /// `:value` placeholders → values.
        public var expressionAttributeValues: Item?
        /// Items to read at most (before filtering) in this page.
        public var limit: Int?
        /// The previous page's ``Page/lastEvaluatedKey``.
        public var exclusiveStartKey: Item?
        /// `false` to read the sort key descending.
        public var scanIndexForward: Bool?
        /// Strongly consistent reads.
        public var consistentRead: Bool?
        /// Items or only their count.
        public var select: Select?
        /// A secondary index to query instead of the table.
        public var indexName: String?

        /// A query of `tableName` with a key condition; everything else optional.
        public init(
            tableName: String,
            keyConditionExpression: String,
            filterExpression: String? = nil,
            expressionAttributeNames: [String: String]? = nil,
            expressionAttributeValues: Item? = nil,
            limit: Int? = nil,
            exclusiveStartKey: Item? = nil,
            scanIndexForward: Bool? = nil,
            consistentRead: Bool? = nil,
            select: Select? = nil,
            indexName: String? = nil
        ) {
            self.tableName = tableName
            self.keyConditionExpression = keyConditionExpression
            self.filterExpression = filterExpression
            self.expressionAttributeNames = expressionAttributeNames
            self.expressionAttributeValues = expressionAttributeValues
            self.limit = limit
            self.exclusiveStartKey = exclusiveStartKey
            self.scanIndexForward = scanIndexForward
            self.consistentRead = consistentRead
            self.select = select
            self.indexName = indexName
        }

        enum CodingKeys: String, CodingKey {
            case tableName = "TableName"
            case keyConditionExpression = "KeyConditionExpression"
            case filterExpression = "FilterExpression"
            case expressionAttributeNames = "ExpressionAttributeNames"
            case expressionAttributeValues = "ExpressionAttributeValues"
            case limit = "Limit"
            case exclusiveStartKey = "ExclusiveStartKey"
            case scanIndexForward = "ScanIndexForward"
            case consistentRead = "ConsistentRead"
            case select = "Select"
            case indexName = "IndexName"
        }
    }

    /// The parameters of one `Scan` page.
    public struct ScanRequest: Encodable, Sendable, Hashable {
        /// The table.
        public var tableName: String
        /// Applied to every item read; filtered-out items still count against ``limit``.
        public var filterExpression: String?
        /// `#name` placeholders → attribute names.
        public var expressionAttributeNames: [String: String]?
        /// `:value` placeholders → values.
        public var expressionAttributeValues: Item?
        /// Items to read at most (before filtering) in this page.
        public var limit: Int?
        /// The previous page's ``Page/lastEvaluatedKey``.
        public var exclusiveStartKey: Item?
        /// Strongly consistent reads.
        public var consistentRead: Bool?
        /// Items or only their count.
        public var select: Select?

        /// A scan of `tableName`; everything else optional.
        public init(
            tableName: String,
            filterExpression: String? = nil,
            expressionAttributeNames: [String: String]? = nil,
            expressionAttributeValues: Item? = nil,
            limit: Int? = nil,
            exclusiveStartKey: Item? = nil,
            consistentRead: Bool? = nil,
            select: Select? = nil
        ) {
            self.tableName = tableName
            self.filterExpression = filterExpression
            self.expressionAttributeNames = expressionAttributeNames
            self.expressionAttributeValues = expressionAttributeValues
            self.limit = limit
            self.exclusiveStartKey = exclusiveStartKey
            self.consistentRead = consistentRead
            self.select = select
        }

        enum CodingKeys: String, CodingKey {
            case tableName = "TableName"
            case filterExpression = "FilterExpression"
            case expressionAttributeNames = "ExpressionAttributeNames"
            case expressionAttributeValues = "ExpressionAttributeValues"
            case limit = "Limit"
            case exclusiveStartKey = "ExclusiveStartKey"
            case consistentRead = "ConsistentRead"
            case select = "Select"
        }
    }

    /// One page of a `Query` or `Scan`.
    public struct Page: Decodable, Sendable, Hashable {
        /// The items (empty with ``Select/count``).
        public var items: [Item]
        /// How many items matched in this page (after the filter).
        public var count: Int
        /// Where the next page starts; nil when this is the last page.
        public var lastEvaluatedKey: Item?

        enum CodingKeys: String, CodingKey {
            case items = "Items"
            case count = "Count"
            case lastEvaluatedKey = "LastEvaluatedKey"
        }

        /// Decodes a `Query`/`Scan` response.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            items = try c.decodeIfPresent([Item].self, forKey: .items) ?? []
            count = try c.decodeIfPresent(Int.self, forKey: .count) ?? items.count
            let key = try c.decodeIfPresent(Item.self, forKey: .lastEvaluatedKey)
            lastEvaluatedKey = (key?.isEmpty ?? true) ? nil : key
        }
    }
}
