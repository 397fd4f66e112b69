import Foundation
import TrailModel

/// Test helpers: records from JSON text and the bundled fixtures.
enum Fixtures {
    /// An ``AuditRecord`` parsed from `json` by the real ``RecordParser``.
    static func record(_ json: String) throws -> AuditRecord {
        try RecordParser().record(Data(json.utf8)).get()
    }

    /// A field value that removes the field from ``event(_:)``'s base.
    static let absent = "<absent>"

    /// A minimal CloudTrail record with `fields` merged over a base (eventTime, eventID, an IAM user).
    static func event(_ fields: [String: any Sendable]) throws -> AuditRecord {
        var base: [String: Any] = [
            "eventVersion": "1.08", "eventTime": "2024-05-01T12:00:00Z", "eventID": UUID().uuidString,
            "eventType": "AwsApiCall", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
            "recipientAccountId": "111122223333",
            "userIdentity": [
                "type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice", "userName": "alice",
                "accountId": "111122223333", "principalId": "AIDAEXAMPLE",
            ],
        ]
        base.merge(fields.mapValues { $0 as Any }) { _, new in new }
        base = base.filter { ($0.value as? String) != absent }
        let data = try JSONSerialization.data(withJSONObject: base)
        return try RecordParser().record(data).get()
    }

    static func resource(_ path: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: path, withExtension: nil, subdirectory: "Resources") else {
            throw FixtureError(description: "missing fixture \(path)")
        }
        return url
    }

    /// The 2,900 invictus-ir records, parsed by ``RecordParser``.
    static func invictusRecords() throws -> [AuditRecord] {
        let gz = try Data(contentsOf: try resource("invictus/records.jsonl.gz"))
        guard let text = Gzip.decompress(gz) else { throw FixtureError(description: "corrupt gzip") }
        return try RecordParser().records(in: text).map { try $0.get() }
    }

    struct FixtureError: Error, CustomStringConvertible { var description: String }
}
