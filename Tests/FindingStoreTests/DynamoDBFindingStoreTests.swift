import AWSWire
import Foundation
import Testing
import TrailPipeline
import TrailStore

@Suite(
    .enabled(
        if: Backend.motoEndpoint != nil || Backend.isRequired,
        "MOTO_ENDPOINT is not set (TRAILKEEPER_REQUIRE_INTEGRATION=1 makes this a failure)"
    )
)
struct DynamoDBFindingStoreTests {
    @Test func tableKeyIsEventIDThenRule() async throws {
        try await Backend.withDynamoDBStore { store, client in
            let description = try await client.describeTable(store.table)
            #expect(
                description.keySchema == [
                    .init(attributeName: "eventID", keyType: .hash), .init(attributeName: "rule", keyType: .range),
                ])
            #expect(Set(description.attributeDefinitions) == [
                .init(attributeName: "eventID", attributeType: .string),
                .init(attributeName: "rule", attributeType: .string),
            ])
            #expect(description.isActive)
            try await store.prepare()  // a second prepare finds the table and accepts it
        }
    }

    @Test func itemsCarryReadableAttributes() async throws {
        try await Backend.withDynamoDBStore { store, client in
            let finding = Fixtures.finding("evt-1", "root-login", time: 1_714_568_535)
            _ = try await store.insert([finding])
            let item = try #require(
                try await client.getItem(
                    key: ["eventID": .string("evt-1"), "rule": .string("root-login")], from: store.table,
                    consistentRead: true))
            #expect(item["eventTime"] == .string("2024-05-01T13:02:15Z"))
            #expect(item["eventTimeEpoch"] == .integer(1_714_568_535))
            #expect(item["severity"] == .string("HIGH"))
            #expect(item["who"] == .string("arn:aws:iam::123456789012:root"))
            #expect(item["sourceIPAddress"] == .string("203.0.113.7"))
            #expect(item["record"] == .string(String(decoding: finding.record, as: UTF8.self)))
        }
    }

    @Test func refusesATableWithAnotherKey() async throws {
        try await Backend.withDynamoDBStore { store, client in
            let other = store.table + "-other"
            try await client.createTable(
                other, keySchema: [.init(attributeName: "eventID", keyType: .hash)],
                attributeDefinitions: [.init(attributeName: "eventID", attributeType: .string)])
            let error = await #expect(throws: StoreError.self) {
                try await DynamoDBFindingStore(client: client, table: other).prepare()
            }
            #expect(error?.code == .invalidArgument)
            try await client.deleteTable(other)
        }
    }
}
