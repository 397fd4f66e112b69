import AsyncHTTPClient
import NIOCore

extension AWSClient {
    /// When and how long ``AWSClient`` waits before sending a request again.
    ///
    /// Retried: connection failures and timeouts, HTTP 5xx, HTTP 429 and throttling error codes
    /// (``AWSError/throttlingCodes``). The wait before retry `n` (1-based) is uniformly random in
    /// `0 ... min(maximumDelay, baseDelay × 2ⁿ⁻¹)` ("full jitter").
    public struct RetryPolicy: Sendable, Hashable {
        /// How many times a request is sent at most, the first included.
        public var maximumAttempts: Int
        /// The ceiling of the first wait.
        public var baseDelay: Duration
        /// The largest ceiling of any wait.
        public var maximumDelay: Duration

        /// A policy; by default 4 attempts, waits capped at 100 ms, 200 ms, 400 ms (at most 5 s).
        public init(
            maximumAttempts: Int = 4,
            baseDelay: Duration = .milliseconds(100),
            maximumDelay: Duration = .seconds(5)
        ) {
            self.maximumAttempts = maximumAttempts
            self.baseDelay = baseDelay
            self.maximumDelay = maximumDelay
        }

        /// The longest wait before retry `retry` (1 for the first retry).
        public func delayCeiling(beforeRetry retry: Int) -> Duration {
            let factor = Int64(1) << Int64(min(max(retry - 1, 0), 30))
            let base = Self.nanoseconds(baseDelay)
            let ceiling = base > Int64.max / factor ? Int64.max : base * factor
            return .nanoseconds(min(ceiling, Self.nanoseconds(maximumDelay)))
        }

        /// A random wait before retry `retry`, between zero and ``delayCeiling(beforeRetry:)``.
        public func delay(beforeRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
            .nanoseconds(Int64.random(in: 0...Self.nanoseconds(delayCeiling(beforeRetry: retry)), using: &generator))
        }

        /// Whether a response is worth another attempt: 5xx, 429, or a throttling error code.
        public static func isRetryable(_ response: Response) -> Bool {
            if response.status >= 500 || response.status == 429 { return true }
            return response.status >= 400 && AWSError(response: response).isThrottling
        }

        /// Whether a failure to get a response is worth another attempt: connection errors and
        /// timeouts are; cancellation, a response over the size limit and invalid requests are not.
        public static func isRetryable(_ error: any Error) -> Bool {
            switch error {
            case is CancellationError, is NIOTooManyBytesError:
                return false
            case let error as HTTPClientError:
                return transientHTTPClientErrors.contains(error)
            default:
                // Socket and channel errors (refused, reset, TLS): the connection failed, not the request.
                return true
            }
        }

        static let transientHTTPClientErrors: [HTTPClientError] = [
            .connectTimeout, .readTimeout, .writeTimeout, .tlsHandshakeTimeout, .deadlineExceeded,
            .remoteConnectionClosed, .getConnectionFromPoolTimeout, .uncleanShutdown,
        ]

        static func nanoseconds(_ duration: Duration) -> Int64 {
            let (seconds, attoseconds) = duration.components
            guard seconds < Int64.max / 1_000_000_000 else { return Int64.max }
            return max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
    }
}
