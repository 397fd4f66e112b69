import TrailLake

/// Answers a ``LakeError`` the way AWS JSON 1.1 does: HTTP 400, `{"__type": <exception name>, "message": …}`.
enum LakeQueryErrorMapping {
    static func apiError(_ error: LakeError) -> APIError {
        APIError(style: .awsJSON, type: error.code.rawValue, message: error.message)
    }

    /// Runs `body`, turning a ``LakeError`` into its ``APIError``.
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as LakeError {
            throw apiError(error)
        }
    }
}
