import Foundation
import Testing
import TrailModel

@testable import TrailIntegrity

/// Trails and keys from files: a local store's `trails/` and `signing-keys/`, and a saved
/// list-public-keys answer.
@Suite struct LocalSourcesTests {
    private static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tk-integrity-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path + "/trails", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path + "/signing-keys", withIntermediateDirectories: true)
        return path
    }

    private static func write(_ object: [String: Any], to path: String) throws {
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
    }

    private static func keyFile(_ key: TestSigningKey, region: String) -> [String: Any] {
        [
            "region": region, "fingerprint": key.fingerprint, "publicKey": key.der.base64EncodedString(),
            "privateKey": "-----BEGIN PRIVATE KEY-----SECRET-----END PRIVATE KEY-----",
            "validityStartTime": key.validityStart, "validityEndTime": key.validityEnd,
        ]
    }

    @Test func dataDirectoryReadsTrailsAndTheSourceRegionsKeys() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 2)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.write(
            [
                "Name": "audit", "TrailARN": f.trailARN, "S3BucketName": f.bucket, "HomeRegion": "us-east-1",
                "IsOrganizationTrail": false,
            ],
            to: directory + "/trails/audit.json"
        )
        try Self.write(Self.keyFile(TestKeys.published, region: "eu-west-1"), to: directory + "/signing-keys/a.json")
        let validator = try LogValidator.dataDirectory(directory, store: f.store)
        let console = CapturedConsole()
        let request = ValidateLogsRequest(
            trailARN: f.trailARN,
            startTime: "2024-05-01T00:00:00Z",
            endTime: "2024-05-01T06:00:00Z",
            isVerbose: true
        )
        // Only a key of another region: the CLI's answer when ListPublicKeys has none.
        #expect(await validator.run(request, format: .text, console: console.console) == 255)
        #expect(
            console.standardError == "\nNo public keys found between 2024-05-01T00:00:00Z and 2024-05-01T08:00:00Z\n"
        )

        try Self.write(Self.keyFile(TestKeys.published, region: "us-east-1"), to: directory + "/signing-keys/b.json")
        let second = CapturedConsole()
        #expect(await validator.run(request, format: .text, console: second.console) == 0)
        #expect(second.standardOutput.contains(f.digestLine(chain.digests[1]) + "\n"))
        #expect(second.standardOutput.hasSuffix("\n2/2 digest files valid\n4/4 log files valid\n"))
        #expect(!(second.standardOutput + second.standardError).contains("SECRET"))
    }

    @Test func savedPublicKeysAreFilteredByValidityAsListPublicKeysWould() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/keys.json"
        // AWS CLI v2 prints ISO-8601 times, v1 epoch seconds.
        try Self.write(
            [
                "PublicKeyList": [
                    [
                        "Value": "QUJD", "Fingerprint": "old", "ValidityStartTime": "2024-01-01T00:00:00+00:00",
                        "ValidityEndTime": "2024-02-01T00:00:00+00:00",
                    ],
                    [
                        "Value": "QUJD", "Fingerprint": "current", "ValidityStartTime": 1_706_745_600,
                        "ValidityEndTime": 1_735_689_600,
                    ],
                    ["Value": "QUJD", "Fingerprint": "timeless"],
                ]
            ],
            to: path
        )
        let file = try PublicKeyFile(contentsOf: path)
        let may = try #require(CLITime.parse("2024-05-01T00:00:00Z"))
        let keys = try await file.publicKeys(from: may, to: may.adding(seconds: 3600), sourceRegion: "us-east-1")
        #expect(keys.map(\.fingerprint) == ["current", "timeless"])
        #expect(throws: ValidateLogsError.self) { try PublicKeyFile(contentsOf: directory + "/missing.json") }
    }

    @Test func trailFilesFindTheTrailAndItsOrganization() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org"
        try Self.write(
            [
                "TrailARN": arn, "S3BucketName": "b", "S3KeyPrefix": "p", "IsOrganizationTrail": true,
                "OrganizationId": "o-abcdef1234",
            ],
            to: directory + "/trails/org.json"
        )
        let trails = TrailFileDirectory(path: directory + "/trails")
        let trail = try await trails.trail(arn: arn)
        #expect(trail.bucketName == "b" && trail.keyPrefix == "p" && trail.isOrganizationTrail)
        #expect(try await trails.organizationID(for: trail) == "o-abcdef1234")
        await #expect(throws: ValidateLogsError(message: "A trail could not be found for \(arn)x")) {
            try await trails.trail(arn: arn + "x")
        }
    }
}
