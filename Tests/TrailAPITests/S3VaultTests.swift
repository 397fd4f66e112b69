import AWSWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ObjectStorage
import Testing
import TrailAPI
import TrailModel

/// The S3 subset's versioning and Object Lock operations, and termination protection of buckets.
@Suite struct S3VaultTests {
    let api = TestAPI()

    func test(
        governanceBypassKeys: Set<String>? = nil,
        _ body: @escaping @Sendable (any TestClientProtocol, any ObjectStore) async throws -> Void
    ) async throws {
        let root = NSTemporaryDirectory() + "trailkeeper-s3-vault-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try FileObjectStore(root: root)
        let now = api.now
        let context = TrailAPIContext(
            store: api.store, objects: store, deliverer: api.deliverer, identity: TestAPI.identity,
            authenticator: S3TestAuthenticator(), configuration: .init(governanceBypassKeys: governanceBypassKeys), now: { now })
        try await Application(router: buildRouter(context)).test(.router) { client in try await body(client, store) }
    }

    static let namespace = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""

    @Test func versioningOverwritesAndDeleteMarkers() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/logs")
            let unversioned = try await client.s3(.get, "/logs", query: "versioning")
            #expect(unversioned.text.hasSuffix("<VersioningConfiguration \(Self.namespace)></VersioningConfiguration>"))
            #expect(try await client.s3(.put, "/logs/k", body: Data("plain".utf8)).header("x-amz-version-id") == nil)
            let enable = "<VersioningConfiguration \(Self.namespace)><Status>Enabled</Status></VersioningConfiguration>"
            #expect(try await client.s3(.put, "/logs", query: "versioning", body: Data(enable.utf8)).status == .ok)
            #expect(try await client.s3(.get, "/logs", query: "versioning").elements("Status") == ["Enabled"])
            let bad = try await client.s3(.put, "/logs", query: "versioning", body: Data("<VersioningConfiguration/>".utf8))
            #expect(bad.code == "MalformedXML")

            let v1 = try #require(try await client.s3(.put, "/logs/a%20b", body: Data("one".utf8)).header("x-amz-version-id"))
            let v2 = try #require(try await client.s3(.put, "/logs/a%20b", body: Data("two".utf8)).header("x-amz-version-id"))
            let old = try await client.s3(.get, "/logs/a%20b", query: "versionId=\(v1)")
            #expect(old.body == Data("one".utf8))
            #expect(old.header("x-amz-version-id") == v1)
            #expect(try await client.s3(.head, "/logs/a%20b").header("x-amz-version-id") == v2)

            let deleted = try await client.s3(.delete, "/logs/a%20b")
            #expect(deleted.status == .noContent)
            #expect(deleted.header("x-amz-delete-marker") == "true")
            let marker = try #require(deleted.header("x-amz-version-id"))
            let gone = try await client.s3(.get, "/logs/a%20b")
            #expect(gone.code == "NoSuchKey")
            #expect(gone.header("x-amz-delete-marker") == "true")
            #expect(gone.header("x-amz-version-id") == marker)
            let markerGet = try await client.s3(.get, "/logs/a%20b", query: "versionId=\(marker)")
            #expect(markerGet.status == .methodNotAllowed)
            #expect(markerGet.header("x-amz-delete-marker") == "true")
            #expect(try await client.s3(.get, "/logs/a%20b", query: "versionId=bogus").code == "InvalidArgument")
            #expect(try await client.s3(.get, "/logs/a%20b", query: "versionId=\(String(repeating: "0", count: 32))").code == "NoSuchVersion")

            let list = try await client.s3(.get, "/logs", query: "versions&encoding-type=url")
            #expect(list.text.contains("<ListVersionsResult \(Self.namespace)>"))
            #expect(list.elements("Key") == ["a%20b", "a%20b", "a%20b", "k"])
            #expect(list.elements("VersionId") == [marker, v2, v1, "null"])
            #expect(list.elements("IsLatest") == ["true", "false", "false", "true"])
            #expect(list.text.contains("<DeleteMarker><Key>a%20b</Key><VersionId>\(marker)</VersionId>"))
            let page = try await client.s3(.get, "/logs", query: "versions&max-keys=2")
            #expect(page.elements("IsTruncated") == ["true"])
            #expect(page.elements("NextKeyMarker") == ["a b"])
            #expect(page.elements("NextVersionIdMarker") == [v2])
            let rest = try await client.s3(.get, "/logs", query: "versions&key-marker=a%20b&version-id-marker=\(v2)")
            #expect(rest.elements("VersionId") == [v1, "null"])
            #expect(try await client.s3(.get, "/logs", query: "versions&version-id-marker=\(v2)").code == "InvalidArgument")

            let undelete = try await client.s3(.delete, "/logs/a%20b", query: "versionId=\(marker)")
            #expect(undelete.header("x-amz-delete-marker") == "true")
            #expect(try await client.s3(.get, "/logs/a%20b").body == Data("two".utf8))
        }
    }

    @Test func objectLockThroughTheAPI() async throws {
        try await test { client, _ in
            let created = try await client.s3(.put, "/vault", headers: ["x-amz-bucket-object-lock-enabled": "true"])
            #expect(created.status == .ok)
            #expect(try await client.s3(.get, "/vault", query: "versioning").elements("Status") == ["Enabled"])
            let config = try await client.s3(.get, "/vault", query: "object-lock")
            #expect(config.elements("ObjectLockEnabled") == ["Enabled"])
            let suspend = "<VersioningConfiguration \(Self.namespace)><Status>Suspended</Status></VersioningConfiguration>"
            #expect(try await client.s3(.put, "/vault", query: "versioning", body: Data(suspend.utf8)).code == "InvalidBucketState")

            let rule =
                "<ObjectLockConfiguration \(Self.namespace)><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>"
                + "<Mode>COMPLIANCE</Mode><Days>30</Days></DefaultRetention></Rule></ObjectLockConfiguration>"
            #expect(try await client.s3(.put, "/vault", query: "object-lock", body: Data(rule.utf8)).status == .ok)
            let both = rule.replacingOccurrences(of: "<Days>30</Days>", with: "<Days>30</Days><Years>1</Years>")
            #expect(try await client.s3(.put, "/vault", query: "object-lock", body: Data(both.utf8)).code == "MalformedXML")
            let zero = rule.replacingOccurrences(of: "<Days>30</Days>", with: "<Days>0</Days>")
            #expect(try await client.s3(.put, "/vault", query: "object-lock", body: Data(zero.utf8)).code == "InvalidArgument")
            #expect(try await client.s3(.get, "/vault", query: "object-lock").elements("Days") == ["30"])

            let put = try await client.s3(.put, "/vault/evidence", body: Data("original".utf8))
            let locked = try #require(put.header("x-amz-version-id"))
            let head = try await client.s3(.head, "/vault/evidence")
            #expect(head.header("x-amz-object-lock-mode") == "COMPLIANCE")
            let until = try #require(head.header("x-amz-object-lock-retain-until-date"))
            let retention = try await client.s3(.get, "/vault/evidence", query: "retention&versionId=\(locked)")
            #expect(retention.elements("Mode") == ["COMPLIANCE"])
            #expect(retention.elements("RetainUntilDate") == [until])

            let refused = try await client.s3(
                .delete, "/vault/evidence", query: "versionId=\(locked)", headers: ["x-amz-bypass-governance-retention": "true"])
            #expect(refused.status == .forbidden)
            #expect(refused.code == "AccessDenied")
            let date = try #require(UTCTime.parseISO8601(until))
            func retentionBody(_ shift: Double) -> Data {
                Data(
                    ("<Retention \(Self.namespace)><Mode>COMPLIANCE</Mode><RetainUntilDate>"
                        + UTCTime.iso8601(date.addingTimeInterval(shift)) + "</RetainUntilDate></Retention>").utf8)
            }
            let shorten = try await client.s3(.put, "/vault/evidence", query: "retention&versionId=\(locked)", body: retentionBody(-86_400))
            #expect(shorten.code == "AccessDenied")
            let extend = try await client.s3(.put, "/vault/evidence", query: "retention&versionId=\(locked)", body: retentionBody(86_400))
            #expect(extend.status == .ok)
            #expect(extend.header("x-amz-version-id") == locked)
            let overwrite = try await client.s3(.put, "/vault/evidence", body: Data("changed".utf8))
            #expect(overwrite.status == .ok)
            #expect(try await client.s3(.get, "/vault/evidence", query: "versionId=\(locked)").body == Data("original".utf8))

            // Explicit lock headers, checked as S3 checks them.
            let governed = try await client.s3(
                .put, "/vault/governed",
                headers: ["x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-retain-until-date": "2099-01-01T00:00:00Z",
                    "x-amz-object-lock-legal-hold": "ON"],
                body: Data("g".utf8))
            #expect(governed.status == .ok)
            let governedID = try #require(governed.header("x-amz-version-id"))
            #expect(try await client.s3(.get, "/vault/governed", query: "legal-hold").elements("Status") == ["ON"])
            let half = try await client.s3(.put, "/vault/x", headers: ["x-amz-object-lock-mode": "GOVERNANCE"], body: Data())
            #expect(half.code == "InvalidArgument")
            let off = "<LegalHold \(Self.namespace)><Status>OFF</Status></LegalHold>"
            #expect(try await client.s3(.put, "/vault/governed", query: "legal-hold", body: Data(off.utf8)).status == .ok)
            #expect(try await client.s3(.delete, "/vault/governed", query: "versionId=\(governedID)").code == "AccessDenied")
            let bypassed = try await client.s3(
                .delete, "/vault/governed", query: "versionId=\(governedID)", headers: ["x-amz-bypass-governance-retention": "true"])
            #expect(bypassed.status == .noContent)

            #expect(try await client.s3(.delete, "/vault").code == "BucketNotEmpty")
            _ = try await client.s3(.put, "/plain")
            _ = try await client.s3(.put, "/plain/k", body: Data())
            #expect(try await client.s3(.get, "/plain", query: "object-lock").code == "ObjectLockConfigurationNotFoundError")
            #expect(try await client.s3(.get, "/plain/k", query: "retention").code == "InvalidRequest")
            #expect(try await client.s3(.get, "/vault/evidence", query: "legal-hold&versionId=\(locked)").code == "NoSuchObjectLockConfiguration")
        }
    }

    @Test func theBypassIsHonouredOnlyForAllowedKeys() async throws {
        try await test(governanceBypassKeys: ["AKIASOMEONEELSE00001"]) { client, store in
            _ = try await client.s3(.put, "/vault", headers: ["x-amz-bucket-object-lock-enabled": "true"])
            let put = try await client.s3(
                .put, "/vault/k",
                headers: ["x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-retain-until-date": "2099-01-01T00:00:00.000Z"],
                body: Data("k".utf8))
            let version = try #require(put.header("x-amz-version-id"))
            let denied = try await client.s3(
                .delete, "/vault/k", query: "versionId=\(version)", headers: ["x-amz-bypass-governance-retention": "true"])
            #expect(denied.code == "AccessDenied")
            #expect(try await store.headObject(bucket: "vault", key: "k", versionId: version).retention?.mode == .governance)
        }
    }

    @Test func aProtectedTrailsBucketCannotBeDeleted() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/audit")
            let tags: [[String: Any]] = [["Key": Trail.terminationProtectionTag, "Value": "true"]]
            let (status, _) = try await client.cloudTrail("CreateTrail", ["Name": "guarded", "S3BucketName": "audit", "TagsList": tags])
            #expect(status == .ok)
            let refused = try await client.s3(.delete, "/audit")
            #expect(refused.status == .forbidden)
            #expect(refused.code == "AccessDenied")
            #expect(refused.text.contains("guarded"))
            let arn = "arn:aws:cloudtrail:us-east-1:\(TestAPI.account):trail/guarded"
            let (removed, _) = try await client.cloudTrail("RemoveTags", ["ResourceId": arn, "TagsList": [["Key": Trail.terminationProtectionTag]]])
            #expect(removed == .ok)
            #expect(try await client.s3(.delete, "/audit").status == .noContent)
        }
    }
}
