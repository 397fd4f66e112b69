import AWSWire
import Logging
import ObjectStorage

/// How archive jobs retry the work on one object: throttling, 5xx, transport and storage errors, and
/// copies or reads that fail verification, after a random wait up to an exponentially growing ceiling
/// ("full jitter"); everything else (and anything once the task is cancelled) fails at once.
struct ArchiveRetry: Sendable {
    /// Attempts in all.
    var maxAttempts: Int
    /// The ceiling of the first retry's wait; doubled for every further one.
    var baseDelay: Duration

    /// Runs `body` (given the attempt number, from 1) until it succeeds, fails with an error that is
    /// not retryable, or has used every attempt; throws the last error.
    func run<T: Sendable>(key: String, logger: Logger, _ body: (Int) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body(attempt)
            } catch {
                guard attempt < maxAttempts, !Self.isVanished(error), Self.isRetryable(error), !Task.isCancelled else {
                    throw error
                }
                logger.debug("retrying", metadata: ["key": "\(key)", "attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: baseDelay * (1 << (attempt - 1)) * Double.random(in: 0...1))
                attempt += 1
            }
        }
    }

    /// Whether the object is gone (deleted since it was listed).
    static func isVanished(_ error: any Error) -> Bool {
        if let error = error as? ObjectStoreError, case .noSuchKey = error { return true }
        if let error = error as? AWSError { return error.code == "NoSuchKey" || (error.status == 404 && error.code != "NoSuchBucket") }
        return false
    }

    static func isRetryable(_ error: any Error) -> Bool {
        if let error = error as? AWSError {
            return error.status >= 500 || error.status == 0 || AWSError.throttlingCodes.contains(error.code)
        }
        if case ObjectStoreError.storage = error { return true }
        if error is BackupVerificationError { return true }
        return !(error is ObjectStoreError) && !(error is BackupEncryptionError)
    }
}
