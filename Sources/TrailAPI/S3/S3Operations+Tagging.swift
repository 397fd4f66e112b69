import Foundation
import HTTPTypes
import Hummingbird
import ObjectStorage

// Object and bucket tagging (`?tagging`), over the store's tags; S3's rules are ``S3TagSet``'s.
extension S3Operations {
    /// `GET /bucket/key?tagging`: the object's tags (an empty `TagSet` when it has none).
    func getObjectTagging(_ bucket: String, _ key: String, query: S3Query) async throws -> Response {
        try Self.requireCurrentVersion(query)
        return Self.xmlResponse(S3TagSet.document(try await objects.objectTags(bucket: bucket, key: key)))
    }

    /// `PUT /bucket/key?tagging`: replaces the object's tags.
    func putObjectTagging(_ bucket: String, _ key: String, query: S3Query, request: Request, payload: S3Payload)
        async throws -> Response
    {
        try Self.requireCurrentVersion(query)
        _ = try Self.checkIntegrity(request, payload: payload)
        let tags = try S3TagSet.parse(document: payload.body, for: .object)
        try await objects.setObjectTags(bucket: bucket, key: key, tags: tags)
        return Response(status: .ok)
    }

    /// `DELETE /bucket/key?tagging`: removes the object's tags; 204.
    func deleteObjectTagging(_ bucket: String, _ key: String, query: S3Query) async throws -> Response {
        try Self.requireCurrentVersion(query)
        try await objects.setObjectTags(bucket: bucket, key: key, tags: [:])
        return Response(status: .noContent)
    }

    /// `GET /bucket?tagging`: the bucket's tags, or 404 `NoSuchTagSet` when it has none.
    func getBucketTagging(_ bucket: String) async throws -> Response {
        let tags = try await objects.bucketTags(bucket)
        guard !tags.isEmpty else {
            throw S3Error(.notFound, "NoSuchTagSet", "The TagSet does not exist", details: [("BucketName", bucket)])
        }
        return Self.xmlResponse(S3TagSet.document(tags))
    }

    /// `PUT /bucket?tagging`: replaces the bucket's tags; 204.
    func putBucketTagging(_ bucket: String, request: Request, payload: S3Payload) async throws -> Response {
        _ = try Self.checkIntegrity(request, payload: payload)
        let tags = try S3TagSet.parse(document: payload.body, for: .bucket)
        try await objects.setBucketTags(bucket, tags: tags)
        return Response(status: .noContent)
    }

    /// `DELETE /bucket?tagging`: removes the bucket's tags; 204.
    func deleteBucketTagging(_ bucket: String) async throws -> Response {
        try await objects.setBucketTags(bucket, tags: [:])
        return Response(status: .noContent)
    }
}
