import AWSWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ObjectStorage
import TrailDelivery
import TrailModel

/// The S3 operations of the subset, over ``TrailAPIContext/objects``; one file per concern.
struct S3Operations: Sendable {
    let api: TrailAPIContext
    /// The owner shown in listings: S3's canonical user IDs are 64 hex digits.
    let ownerID: String

    init(api: TrailAPIContext) {
        self.api = api
        ownerID = SigV4.sha256Hex(Array("trailkeeper:\(api.identity.accountID)".utf8))
    }

    var objects: any ObjectStore { api.objects }

    static func xmlResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/xml"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `<Owner><ID>…</ID><DisplayName>…</DisplayName></Owner>` (or another element name: `Initiator`).
    func writeOwner(_ xml: inout S3XML, as element: String = "Owner") {
        xml.open(element)
        writeOwnerFields(&xml)
        xml.close(element)
    }

    /// `<ID>…</ID><DisplayName>…</DisplayName>` of the owner (ListBuckets' `Owner`, ACL grantees).
    func writeOwnerFields(_ xml: inout S3XML) {
        xml.element("ID", ownerID)
        xml.element("DisplayName", api.identity.accountID)
    }
}

// MARK: - Buckets

extension S3Operations {
    /// `GET /`: every bucket, optionally only those with `prefix` or in `bucket-region`.
    func listBuckets(query: S3Query) async throws -> Response {
        let prefix = query["prefix"]
        let region = query["bucket-region"]
        var xml = S3XML(root: "ListAllMyBucketsResult")
        writeOwner(&xml)
        xml.open("Buckets")
        for bucket in try await objects.listBuckets() {
            if let prefix, !bucket.name.hasPrefix(prefix) { continue }
            if let region, bucket.region != region { continue }
            xml.open("Bucket")
            xml.element("Name", bucket.name)
            xml.element("CreationDate", S3Text.iso8601(bucket.creationDate))
            xml.element("BucketRegion", bucket.region)
            xml.close("Bucket")
        }
        xml.close("Buckets")
        xml.element("Prefix", ifPresent: prefix)
        return Self.xmlResponse(xml.finished(closing: "ListAllMyBucketsResult"))
    }

    /// `PUT /bucket` with an optional `CreateBucketConfiguration`: no `LocationConstraint` is us-east-1.
    /// An ACL header must grant only the owner (``S3AccessControl``), and `x-amz-object-ownership`, if
    /// given, must be `BucketOwnerEnforced`: the only ownership Trailkeeper's buckets have.
    /// `x-amz-bucket-object-lock-enabled: true` turns Object Lock (and versioning) on.
    func createBucket(_ bucket: String, body: Data, headers: HTTPFields) async throws -> Response {
        let region = try Self.locationConstraint(body) ?? "us-east-1"
        if let ownership = headers[S3Header.objectOwnership], ownership != S3BucketConfigurations.objectOwnership {
            throw S3BucketConfigurations.onlyOwnerEnforced()
        }
        try accessControl.checkHeaders(headers)
        let objectLock = headers[S3Header.objectLockEnabled]?.lowercased() == "true"
        try await objects.createBucket(bucket, region: region, objectLockEnabled: objectLock)
        return Response(status: .ok, headers: [.location: "/" + bucket])
    }

    /// The region a `CreateBucketConfiguration` names; nil for an empty body or constraint.
    static func locationConstraint(_ body: Data) throws -> String? {
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        guard text.contains("CreateBucketConfiguration") else { throw S3Error.malformedXML() }
        // `<LocationConstraint>eu-west-1</LocationConstraint>`, possibly with a namespace prefix.
        guard let open = text.range(of: "LocationConstraint>"),
            text[..<open.lowerBound].last == "<" || text[..<open.lowerBound].last == ":",
            let close = text.range(of: "</", range: open.upperBound..<text.endIndex)
        else { return nil }
        let value = text[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty { return nil }
        if value == "EU" { return "eu-west-1" }
        guard value.count <= 32, value.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            throw S3Error(
                .badRequest, "InvalidLocationConstraint", "The specified location-constraint is not valid",
                details: [("LocationConstraint", value)])
        }
        return value
    }

    /// `HEAD /bucket`: 200 with `x-amz-bucket-region`, or 404.
    func headBucket(_ bucket: String) async throws -> Response {
        guard let info = try await objects.bucket(bucket) else { throw S3Error(ObjectStoreError.noSuchBucket(bucket)) }
        return Response(status: .ok, headers: [S3Header.bucketRegion: info.region])
    }

    /// `GET /bucket?location`: empty for us-east-1, as S3 answers.
    func bucketLocation(_ bucket: String) async throws -> Response {
        guard let info = try await objects.bucket(bucket) else { throw S3Error(ObjectStoreError.noSuchBucket(bucket)) }
        let namespace = S3XML.namespace
        let body =
            info.region == "us-east-1"
            ? "<LocationConstraint xmlns=\"\(namespace)\"/>"
            : "<LocationConstraint xmlns=\"\(namespace)\">\(S3XML.escape(info.region))</LocationConstraint>"
        return Self.xmlResponse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body)
    }

    /// `DELETE /bucket`: 204 when it was empty (no objects, versions or delete markers). A bucket
    /// that a trail with termination protection delivers to is refused (`AccessDenied`).
    func deleteBucket(_ bucket: String) async throws -> Response {
        if let trail = await api.deliverer.catalog.all().first(where: { $0.s3BucketName == bucket && $0.terminationProtectionEnabled }) {
            throw S3Error(
                .forbidden, "AccessDenied",
                "Bucket \(bucket) receives the logs of trail \(trail.name), which has termination protection "
                    + "(tag \(Trail.terminationProtectionTag)=true).", details: [("BucketName", bucket)])
        }
        try await objects.deleteBucket(bucket)
        return Response(status: .noContent)
    }
}
