import Foundation
import HTTPTypes
import Hummingbird
import ObjectStorage

// GetBucketAcl, GetObjectAcl, PutBucketAcl, PutObjectAcl: see ``S3AccessControl``.
extension S3Operations {
    var accessControl: S3AccessControl { S3AccessControl(ownerID: ownerID) }

    /// `GET /bucket?acl` and `GET /bucket/key?acl`: the owner's `FULL_CONTROL`, the only grant there is.
    func getACL(_ bucket: String, key: String?, query: S3Query) async throws -> Response {
        try await requireTarget(bucket, key: key, query: query)
        var xml = S3XML(root: "AccessControlPolicy")
        writeOwner(&xml)
        xml.open("AccessControlList")
        xml.open("Grant")
        xml.open(
            "Grantee", attributes: ["xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance", "xsi:type": "CanonicalUser"])
        writeOwnerFields(&xml)
        xml.close("Grantee")
        xml.element("Permission", "FULL_CONTROL")
        xml.close("Grant")
        xml.close("AccessControlList")
        return Self.xmlResponse(xml.finished(closing: "AccessControlPolicy"))
    }

    /// `PUT /bucket?acl` and `PUT /bucket/key?acl`: 200 when the ACL (headers or body) grants only the
    /// owner's full control, which is the ACL the target already has; `AccessControlListNotSupported`
    /// otherwise.
    func putACL(_ bucket: String, key: String?, query: S3Query, request: Request, payload: S3Payload) async throws -> Response {
        try await requireTarget(bucket, key: key, query: query)
        _ = try Self.checkIntegrity(request, payload: payload)
        let hasBody = !payload.body.isEmpty
        if S3AccessControl.hasHeaders(request.headers) {
            if hasBody { throw S3Error(.badRequest, "UnexpectedContent", "This request does not support content") }
            try accessControl.checkHeaders(request.headers)
        } else if hasBody {
            try accessControl.checkPolicy(payload.body)
        } else {
            throw S3Error(
                .badRequest, "MissingSecurityHeader", "Your request was missing a required header",
                details: [("MissingHeaderName", "x-amz-acl")])
        }
        return Response(status: .ok)
    }

    /// The bucket, or the object (its latest version, or the one `versionId` names), must exist.
    func requireTarget(_ bucket: String, key: String?, query: S3Query) async throws {
        if let key {
            _ = try await objects.headObject(bucket: bucket, key: key, versionId: query["versionId"])
        } else if try await objects.bucket(bucket) == nil {
            throw S3Error(ObjectStoreError.noSuchBucket(bucket))
        }
    }
}
