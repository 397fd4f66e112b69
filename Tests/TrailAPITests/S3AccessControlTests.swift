import Foundation
import HTTPTypes
import ObjectStorage
import Testing
import TrailAPI

/// ACLs as a bucket with Object Ownership BucketOwnerEnforced answers them.
extension S3SubsetTests {
    static let xsi = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type="

    static func policy(owner: String, grants: [(grantee: String, permission: String)]) -> Data {
        var xml = "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>\(owner)</ID></Owner>"
        xml += "<AccessControlList>"
        for grant in grants {
            xml += "<Grant><Grantee \(xsi)\(grant.grantee)</Grantee><Permission>\(grant.permission)</Permission></Grant>"
        }
        return Data((xml + "</AccessControlList></AccessControlPolicy>").utf8)
    }

    @Test func aclsShowTheOwnersFullControl() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            _ = try await client.s3(.put, "/trail-logs/k", body: Data("x".utf8))
            let owner = try await client.s3(.get, "/").elements("ID").first
            #expect(owner?.count == 64)
            for path in ["/trail-logs", "/trail-logs/k"] {
                let acl = try await client.s3(.get, path, query: "acl")
                #expect(acl.status == .ok, "\(acl.text)")
                #expect(acl.text.contains("<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"))
                #expect(acl.elements("ID") == [owner, owner].compactMap { $0 })
                #expect(acl.elements("DisplayName") == [TestAPI.account, TestAPI.account])
                #expect(acl.elements("Permission") == ["FULL_CONTROL"])
                #expect(acl.text.contains("<Grantee \(Self.xsi)\"CanonicalUser\">"))
            }
            #expect(try await client.s3(.get, "/trail-logs/missing", query: "acl").code == "NoSuchKey")
            #expect(try await client.s3(.get, "/no-such-bucket", query: "acl").code == "NoSuchBucket")
            #expect(try await client.s3(.get, "/trail-logs/k", query: "acl&versionId=v2").code == "InvalidArgument")
            #expect(try await client.s3(.post, "/trail-logs", query: "acl").status == .methodNotAllowed)
        }
    }

    @Test func ownerOnlyACLsAreAcceptedOthersRefused() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            _ = try await client.s3(.put, "/trail-logs/k", body: Data("x".utf8))
            let owner = try #require(try await client.s3(.get, "/").elements("ID").first)
            for path in ["/trail-logs", "/trail-logs/k"] {
                for canned in ["private", "bucket-owner-full-control", "bucket-owner-read"] {
                    let answer = try await client.s3(.put, path, query: "acl", headers: ["x-amz-acl": canned])
                    #expect(answer.status == .ok, "\(path) \(canned): \(answer.text)")
                }
                for canned in ["public-read", "public-read-write", "authenticated-read", "log-delivery-write"] {
                    let answer = try await client.s3(.put, path, query: "acl", headers: ["x-amz-acl": canned])
                    #expect(answer.status == .badRequest)
                    #expect(answer.code == "AccessControlListNotSupported")
                    #expect(answer.elements("Message") == ["The bucket does not allow ACLs"])
                }
                #expect(try await client.s3(.put, path, query: "acl", headers: ["x-amz-acl": "everyone"]).code == "InvalidArgument")
                let ownerGrant = ["x-amz-grant-full-control": "id=\"\(owner)\""]
                #expect(try await client.s3(.put, path, query: "acl", headers: ownerGrant).status == .ok)
                let others: [[String: String]] = [
                    ["x-amz-grant-full-control": "id=\"\(String(repeating: "a", count: 64))\""],
                    ["x-amz-grant-read": "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""],
                    ["x-amz-grant-read": "id=\"\(owner)\""],
                ]
                for headers in others {
                    #expect(try await client.s3(.put, path, query: "acl", headers: headers).code == "AccessControlListNotSupported")
                }
                let both = try await client.s3(
                    .put, path, query: "acl", headers: ["x-amz-acl": "private", "x-amz-grant-full-control": "id=\"\(owner)\""])
                #expect(both.code == "InvalidRequest")

                let ownerOnly = Self.policy(owner: owner, grants: [("\"CanonicalUser\"><ID>\(owner)</ID>", "FULL_CONTROL")])
                #expect(try await client.s3(.put, path, query: "acl", body: ownerOnly).status == .ok)
                let publicRead = Self.policy(
                    owner: owner,
                    grants: [
                        ("\"CanonicalUser\"><ID>\(owner)</ID>", "FULL_CONTROL"),
                        ("\"Group\"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI>", "READ"),
                    ])
                #expect(try await client.s3(.put, path, query: "acl", body: publicRead).code == "AccessControlListNotSupported")
                let readOnly = Self.policy(owner: owner, grants: [("\"CanonicalUser\"><ID>\(owner)</ID>", "READ")])
                #expect(try await client.s3(.put, path, query: "acl", body: readOnly).code == "AccessControlListNotSupported")
                let otherOwner = Self.policy(
                    owner: String(repeating: "b", count: 64), grants: [("\"CanonicalUser\"><ID>\(owner)</ID>", "FULL_CONTROL")])
                #expect(try await client.s3(.put, path, query: "acl", body: otherOwner).code == "AccessControlListNotSupported")
                #expect(try await client.s3(.put, path, query: "acl", body: Data("<nope".utf8)).code == "MalformedACLError")
                let bodyAndHeader = try await client.s3(.put, path, query: "acl", headers: ["x-amz-acl": "private"], body: ownerOnly)
                #expect(bodyAndHeader.code == "UnexpectedContent")
                #expect(try await client.s3(.put, path, query: "acl").code == "MissingSecurityHeader")
            }
            #expect(try await client.s3(.put, "/trail-logs/missing", query: "acl", headers: ["x-amz-acl": "private"]).code == "NoSuchKey")
        }
    }

    @Test func aclHeadersOnCreateBucketAndPutObject() async throws {
        try await test { client, objects in
            #expect(try await client.s3(.put, "/private-bucket", headers: ["x-amz-acl": "private"]).status == .ok)
            let open = try await client.s3(.put, "/public-bucket", headers: ["x-amz-acl": "public-read"])
            #expect(open.code == "AccessControlListNotSupported")
            #expect(try await objects.bucket("public-bucket") == nil)
            #expect(
                try await client.s3(.put, "/enforced", headers: ["x-amz-object-ownership": "BucketOwnerEnforced"]).status == .ok)
            let writer = try await client.s3(.put, "/writer", headers: ["x-amz-object-ownership": "ObjectWriter"])
            #expect(writer.code == "InvalidRequest")
            #expect(try await objects.bucket("writer") == nil)

            let full = try await client.s3(
                .put, "/private-bucket/a", headers: ["x-amz-acl": "bucket-owner-full-control"], body: Data("a".utf8))
            #expect(full.status == .ok)
            let exposed = try await client.s3(.put, "/private-bucket/b", headers: ["x-amz-acl": "public-read"], body: Data("b".utf8))
            #expect(exposed.status == .badRequest)
            #expect(exposed.code == "AccessControlListNotSupported")
            #expect(try await client.s3(.head, "/private-bucket/b").status == .notFound)
        }
    }
}
