import AWSWire
import Foundation
import HTTPTypes

/// S3's ACLs as a bucket with Object Ownership `BucketOwnerEnforced` (S3's default since April 2023)
/// takes them: ACLs are disabled, the bucket owner owns every object and has full control of it, and
/// nobody else is granted anything (access is by the keys of `DATA_DIR/credentials` only).
///
/// Reads answer that single grant. Writes — `PutBucketAcl`, `PutObjectAcl`, and the ACL headers of
/// `CreateBucket` and `PutObject` — are accepted when they say the same thing: no ACL, the canned ACLs
/// `private`, `bucket-owner-full-control` and `bucket-owner-read` (the owner of the object is the
/// bucket owner, so both mean owner-only), `x-amz-grant-full-control` naming only the owner, or an
/// `AccessControlPolicy` whose every grant gives the owner `FULL_CONTROL`. Anything that grants someone
/// else is `AccessControlListNotSupported` (400), as S3 answers for such buckets.
struct S3AccessControl {
    /// The owner's canonical user ID (64 hex digits, as in ListBuckets' `Owner`).
    let ownerID: String

    /// The canned ACLs S3 knows (`x-amz-acl`).
    static let cannedACLs: Set<String> = [
        "private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read",
        "bucket-owner-full-control", "log-delivery-write",
    ]
    /// Those that grant nothing beyond the owner's full control here.
    static let ownerOnlyACLs: Set<String> = ["private", "bucket-owner-full-control", "bucket-owner-read"]
    static let grantHeaders = [
        "x-amz-grant-full-control", "x-amz-grant-read", "x-amz-grant-read-acp", "x-amz-grant-write", "x-amz-grant-write-acp",
    ]

    static func notSupported() -> S3Error {
        S3Error(.badRequest, "AccessControlListNotSupported", "The bucket does not allow ACLs")
    }

    /// Whether the request carries an ACL in headers (`x-amz-acl` or `x-amz-grant-*`).
    static func hasHeaders(_ headers: HTTPFields) -> Bool {
        headers[HTTPField.Name("x-amz-acl")!] != nil || grantHeaders.contains { headers[HTTPField.Name($0)!] != nil }
    }

    /// Checks the ACL headers of a request (CreateBucket, PutObject, Put…Acl without a body).
    ///
    /// - Throws: ``S3Error`` `AccessControlListNotSupported`, `InvalidArgument` (an unknown canned ACL or
    ///   grantee) or `InvalidRequest` (both a canned ACL and grants).
    func checkHeaders(_ headers: HTTPFields) throws(S3Error) {
        let canned = headers[HTTPField.Name("x-amz-acl")!]
        let grants = Self.grantHeaders.compactMap { name in headers[HTTPField.Name(name)!].map { (name, $0) } }
        if canned != nil, !grants.isEmpty {
            throw S3Error(.badRequest, "InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed")
        }
        if let canned {
            guard Self.cannedACLs.contains(canned) else {
                throw S3Error.invalidArgument("The canned ACL is not one S3 knows.", name: "x-amz-acl", value: canned)
            }
            guard Self.ownerOnlyACLs.contains(canned) else { throw Self.notSupported() }
        }
        for (name, value) in grants {
            guard name == "x-amz-grant-full-control" else { throw Self.notSupported() }
            for grantee in value.split(separator: ",") {
                let parts = grantee.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else {
                    throw S3Error.invalidArgument("Invalid grantee in \(name)", name: name, value: value)
                }
                let type = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
                let id = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                guard type == "id", id == ownerID else { throw Self.notSupported() }
            }
        }
    }

    /// Checks an `AccessControlPolicy` document (the body of Put…Acl).
    ///
    /// - Throws: ``S3Error`` `MalformedACLError` when it is not one, `AccessControlListNotSupported` when
    ///   it grants anything but the owner's full control.
    func checkPolicy(_ body: Data) throws(S3Error) {
        let malformed = S3Error(
            .badRequest, "MalformedACLError",
            "The XML you provided was not well-formed or did not validate against our published schema")
        guard body.range(of: Data("<!DOCTYPE".utf8)) == nil, body.range(of: Data("<!ENTITY".utf8)) == nil,
            let root = try? XMLTree.parse(body), root.name == "AccessControlPolicy",
            let list = root.child("AccessControlList")
        else { throw malformed }
        if let owner = root.child("Owner")?.child("ID")?.text, owner != ownerID { throw Self.notSupported() }
        let grants = list.children("Grant")
        guard !grants.isEmpty else { throw Self.notSupported() }
        for grant in grants {
            guard let grantee = grant.child("Grantee"), let permission = grant.child("Permission")?.text else { throw malformed }
            guard grantee.child("URI") == nil, grantee.child("EmailAddress") == nil, grantee.child("ID")?.text == ownerID,
                permission == "FULL_CONTROL"
            else { throw Self.notSupported() }
        }
    }
}
