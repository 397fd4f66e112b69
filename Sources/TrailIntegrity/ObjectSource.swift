import Foundation

/// Where digest and log files are read from: an S3 API (``S3ObjectSource``) or an
/// ``ObjectStorage/ObjectStore`` such as a local Trailkeeper store (``StoreObjectSource``).
///
/// The chain walk and the log checks are written against this protocol only, so both read paths
/// give the same results line for line.
protocol ObjectSource: Sendable {
    /// Calls `visit` with each key after `startAfter` that starts with `prefix`, in S3's order
    /// (UTF-8 byte order), until `visit` returns `false` or the keys run out.
    ///
    /// - Throws: ``SourceFailure`` with the operation `ListObjects` (or `GetBucketLocation`).
    func visitKeys(
        bucket: String,
        prefix: String,
        startAfter: String,
        _ visit: (String) -> Bool
    ) async throws(SourceFailure)

    /// An object's bytes and user metadata (names as the server gave them, without `x-amz-meta-`).
    ///
    /// - Throws: ``SourceFailure`` with the operation `GetObject` (or `GetBucketLocation`).
    func object(bucket: String, key: String) async throws(SourceFailure) -> SourceObject
}

/// An object read from an ``ObjectSource``.
struct SourceObject: Sendable {
    var body: Data
    var metadata: [String: String]
}

/// Why an ``ObjectSource`` call failed, in the terms the CLI's botocore errors have.
struct SourceFailure: Error, Sendable, CustomStringConvertible {
    /// The kinds of failure the CLI tells apart.
    enum Kind: Sendable {
        /// The service answered with an error (botocore's `ClientError`).
        case service(code: String, message: String)
        /// No credentials are configured (botocore's `NoCredentialsError`).
        case noCredentials
        /// Anything else: connection failures, malformed answers (botocore's other errors).
        case other(String)
    }

    var kind: Kind
    /// The S3 operation, as botocore names it (`ListObjects`, `GetObject`, `GetBucketLocation`).
    var operation: String
    /// How many retries were made before giving up on a retryable error, when any.
    var retries: Int?

    init(kind: Kind, operation: String, retries: Int? = nil) {
        self.kind = kind
        self.operation = operation
        self.retries = retries
    }

    /// Whether this is a `ClientError` with the code `NoSuchKey`.
    var isNoSuchKey: Bool {
        if case .service("NoSuchKey", _) = kind { return true }
        return false
    }

    /// Whether this is a `ClientError` (which the CLI re-raises unless it is `NoSuchKey`).
    var isServiceError: Bool {
        if case .service = kind { return true }
        return false
    }

    /// botocore's `str(error)`.
    var description: String {
        switch kind {
        case .service(let code, let message):
            "An error occurred (\(code)) when calling the \(operation) operation"
                + (retries.map { " (reached max retries: \($0))" } ?? "") + ": \(message.isEmpty ? "Unknown" : message)"
        case .noCredentials: "Unable to locate credentials"
        case .other(let message): message
        }
    }

    /// The error that stops the whole run when this failure is not handled in place.
    var abort: ValidateLogsError {
        if case .noCredentials = kind { return .noCredentials }
        return ValidateLogsError(message: description)
    }
}
