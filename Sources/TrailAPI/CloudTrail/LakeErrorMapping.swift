import TrailLake

/// Lake refusals as AWS JSON errors: `{"__type": "<Code raw value>", "message": …}`, HTTP 400.
enum LakeErrorMapping {
    /// The AWS JSON error for a ``LakeError``.
    static func apiError(_ error: LakeError) -> APIError {
        APIError(style: .awsJSON, type: error.code.rawValue, message: error.message)
    }

    /// Runs `body`, turning ``LakeError``s into AWS JSON errors.
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as LakeError {
            throw apiError(e)
        }
    }

    /// A handler whose Lake errors are answered as AWS JSON errors.
    static func handler(_ body: @escaping @Sendable (JSONInput) async throws -> JSONOut) -> CloudTrailOperations.Handler {
        { input, _ in try await mapping { try await body(input) } }
    }
}
