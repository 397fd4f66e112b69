import Foundation
import Testing
import TrailLakeSQL

/// Resolves the placeholder table names of the AWS samples, the way the `trailkeeper:table-alias` tag will.
struct FixtureResolver: LakeStoreResolver {
    static let mainStore = "0f1e2d3c-0000-4000-8000-000000000001"
    static let secondStore = "0f1e2d3c-0000-4000-8000-000000000002"
    static let thirdStore = "0f1e2d3c-0000-4000-8000-000000000003"
    static let auditStore = "0f1e2d3c-0000-4000-8000-00000000000a"
    static let insightStore = "0f1e2d3c-0000-4000-8000-00000000000b"

    static let aliases: [String: LakeStoreReference] = [
        "eds-id": .init(id: mainStore, family: .cloudTrail),
        "5e2676f8-9fce-46ef-8142-3e36a94e6691": .init(id: mainStore, family: .cloudTrail),
        "event_data_store_id": .init(id: mainStore, family: .cloudTrail),
        mainStore: .init(id: mainStore, family: .cloudTrail),
        "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/\(mainStore)": .init(id: mainStore, family: .cloudTrail),
        "eds1": .init(id: mainStore, family: .cloudTrail),
        "eds2": .init(id: secondStore, family: .cloudTrail),
        "eds3": .init(id: thirdStore, family: .cloudTrail),
        "audit": .init(id: auditStore, family: .activityAuditLog),
        "insights": .init(id: insightStore, family: .insight),
    ]

    func store(named token: String, at location: LakeSQLPosition) throws(LakeSQLError) -> LakeStoreReference {
        let lowered = token.lowercased()
        if let store = Self.aliases[lowered] { return store }
        if lowered.hasPrefix("extra") { return LakeStoreReference(id: lowered, family: .cloudTrail) }
        if lowered == "pending" { throw LakeSQLError(.storeInactive, "Event data store \(token) is pending deletion", at: location) }
        if lowered.hasPrefix("arn:") {
            throw LakeSQLError(.storeARNInvalid, "Event data store ARN \(token) is not valid", at: location)
        }
        throw LakeSQLError(.storeNotFound, "Event data store \(token) not found", at: location)
    }
}

enum Fixtures {
    /// The AWS sample queries (file name → text), copied from the data folder.
    static func awsSamples() throws -> [(name: String, text: String)] {
        let folder = try #require(Bundle.module.url(forResource: "lake-sql", withExtension: nil, subdirectory: "Resources"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        return try files.map { name in (name, try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) }
    }

    static func plan(_ text: String) throws(LakeSQLError) -> PhysicalQuery {
        try LakeQueryPlanner.plan(text, resolver: FixtureResolver())
    }

    static func bind(_ text: String) throws(LakeSQLError) -> BoundQuery {
        try Binder.bind(try Parser.parse(text), resolver: FixtureResolver())
    }

    /// The error `text` fails with, or nil when it plans.
    static func failure(_ text: String) -> LakeSQLError? {
        do {
            _ = try plan(text)
            return nil
        } catch {
            return error
        }
    }
}
