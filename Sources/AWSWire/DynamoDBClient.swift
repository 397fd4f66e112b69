import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1

/// A minimal DynamoDB client on ``AWSClient``: the JSON 1.0 protocol (`X-Amz-Target:
/// DynamoDB_20120810.<Operation>`, `Content-Type: application/x-amz-json-1.0`).
///
/// Operations: table creation, description and waiting, single-item put (conditional), get and
/// delete, batch writes (unprocessed items retried), query and scan pages. Every method throws
/// ``AWSError`` when DynamoDB answers with an error (after ``AWSClient``'s retries of throttling and
/// 5xx answers).
///
/// Bodies are encoded and decoded with Foundation's JSON coders: this client is for control-plane
/// and modest item rates (findings), not for bulk record paths.
public struct DynamoDBClient: Sendable {
    /// The underlying signed client.
    public let client: AWSClient
    /// `scheme://host[:port]` of the DynamoDB endpoint.
    public let endpoint: String
    /// The SigV4 region.
    public let region: String

    /// A client of the DynamoDB endpoint `endpoint` in `region`.
    public init(client: AWSClient, endpoint: String, region: String) {
        self.client = client
        self.endpoint = endpoint
        self.region = region
    }

    /// A client from the user's configuration: its credentials, region, and DynamoDB endpoint
    /// (`AWS_ENDPOINT_URL_DYNAMODB`, the profile's `dynamodb.endpoint_url`…, else
    /// `https://dynamodb.<region>.amazonaws.com`).
    ///
    /// - Throws: ``AWSError`` with code `MissingCredentials` when no credentials are configured.
    public init(
        httpClient: HTTPClient,
        configuration: AWSConfiguration,
        clientConfiguration: AWSClient.Configuration = .init(),
        logger: Logger
    ) throws {
        self.init(
            client: try AWSClient(
                httpClient: httpClient, awsConfiguration: configuration, configuration: clientConfiguration,
                logger: logger),
            configuration: configuration
        )
    }

    /// A client over an existing ``AWSClient``, with the region and endpoint of `configuration`.
    public init(client: AWSClient, configuration: AWSConfiguration) {
        self.client = client
        self.region = configuration.region
        self.endpoint =
            configuration.endpoint(for: "DynamoDB") ?? "https://dynamodb.\(configuration.region).amazonaws.com"
    }

    // MARK: tables

    /// Creates a table with on-demand billing (`PAY_PER_REQUEST`).
    ///
    /// - Returns: the new table's description (usually `CREATING`; see ``waitUntilActive(table:timeout:pollInterval:)``).
    /// - Throws: ``AWSError`` `ResourceInUseException` when the table exists.
    @discardableResult
    public func createTable(
        _ table: String,
        keySchema: [KeySchemaElement],
        attributeDefinitions: [AttributeDefinition]
    ) async throws -> TableDescription {
        struct Input: Encodable {
            var tableName: String
            var keySchema: [KeySchemaElement]
            var attributeDefinitions: [AttributeDefinition]
            var billingMode = "PAY_PER_REQUEST"
            enum CodingKeys: String, CodingKey {
                case tableName = "TableName", keySchema = "KeySchema"
                case attributeDefinitions = "AttributeDefinitions", billingMode = "BillingMode"
            }
        }
        struct Output: Decodable {
            var tableDescription: TableDescription
            enum CodingKeys: String, CodingKey { case tableDescription = "TableDescription" }
        }
        let output: Output = try await call(
            "CreateTable",
            Input(tableName: table, keySchema: keySchema, attributeDefinitions: attributeDefinitions)
        )
        return output.tableDescription
    }

    /// The table's description.
    ///
    /// - Throws: ``AWSError`` `ResourceNotFoundException` when there is no such table.
    public func describeTable(_ table: String) async throws -> TableDescription {
        struct Output: Decodable {
            var table: TableDescription
            enum CodingKeys: String, CodingKey { case table = "Table" }
        }
        let output: Output = try await call("DescribeTable", TableName(tableName: table))
        return output.table
    }

    /// Polls ``describeTable(_:)`` until the table is `ACTIVE`.
    ///
    /// - Throws: ``AWSError`` `TableNotActive` when `timeout` passes first; the describe errors.
    @discardableResult
    public func waitUntilActive(
        table: String,
        timeout: Duration = .seconds(120),
        pollInterval: Duration = .seconds(1)
    ) async throws -> TableDescription {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let description = try await describeTable(table)
            if description.isActive { return description }
            guard clock.now < deadline else {
                throw AWSError(
                    code: "TableNotActive",
                    message: "table \(table) is still \(description.tableStatus) after \(timeout)",
                    status: 0
                )
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// Deletes a table.
    ///
    /// - Throws: ``AWSError`` `ResourceNotFoundException` when there is no such table.
    public func deleteTable(_ table: String) async throws {
        let _: Ignored = try await call("DeleteTable", TableName(tableName: table))
    }

    // MARK: items

    /// Writes an item, unconditionally or when `condition` holds.
    ///
    /// - Parameters:
    ///   - item: the item, key attributes included.
    ///   - table: the table.
    ///   - condition: a condition expression, such as `attribute_not_exists(eventID)`.
    ///   - names: `#name` placeholders of `condition`.
    ///   - values: `:value` placeholders of `condition`.
    /// - Returns: `true` when the item was written, `false` when `condition` did not hold
    ///   (DynamoDB's `ConditionalCheckFailedException`).
    /// - Throws: ``AWSError`` for any other error.
    @discardableResult
    public func putItem(
        _ item: Item,
        into table: String,
        condition: String? = nil,
        names: [String: String]? = nil,
        values: Item? = nil
    ) async throws -> Bool {
        struct Input: Encodable {
            var tableName: String
            var item: Item
            var conditionExpression: String?
            var expressionAttributeNames: [String: String]?
            var expressionAttributeValues: Item?
            enum CodingKeys: String, CodingKey {
                case tableName = "TableName", item = "Item", conditionExpression = "ConditionExpression"
                case expressionAttributeNames = "ExpressionAttributeNames"
                case expressionAttributeValues = "ExpressionAttributeValues"
            }
        }
        do {
            let _: Ignored = try await call(
                "PutItem",
                Input(
                    tableName: table,
                    item: item,
                    conditionExpression: condition,
                    expressionAttributeNames: names,
                    expressionAttributeValues: values
                )
            )
            return true
        } catch let error as AWSError where error.isConditionalCheckFailed {
            return false
        }
    }

    /// The item with this primary key, or nil.
    public func getItem(key: Item, from table: String, consistentRead: Bool = false) async throws -> Item? {
        struct Input: Encodable {
            var tableName: String
            var key: Item
            var consistentRead: Bool
            enum CodingKeys: String, CodingKey {
                case tableName = "TableName", key = "Key", consistentRead = "ConsistentRead"
            }
        }
        struct Output: Decodable {
            var item: Item?
            enum CodingKeys: String, CodingKey { case item = "Item" }
        }
        let output: Output = try await call(
            "GetItem", Input(tableName: table, key: key, consistentRead: consistentRead))
        return output.item
    }

    /// Deletes the item with this primary key (nothing happens when there is none).
    public func deleteItem(key: Item, from table: String) async throws {
        struct Input: Encodable {
            var tableName: String
            var key: Item
            enum CodingKeys: String, CodingKey { case tableName = "TableName", key = "Key" }
        }
        let _: Ignored = try await call("DeleteItem", Input(tableName: table, key: key))
    }

    // MARK: reading many

    /// One page of a `Query`.
    public func query(_ request: QueryRequest) async throws -> Page {
        try await call("Query", request)
    }

    /// One page of a `Scan`.
    public func scan(_ request: ScanRequest) async throws -> Page {
        try await call("Scan", request)
    }

    /// Every page of a `Query` (following `LastEvaluatedKey`), items concatenated.
    ///
    /// - Parameter maximumItems: stop once this many items have been collected (the result may hold
    ///   up to one page more).
    public func queryAll(_ request: QueryRequest, maximumItems: Int = .max) async throws -> [Item] {
        var request = request
        var items: [Item] = []
        repeat {
            try Task.checkCancellation()
            let page = try await query(request)
            items += page.items
            request.exclusiveStartKey = page.lastEvaluatedKey
        } while request.exclusiveStartKey != nil && items.count < maximumItems
        return items
    }

    /// Every page of a `Scan` (following `LastEvaluatedKey`), items concatenated.
    ///
    /// - Parameter maximumItems: stop once this many items have been collected (the result may hold
    ///   up to one page more).
    public func scanAll(_ request: ScanRequest, maximumItems: Int = .max) async throws -> [Item] {
        var request = request
        var items: [Item] = []
        repeat {
            try Task.checkCancellation()
            let page = try await scan(request)
            items += page.items
            request.exclusiveStartKey = page.lastEvaluatedKey
        } while request.exclusiveStartKey != nil && items.count < maximumItems
        return items
    }

    /// How many items a scan matches, summing ``Page/count`` over every page (a full table read).
    public func scanCount(_ request: ScanRequest) async throws -> Int {
        var request = request
        request.select = .count
        var total = 0
        repeat {
            try Task.checkCancellation()
            let page = try await scan(request)
            total += page.count
            request.exclusiveStartKey = page.lastEvaluatedKey
        } while request.exclusiveStartKey != nil
        return total
    }

    // MARK: wire

    /// Sends one operation and decodes its answer.
    func call<Input: Encodable, Output: Decodable>(_ operation: String, _ input: Input) async throws -> Output {
        let body = try JSONEncoder().encode(input)
        let response = try await client.send(
            method: .POST,
            endpoint: endpoint,
            path: "/",
            headers: [
                ("Content-Type", "application/x-amz-json-1.0"),
                ("X-Amz-Target", "DynamoDB_20120810." + operation),
            ],
            body: body,
            service: "dynamodb",
            region: region
        )
        guard response.isSuccess else { throw AWSError(response: response) }
        do {
            return try JSONDecoder().decode(Output.self, from: response.body)
        } catch {
            throw AWSError(
                code: "InvalidResponse",
                message: "DynamoDB \(operation) answered with an unreadable body",
                status: response.status
            )
        }
    }

    struct TableName: Encodable {
        var tableName: String
        enum CodingKeys: String, CodingKey { case tableName = "TableName" }
    }

    /// An answer whose body is not needed.
    struct Ignored: Decodable {}
}

extension AWSError {
    /// Whether this is DynamoDB's `ConditionalCheckFailedException` (a condition expression did not hold).
    public var isConditionalCheckFailed: Bool { code == "ConditionalCheckFailedException" }
}
