import Foundation

extension DynamoDBClient {
    /// One request of a `BatchWriteItem`: put an item or delete a key.
    public enum WriteRequest: Sendable, Hashable, Codable {
        /// Writes the item (unconditionally: batches take no conditions).
        case put(Item)
        /// Deletes the item with this key.
        case delete(key: Item)

        enum CodingKeys: String, CodingKey {
            case put = "PutRequest", delete = "DeleteRequest"
        }
        enum PutKeys: String, CodingKey { case item = "Item" }
        enum DeleteKeys: String, CodingKey { case key = "Key" }

        /// Encodes `{"PutRequest":{"Item":…}}` or `{"DeleteRequest":{"Key":…}}`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .put(let item):
                var nested = container.nestedContainer(keyedBy: PutKeys.self, forKey: .put)
                try nested.encode(item, forKey: .item)
            case .delete(let key):
                var nested = container.nestedContainer(keyedBy: DeleteKeys.self, forKey: .delete)
                try nested.encode(key, forKey: .key)
            }
        }

        /// Decodes the forms ``encode(to:)`` writes (as `UnprocessedItems` returns them).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if container.contains(.put) {
                let nested = try container.nestedContainer(keyedBy: PutKeys.self, forKey: .put)
                self = .put(try nested.decode(Item.self, forKey: .item))
            } else {
                let nested = try container.nestedContainer(keyedBy: DeleteKeys.self, forKey: .delete)
                self = .delete(key: try nested.decode(Item.self, forKey: .key))
            }
        }
    }

    /// The most requests one `BatchWriteItem` call takes.
    public static let batchWriteLimit = 25

    /// Writes `requests` to `table` with `BatchWriteItem`, 25 at a time, sending what DynamoDB
    /// returns as `UnprocessedItems` again with exponential backoff (the client's retry policy's
    /// delays) until everything is written.
    ///
    /// Batches are not atomic and take no conditions: use ``putItem(_:into:condition:names:values:)``
    /// to learn whether an item was new.
    ///
    /// - Parameter maximumRounds: how many times unprocessed items are sent again at most.
    /// - Throws: ``AWSError`` `UnprocessedItems` when items are still unprocessed after
    ///   `maximumRounds` retries; any error DynamoDB answers.
    public func batchWriteItem(_ requests: [WriteRequest], to table: String, maximumRounds: Int = 10) async throws {
        struct Input: Encodable {
            var requestItems: [String: [WriteRequest]]
            enum CodingKeys: String, CodingKey { case requestItems = "RequestItems" }
        }
        struct Output: Decodable {
            var unprocessedItems: [String: [WriteRequest]]?
            enum CodingKeys: String, CodingKey { case unprocessedItems = "UnprocessedItems" }
        }
        var generator = SystemRandomNumberGenerator()
        var start = 0
        while start < requests.count {
            let end = min(start + Self.batchWriteLimit, requests.count)
            var pending = Array(requests[start..<end])
            var round = 0
            while !pending.isEmpty {
                try Task.checkCancellation()
                if round > 0 {
                    guard round <= maximumRounds else {
                        throw AWSError(
                            code: "UnprocessedItems",
                            message: "\(pending.count) items of a batch write to \(table) were still unprocessed",
                            status: 0
                        )
                    }
                    try await Task.sleep(for: client.configuration.retry.delay(beforeRetry: round, using: &generator))
                }
                let output: Output = try await call("BatchWriteItem", Input(requestItems: [table: pending]))
                pending = output.unprocessedItems?[table] ?? []
                round += 1
            }
            start = end
        }
    }
}
