import AWSWire
import AsyncHTTPClient
import Foundation
import Logging
import Testing

/// moto server for the DynamoDB tests, when the environment names it.
private enum DynamoDBMoto {
    static let endpoint = ProcessInfo.processInfo.environment["MOTO_ENDPOINT"]
    static let isRequired = ProcessInfo.processInfo.environment["TRAILKEEPER_REQUIRE_INTEGRATION"] == "1"
    static let logger = Logger(label: "trail.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a client of moto; fails when moto is required but not configured.
    static func withClient(_ body: (DynamoDBClient) async throws -> Void) async throws {
        let endpoint = try #require(endpoint, "TRAILKEEPER_REQUIRE_INTEGRATION=1 but MOTO_ENDPOINT is not set")
        try await HTTPClient.withHTTPClient { http in
            let client = AWSClient(
                httpClient: http,
                credentials: SigV4.Credentials(accessKeyID: "AKIAMOTOTEST00000001", secretAccessKey: "moto-secret"),
                logger: logger)
            try await body(DynamoDBClient(client: client, endpoint: endpoint, region: "us-east-1"))
        }
    }

    /// Runs `body` with a new table (`pk` S HASH, `sk` N RANGE), deleted afterwards.
    static func withTable(_ body: (DynamoDBClient, String) async throws -> Void) async throws {
        try await withClient { client in
            let table = "tk-test-" + UUID().uuidString.lowercased().prefix(8)
            try await client.createTable(
                table,
                keySchema: [.init(attributeName: "pk", keyType: .hash), .init(attributeName: "sk", keyType: .range)],
                attributeDefinitions: [
                    .init(attributeName: "pk", attributeType: .string),
                    .init(attributeName: "sk", attributeType: .number),
                ])
            try await client.waitUntilActive(table: table, pollInterval: .milliseconds(100))
            do {
                try await body(client, table)
            } catch {
                try? await client.deleteTable(table)
                throw error
            }
            try await client.deleteTable(table)
        }
    }
}

/// ``AttributeValue``'s DynamoDB JSON, without a server.
@Suite struct AttributeValueCodingTests {
    @Test func encodesEveryTypeAsAOneKeyObject() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json(_ value: AttributeValue) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        #expect(try json(.string("a")) == #"{"S":"a"}"#)
        #expect(try json(.integer(-12)) == #"{"N":"-12"}"#)
        #expect(try json(.binary(Data([0, 1, 255]))) == #"{"B":"AAH/"}"#)
        #expect(try json(.bool(false)) == #"{"BOOL":false}"#)
        #expect(try json(.null) == #"{"NULL":true}"#)
        #expect(try json(.list([.string("x"), .number("1.5")])) == #"{"L":[{"S":"x"},{"N":"1.5"}]}"#)
        #expect(try json(.map(["k": .stringSet(["a", "b"])])) == #"{"M":{"k":{"SS":["a","b"]}}}"#)
        #expect(try json(.numberSet(["1", "2"])) == #"{"NS":["1","2"]}"#)
    }

    @Test func decodesWhatItEncodes() throws {
        let value = AttributeValue.map([
            "s": .string("é\u{0}\n"), "n": .number("3.14"), "b": .binary(Data("bytes".utf8)), "t": .bool(true),
            "z": .null, "l": .list([.integer(1), .map([:])]), "ss": .stringSet(["x"]), "ns": .numberSet(["7"]),
            "bs": .binarySet([Data([1, 2])]),
        ])
        let decoded = try JSONDecoder().decode(AttributeValue.self, from: try JSONEncoder().encode(value))
        #expect(decoded == value)
        #expect(AttributeValue.integer(42).int64Value == 42)
        #expect(AttributeValue.number("1.5").int64Value == nil)
    }

    @Test func endpointComesFromTheAWSConfiguration() async throws {
        let configuration = AWSConfiguration(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-west-3",
            "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:5401", "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        ])
        try await HTTPClient.withHTTPClient { http in
            let client = try DynamoDBClient(httpClient: http, configuration: configuration, logger: DynamoDBMoto.logger)
            #expect(client.endpoint == "http://127.0.0.1:5401")
            #expect(client.region == "eu-west-3")
        }
        let plain = AWSConfiguration(environment: [
            "AWS_REGION": "ap-south-1", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        ])
        #expect(plain.endpoint(for: "DynamoDB") == nil)
    }

    @Test func refusesAnObjectWithoutAType() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(AttributeValue.self, from: Data("{}".utf8)) }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(AttributeValue.self, from: Data(#"{"B":"%%%"}"#.utf8))
        }
    }
}

@Suite(
    .enabled(
        if: DynamoDBMoto.endpoint != nil || DynamoDBMoto.isRequired,
        "MOTO_ENDPOINT is not set (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    )
)
struct DynamoDBClientTests {
    @Test func createsDescribesAndRefusesADuplicateTable() async throws {
        try await DynamoDBMoto.withTable { client, table in
            let description = try await client.describeTable(table)
            #expect(description.tableName == table)
            #expect(description.isActive)
            #expect(
                description.keySchema == [
                    .init(attributeName: "pk", keyType: .hash), .init(attributeName: "sk", keyType: .range),
                ])
            #expect(Set(description.attributeDefinitions) == [
                .init(attributeName: "pk", attributeType: .string), .init(attributeName: "sk", attributeType: .number),
            ])
            let error = await #expect(throws: AWSError.self) {
                try await client.createTable(
                    table, keySchema: [.init(attributeName: "pk", keyType: .hash)],
                    attributeDefinitions: [.init(attributeName: "pk", attributeType: .string)])
            }
            #expect(error?.code == "ResourceInUseException")
        }
    }

    @Test func describingAMissingTableIsResourceNotFound() async throws {
        try await DynamoDBMoto.withClient { client in
            let error = await #expect(throws: AWSError.self) { try await client.describeTable("tk-no-such-table") }
            #expect(error?.code == "ResourceNotFoundException")
            #expect(error?.status == 400)
        }
    }

    @Test func conditionalPutWritesOnceAndItemsRoundTrip() async throws {
        try await DynamoDBMoto.withTable { client, table in
            let item: DynamoDBClient.Item = [
                "pk": .string("event-1"), "sk": .integer(1), "text": .string("é ✓ \"quoted\" \\ \u{1}"),
                "bytes": .binary(Data([0, 1, 2, 255])), "flag": .bool(true), "nothing": .null,
                "nested": .map(["list": .list([.string("a"), .integer(2)])]), "tags": .stringSet(["x", "y"]),
                "numbers": .numberSet(["1", "2.5"]),
            ]
            let first = try await client.putItem(item, into: table, condition: "attribute_not_exists(pk)")
            #expect(first)
            var changed = item
            changed["text"] = .string("second")
            let second = try await client.putItem(changed, into: table, condition: "attribute_not_exists(pk)")
            #expect(!second)
            let stored = try await client.getItem(
                key: ["pk": .string("event-1"), "sk": .integer(1)], from: table, consistentRead: true)
            var expected = item
            expected["tags"] = nil
            expected["numbers"] = nil
            var got = try #require(stored)
            // Sets are unordered: compare them as sets.
            #expect(got.removeValue(forKey: "tags").map(Self.stringSet) == ["x", "y"])
            #expect(got.removeValue(forKey: "numbers").map(Self.stringSet) == ["1", "2.5"])
            #expect(got == expected)

            // An unconditional put replaces; a condition with placeholders is honoured.
            #expect(try await client.putItem(changed, into: table))
            let kept = try await client.putItem(
                item, into: table, condition: "#t = :old", names: ["#t": "text"], values: [":old": .string("nope")])
            #expect(!kept)
            let now = try await client.getItem(key: ["pk": .string("event-1"), "sk": .integer(1)], from: table)
            #expect(now?["text"] == .string("second"))

            try await client.deleteItem(key: ["pk": .string("event-1"), "sk": .integer(1)], from: table)
            #expect(try await client.getItem(key: ["pk": .string("event-1"), "sk": .integer(1)], from: table) == nil)
        }
    }

    static func stringSet(_ value: AttributeValue) -> Set<String> {
        switch value {
        case .stringSet(let values), .numberSet(let values): Set(values)
        default: []
        }
    }

    @Test func batchWritesThenQueriesAndScansPageByPage() async throws {
        try await DynamoDBMoto.withTable { client, table in
            // 60 items: three batches of at most 25.
            let requests = (0..<60).map { i in
                DynamoDBClient.WriteRequest.put([
                    "pk": .string(i % 2 == 0 ? "even" : "odd"), "sk": .integer(Int64(i)),
                    "size": .string(i < 30 ? "small" : "large"),
                ])
            }
            try await client.batchWriteItem(requests, to: table)

            // Query pages of 7 through ExclusiveStartKey, ascending then descending.
            var request = DynamoDBClient.QueryRequest(
                tableName: table, keyConditionExpression: "pk = :p", expressionAttributeValues: [":p": .string("even")],
                limit: 7)
            var pages = 0
            var keys: [Int64] = []
            repeat {
                let page = try await client.query(request)
                #expect(page.items.count <= 7)
                keys += page.items.compactMap { $0["sk"]?.int64Value }
                request.exclusiveStartKey = page.lastEvaluatedKey
                pages += 1
            } while request.exclusiveStartKey != nil
            #expect(keys == Array(stride(from: 0, to: 60, by: 2)))
            #expect(pages >= 5)

            request.exclusiveStartKey = nil
            request.scanIndexForward = false
            request.keyConditionExpression = "pk = :p AND sk >= :min"
            request.expressionAttributeValues = [":p": .string("odd"), ":min": .integer(50)]
            let descending = try await client.queryAll(request)
            #expect(descending.compactMap { $0["sk"]?.int64Value } == [59, 57, 55, 53, 51])

            // Scan with a filter, paginated; and a count.
            let scan = DynamoDBClient.ScanRequest(
                tableName: table, filterExpression: "#s = :size", expressionAttributeNames: ["#s": "size"],
                expressionAttributeValues: [":size": .string("large")], limit: 9)
            let large = try await client.scanAll(scan)
            #expect(Set(large.compactMap { $0["sk"]?.int64Value }) == Set(30..<60))
            #expect(try await client.scanCount(scan) == 30)
            #expect(try await client.scanCount(DynamoDBClient.ScanRequest(tableName: table, limit: 11)) == 60)

            // Batches delete too.
            try await client.batchWriteItem(
                (0..<30).map { i in .delete(key: ["pk": .string(i % 2 == 0 ? "even" : "odd"), "sk": .integer(Int64(i))]) },
                to: table)
            #expect(try await client.scanCount(DynamoDBClient.ScanRequest(tableName: table)) == 30)
        }
    }
}
