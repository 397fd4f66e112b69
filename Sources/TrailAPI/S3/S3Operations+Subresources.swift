import Foundation
import HTTPTypes
import Hummingbird
import ObjectStorage

// The subresources of buckets and objects: `?acl`, `?tagging`, `?lifecycle` (when the API has a
// ``TrailArchive/BucketLifecycleStore``), and the configurations of
// ``S3BucketConfigurations``' table.
extension S3Operations {
    /// Answers a request that names one of these subresources; nil when it names none (and for
    /// `HEAD`, which is HeadBucket or HeadObject whatever the query).
    func subresource(_ target: S3Target, query: S3Query, request: Request, payload: S3Payload) async throws -> Response? {
        let method = request.method
        let bucket: String
        let key: String?
        switch target {
        case .service: return nil
        case .bucket(let name): (bucket, key) = (name, nil)
        case .object(let name, let objectKey): (bucket, key) = (name, objectKey)
        }
        guard method != .head else { return nil }
        if query.contains("acl") {
            switch method {
            case .get: return try await getACL(bucket, key: key, query: query)
            case .put: return try await putACL(bucket, key: key, query: query, request: request, payload: payload)
            default: throw S3Error.methodNotAllowed()
            }
        }
        if query.contains("tagging") {
            switch (method, key) {
            case (.get, let key?): return try await getObjectTagging(bucket, key, query: query)
            case (.put, let key?): return try await putObjectTagging(bucket, key, query: query, request: request, payload: payload)
            case (.delete, let key?): return try await deleteObjectTagging(bucket, key, query: query)
            case (.get, nil): return try await getBucketTagging(bucket)
            case (.put, nil): return try await putBucketTagging(bucket, request: request, payload: payload)
            case (.delete, nil): return try await deleteBucketTagging(bucket)
            default: throw S3Error.methodNotAllowed()
            }
        }
        if query.contains("lifecycle"), key == nil {
            guard let store = api.lifecycle else {
                throw S3Error(
                    .badRequest, "InvalidRequest", "This server keeps no lifecycle configurations (it runs without a data directory).")
            }
            switch method {
            case .put: return try await putBucketLifecycle(bucket, request: request, payload: payload, store: store)
            case .get: return try await getBucketLifecycle(bucket, store: store)
            case .delete: return try await deleteBucketLifecycle(bucket, store: store)
            default: throw S3Error.methodNotAllowed()
            }
        }
        guard let row = S3BucketConfigurations.row(for: query, onObject: key != nil) else { return nil }
        return try await answer(row, bucket: bucket, key: key, query: query, request: request, payload: payload)
    }

    /// One row of the table: its target must exist, a body must match its checksums, then the answer.
    func answer(
        _ row: S3BucketConfigurations.Row, bucket: String, key: String?, query: S3Query, request: Request, payload: S3Payload
    ) async throws -> Response {
        guard let answer = row.answers[request.method] else { throw S3Error.methodNotAllowed() }
        try await requireTarget(bucket, key: row.requiresObject ? key : nil, query: query)
        if request.method == .put || request.method == .post { _ = try Self.checkIntegrity(request, payload: payload) }
        return try await respond(answer, bucket: bucket, key: key, query: query, body: payload.body)
    }

    func respond(
        _ answer: S3BucketConfigurations.Answer, bucket: String, key: String?, query: S3Query, body: Data
    ) async throws -> Response {
        switch answer {
        case .document(let text):
            return Self.xmlResponse(text)
        case .ok:
            return Response(status: .ok)
        case .noContent:
            return Response(status: .noContent)
        case .error(var error):
            if error.status == .notFound, key == nil { error.details.append(("BucketName", bucket)) }
            throw error
        case .acceptIf(let root, let restatesState, let otherwise):
            guard restatesState(try S3RequestDocument.parse(body, root: root)) else { throw otherwise }
            return Response(status: .ok)
        case .emptyList(let root):
            if query.contains("id") {
                return try await respond(
                    .error(S3BucketConfigurations.noSuchConfiguration), bucket: bucket, key: key, query: query, body: body)
            }
            var xml = S3XML(root: root)
            xml.element("IsTruncated", "false")
            return Self.xmlResponse(xml.finished(closing: root))
        case .computed(let compute):
            return try await respond(try await compute(self, bucket, key), bucket: bucket, key: key, query: query, body: body)
        }
    }
}
