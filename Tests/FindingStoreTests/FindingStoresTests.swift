import AWSWire
import AsyncHTTPClient
import Foundation
import Testing
import TrailStore
import TrailStorePostgres
import TrailStoreSQLite

@testable import TrailPipeline

/// The findings URL forms of ``FindingStores``.
@Suite struct FindingStoresTests {
    typealias Location = FindingStores.Location

    @Test func readsEveryURLForm() throws {
        #expect(try Location("sqlite", dataDirectory: "/data") == .sqlite(path: "/data/findings.sqlite"))
        #expect(try Location("sqlite:///var/lib/f.sqlite", dataDirectory: "/data") == .sqlite(path: "/var/lib/f.sqlite"))
        #expect(try Location("sqlite:sub/f.sqlite", dataDirectory: "/data") == .sqlite(path: "/data/sub/f.sqlite"))
        #expect(
            try Location("postgres://u:p@h:5433/db?table=audit_findings", dataDirectory: "/data")
                == .postgres(url: "postgres://u:p@h:5433/db?table=audit_findings", table: "audit_findings"))
        #expect(
            try Location("postgresql://u@h/db", dataDirectory: "/data")
                == .postgres(url: "postgresql://u@h/db", table: "findings"))
        #expect(try Location("dynamodb://trail-findings", dataDirectory: "/data") == .dynamoDB(table: "trail-findings"))
        for bad in ["", "mysql://x", "dynamodb://", "dynamodb://a", "dynamodb://bad/name", "sqlite:", "s3://bucket"] {
            #expect(throws: StoreError.self, "\(bad)") { _ = try Location(bad, dataDirectory: "/data") }
        }
    }

    @Test func opensTheEmbeddedStoreInTheDataDirectory() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let aws = AWSConfiguration(environment: ["AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"])
        try await HTTPClient.withHTTPClient { http in
            let store = try await FindingStores.open(
                "sqlite", dataDirectory: directory.url.path, httpClient: http, aws: aws, logger: Backend.logger)
            #expect(store is SQLiteFindingStore)
            #expect(FindingStores.services(of: store).isEmpty)
            #expect(try await store.insert([Fixtures.finding("e")]).count == 1)
            try await store.close()
            #expect(FileManager.default.fileExists(atPath: directory.path("findings.sqlite")))

            let postgres = try await FindingStores.open(
                "postgres://u@127.0.0.1/db", dataDirectory: directory.url.path, httpClient: http, aws: aws,
                logger: Backend.logger)
            #expect(postgres is PostgresFindingStore)
            #expect(FindingStores.services(of: postgres).count == 1)
            try await postgres.close()

            // DynamoDB needs credentials.
            await #expect(throws: AWSError.self) {
                _ = try await FindingStores.open(
                    "dynamodb://findings", dataDirectory: directory.url.path, httpClient: http, aws: aws,
                    logger: Backend.logger)
            }
        }
    }
}
