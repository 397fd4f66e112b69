import AWSWire

// Tags and default encryption pass through to S3's own tagging and encryption APIs.
extension S3ObjectStore {
    public func objectTags(bucket: String, key: String, versionId: String?) async throws -> [String: String] {
        try await translating(bucket: bucket, key: key, versionId: versionId) {
            try await client.objectTagging(bucket: bucket, key: key, versionId: versionId)
        }
    }

    public func setObjectTags(bucket: String, key: String, versionId: String?, tags: [String: String]) async throws {
        if tags.isEmpty {
            // S3 answers a delete on a missing key with 204: ask for the object first.
            _ = try await headObject(bucket: bucket, key: key, versionId: versionId)
        }
        try await translating(bucket: bucket, key: key, versionId: versionId) {
            if tags.isEmpty {
                try await client.deleteObjectTagging(bucket: bucket, key: key, versionId: versionId)
            } else {
                try await client.putObjectTagging(bucket: bucket, key: key, versionId: versionId, tags: tags)
            }
        }
    }

    public func bucketTags(_ bucket: String) async throws -> [String: String] {
        try await translating(bucket: bucket) { try await client.bucketTagging(bucket) }
    }

    public func setBucketTags(_ bucket: String, tags: [String: String]) async throws {
        try await translating(bucket: bucket) {
            if tags.isEmpty {
                try await client.deleteBucketTagging(bucket)
            } else {
                try await client.putBucketTagging(bucket, tags: tags)
            }
        }
    }

    public func bucketEncryption(_ bucket: String) async throws -> BucketEncryption? {
        try await translating(bucket: bucket) {
            try await client.bucketEncryption(bucket).map {
                BucketEncryption(algorithm: $0.algorithm, kmsKeyID: $0.kmsKeyID, bucketKeyEnabled: $0.bucketKeyEnabled)
            }
        }
    }
}
