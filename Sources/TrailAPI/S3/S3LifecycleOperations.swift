import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ObjectStorage
import TrailArchive

// MARK: - Bucket lifecycle configuration (?lifecycle)

extension S3Operations {
    static let transitionMinimumHeader = HTTPField.Name("x-amz-transition-default-minimum-object-size")!

    /// `PUT /bucket?lifecycle`: validates the configuration as S3 does (MalformedXML,
    /// InvalidArgument, InvalidRequest) and stores it for the bucket, replacing any. Like S3, the
    /// request must carry `Content-MD5` or an `x-amz-checksum-*`, and these must hold.
    func putBucketLifecycle(_ bucket: String, request: Request, payload: S3Payload, store: BucketLifecycleStore) async throws
        -> Response
    {
        guard let info = try await objects.bucket(bucket) else { throw S3Error(ObjectStoreError.noSuchBucket(bucket)) }
        let checksums = try Self.checkIntegrity(request, payload: payload)
        guard request.headers[S3Header.contentMD5] != nil || !checksums.isEmpty else {
            throw S3Error(.badRequest, "InvalidRequest", "Missing required header for this request: Content-MD5")
        }
        var minimum = LifecycleConfiguration.TransitionMinimumObjectSize.allStorageClasses128K
        if let header = request.headers[Self.transitionMinimumHeader] {
            guard let value = LifecycleConfiguration.TransitionMinimumObjectSize(rawValue: header) else {
                throw S3Error.invalidArgument(
                    "Invalid value for x-amz-transition-default-minimum-object-size", name: "x-amz-transition-default-minimum-object-size",
                    value: header)
            }
            minimum = value
        }
        let configuration: LifecycleConfiguration
        do {
            configuration = try LifecycleConfiguration(xml: payload.body, transitionMinimumObjectSize: minimum)
            try configuration.validate()
        } catch {
            throw S3Error(.badRequest, error.code.rawValue, error.message)
        }
        try await store.setConfiguration(configuration, for: bucket, createdAt: info.creationDate)
        return Response(status: .ok, headers: [Self.transitionMinimumHeader: minimum.rawValue])
    }

    /// `GET /bucket?lifecycle`: the stored configuration, or 404 `NoSuchLifecycleConfiguration`.
    func getBucketLifecycle(_ bucket: String, store: BucketLifecycleStore) async throws -> Response {
        guard let info = try await objects.bucket(bucket) else { throw S3Error(ObjectStoreError.noSuchBucket(bucket)) }
        guard let configuration = try await store.configuration(for: bucket, createdAt: info.creationDate) else {
            throw S3Error(
                .notFound, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist",
                details: [("BucketName", bucket)])
        }
        var response = Self.xmlResponse(configuration.xml)
        response.headers[Self.transitionMinimumHeader] = configuration.transitionMinimumObjectSize.rawValue
        return response
    }

    /// `DELETE /bucket?lifecycle`: 204, whether or not the bucket had a configuration.
    func deleteBucketLifecycle(_ bucket: String, store: BucketLifecycleStore) async throws -> Response {
        guard try await objects.bucket(bucket) != nil else { throw S3Error(ObjectStoreError.noSuchBucket(bucket)) }
        try await store.removeConfiguration(for: bucket)
        return Response(status: .noContent)
    }
}
