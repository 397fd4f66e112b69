import HTTPTypes
import Hummingbird
import Logging
import ObjectStorage
import TrailArchive

/// Answers the requests that no route matched as S3 operations (see ``addS3Routes(to:api:)``).
struct S3Middleware: RouterMiddleware {
    typealias Context = TrailRequestContext

    let operations: S3Operations
    let authentication: S3Authentication
    let configuration: TrailAPIContext.Configuration

    init(api: TrailAPIContext) {
        operations = S3Operations(api: api)
        authentication = S3Authentication(authenticator: api.authenticator)
        configuration = api.configuration
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // A route matched: not ours.
        guard context.endpointPath == nil else { return try await next(request, context) }
        let (rawPath, rawQuery) = request.s3RawTarget
        let target = S3Target(rawPath: rawPath)
        if let bucket = target?.bucket, BucketName.reserved.contains(bucket) {
            return try await next(request, context)
        }
        var response: Response
        do {
            guard let target else { throw S3Error(.badRequest, "InvalidURI", "Couldn't parse the specified URI.") }
            context.coreContext.endpointPath.value = Self.endpoint(target)
            response = try await dispatch(target, query: S3Query(raw: rawQuery), request: request, context: context)
        } catch {
            let failure: S3Error
            switch error {
            case let error as S3Error: failure = error
            case let error as ObjectStoreError:
                failure = S3Error(error)
                if case .storage = error {
                    context.logger.error("object store failure", metadata: ["trail.error": "\(String(reflecting: error))"])
                }
            default:
                context.logger.error("S3 request failed", metadata: ["trail.error": "\(String(reflecting: error))"])
                failure = S3Error(.internalServerError, "InternalError", "We encountered an internal error. Please try again.")
            }
            response = failure.response(method: request.method, resource: String(rawPath), requestID: context.id)
        }
        response.headers[S3Header.requestID] = context.id
        return response
    }

    /// The largest body a request may have: objects and parts up to
    /// ``TrailAPIContext/Configuration/objectBodyLimit``; request documents of POSTs
    /// (DeleteObjects with 1000 long keys, a completion of 10,000 parts) up to 8 MiB or the
    /// control limit if larger; anything else up to the control limit.
    func bodyLimit(_ target: S3Target, method: HTTPRequest.Method) -> Int {
        switch (target, method) {
        case (.object, .put): configuration.objectBodyLimit
        case (_, .post): Swift.max(configuration.controlBodyLimit, 8 * 1_048_576)
        default: configuration.controlBodyLimit
        }
    }

    /// The route template for metrics: bounded, never the raw path.
    static func endpoint(_ target: S3Target) -> String {
        switch target {
        case .service: "/"
        case .bucket: "/{bucket}"
        case .object: "/{bucket}/{key}"
        }
    }

    func dispatch(_ target: S3Target, query: S3Query, request: Request, context: Context) async throws -> Response {
        var request = request
        var context = context
        let payload = try await authentication.authenticate(
            &request, context: &context, bodyLimit: bodyLimit(target, method: request.method))
        if let answer = try await operations.subresource(target, query: query, request: request, payload: payload) {
            return answer
        }
        switch target {
        case .service:
            guard request.method == .get else { throw S3Error.methodNotAllowed() }
            return try await operations.listBuckets(query: query)
        case .bucket(let bucket):
            switch request.method {
            case .get:
                if query.contains("location") { return try await operations.bucketLocation(bucket) }
                if query.contains("uploads") { return try await operations.listMultipartUploads(bucket, query: query) }
                if query.contains("versioning") { return try await operations.bucketVersioning(bucket) }
                if query.contains("object-lock") { return try await operations.objectLockConfiguration(bucket) }
                if query.contains("versions") { return try await operations.listObjectVersions(bucket, query: query) }
                return try await operations.listObjects(bucket, query: query)
            case .head:
                return try await operations.headBucket(bucket)
            case .put:
                if query.contains("versioning") || query.contains("object-lock") {
                    _ = try S3Operations.checkIntegrity(request, payload: payload)
                    if query.contains("versioning") { return try await operations.putBucketVersioning(bucket, body: payload.body) }
                    return try await operations.putObjectLockConfiguration(bucket, body: payload.body)
                }
                return try await operations.createBucket(bucket, body: payload.body, headers: request.headers)
            case .delete:
                let response = try await operations.deleteBucket(bucket)
                // A configuration does not outlive its bucket.
                try? await operations.api.lifecycle?.removeConfiguration(for: bucket)
                return response
            case .post:
                if query.contains("delete") {
                    return try await operations.deleteObjects(
                        bucket, request: request, payload: payload, bypassGovernance: bypassGovernance(request, context))
                }
                throw S3Error.methodNotAllowed()
            default:
                throw S3Error.methodNotAllowed()
            }
        case .object(let bucket, let key):
            switch (request.method, query.contains("retention"), query.contains("legal-hold")) {
            case (.get, true, _): return try await operations.objectRetention(bucket, key, query: query)
            case (.put, true, _):
                _ = try S3Operations.checkIntegrity(request, payload: payload)
                return try await operations.putObjectRetention(
                    bucket, key, query: query, body: payload.body, bypassGovernance: bypassGovernance(request, context))
            case (.get, _, true): return try await operations.objectLegalHold(bucket, key, query: query)
            case (.put, _, true):
                _ = try S3Operations.checkIntegrity(request, payload: payload)
                return try await operations.putObjectLegalHold(bucket, key, query: query, body: payload.body)
            case (_, true, _), (_, _, true): throw S3Error.methodNotAllowed()
            default: break
            }
            let isUploadPart = query.contains("uploadId")
            switch request.method {
            case .get where isUploadPart:
                return try await operations.listParts(bucket, key, query: query)
            case .get where query.contains("attributes"):
                return try await operations.objectAttributes(bucket, key, query: query, request: request)
            case .get, .head:
                return try await operations.getObject(bucket, key, request: request, query: query)
            case .put where isUploadPart:
                return try await operations.uploadPart(bucket, key, query: query, request: request, payload: payload)
            case .put where request.headers[S3Header.copySource] != nil:
                return try await operations.copyObject(bucket, key, request: request)
            case .put:
                return try await operations.putObject(bucket, key, request: request, payload: payload)
            case .post where query.contains("uploads"):
                return try await operations.createMultipartUpload(bucket, key, request: request)
            case .post where isUploadPart:
                return try await operations.completeMultipartUpload(
                    bucket, key, query: query, request: request, payload: payload)
            case .delete where isUploadPart:
                return try await operations.abortMultipartUpload(bucket, key, query: query)
            case .delete:
                return try await operations.deleteObject(
                    bucket, key, query: query, bypassGovernance: bypassGovernance(request, context))
            default:
                throw S3Error.methodNotAllowed()
            }
        }
    }

    /// Whether the request asks to bypass governance-mode retention
    /// (`x-amz-bypass-governance-retention: true`) and its caller may
    /// (``TrailAPIContext/Configuration/governanceBypassKeys``).
    func bypassGovernance(_ request: Request, _ context: Context) -> Bool {
        guard request.headers[S3Header.bypassGovernance]?.lowercased() == "true", let caller = context.caller else { return false }
        return configuration.governanceBypassKeys?.contains(caller.accessKeyID) ?? true
    }
}
