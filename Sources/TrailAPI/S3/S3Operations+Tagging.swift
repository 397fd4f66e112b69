import Foundation
import HTTPTypes
import Hummingbird
import ObjectStorage

// Object and bucket tagging (`?tagging`), over the store's tags; S3's rules are ``S3TagSet``'s.
extension S3Operations {
    /// `GET /bucket/key?tagging[&versionId=…]`: the tags of the latest version or of the one named
    /// (an empty `TagSet` when it has none), with its `x-amz-version-id` in a versioned bucket.
    func getObjectTagging(_ bucket: String, _ key: String, query: S3Query) async throws -> Response {
        let versionId = query["versionId"]
        let tags = try await objects.objectTags(bucket: bucket, key: key, versionId: versionId)
        return try await withVersionHeader(Self.xmlResponse(S3TagSet.document(tags)), bucket, key, versionId)
    }

    /// `PUT /bucket/key?tagging[&versionId=…]`: replaces the tags of the latest version or of the one named.
    func putObjectTagging(_ bucket: String, _ key: String, query: S3Query, request: Request, payload: S3Payload)
        async throws -> Response
    {
        _ = try Self.checkIntegrity(request, payload: payload)
        let tags = try S3TagSet.parse(document: payload.body, for: .object)
        let versionId = query["versionId"]
        try await objects.setObjectTags(bucket: bucket, key: key, versionId: versionId, tags: tags)
        return try await withVersionHeader(Response(status: .ok), bucket, key, versionId)
    }

    /// `DELETE /bucket/key?tagging[&versionId=…]`: removes the tags of the latest version or of the one named; 204.
    func deleteObjectTagging(_ bucket: String, _ key: String, query: S3Query) async throws -> Response {
        let versionId = query["versionId"]
        try await objects.setObjectTags(bucket: bucket, key: key, versionId: versionId, tags: [:])
        return try await withVersionHeader(Response(status: .noContent), bucket, key, versionId)
    }

    /// `response` with `x-amz-version-id`: the version named, or the latest's in a bucket that has versions.
    func withVersionHeader(_ response: Response, _ bucket: String, _ key: String, _ versionId: String?) async throws
        -> Response
    {
        var response = response
        var version = versionId
        if version == nil { version = try await objects.headObject(bucket: bucket, key: key).versionId }
        if let version { response.headers[S3Header.versionID] = version }
        return response
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
