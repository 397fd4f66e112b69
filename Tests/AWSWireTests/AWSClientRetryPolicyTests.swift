import AWSWire
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@Suite struct AWSClientRetryPolicyTests {
    /// A deterministic generator for the jitter.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func theDefaultsAreFourAttemptsFrom100MillisecondsUpTo5Seconds() {
        let policy = AWSClient.RetryPolicy()
        #expect(policy.maximumAttempts == 4)
        #expect(policy.delayCeiling(beforeRetry: 1) == .milliseconds(100))
        #expect(policy.delayCeiling(beforeRetry: 2) == .milliseconds(200))
        #expect(policy.delayCeiling(beforeRetry: 3) == .milliseconds(400))
        #expect(policy.delayCeiling(beforeRetry: 7) == .milliseconds(5000))
        #expect(policy.delayCeiling(beforeRetry: 500) == .seconds(5))
    }

    @Test func delaysAreFullJitterUnderTheCeiling() {
        let policy = AWSClient.RetryPolicy(baseDelay: .milliseconds(100), maximumDelay: .seconds(1))
        var generator = SplitMix(state: 42)
        for retry in 1...6 {
            let ceiling = policy.delayCeiling(beforeRetry: retry)
            let delays = (0..<200).map { _ in policy.delay(beforeRetry: retry, using: &generator) }
            #expect(delays.allSatisfy { $0 >= .zero && $0 <= ceiling })
            #expect(Set(delays).count > 150, "the delay is random, not fixed")
            #expect(delays.contains { $0 < ceiling / 4 } && delays.contains { $0 > ceiling * 3 / 4 })
        }
    }

    @Test func retriesServerErrorsThrottlingAnd429() {
        func response(_ status: Int, _ body: String = "") -> AWSClient.Response {
            .init(status: status, body: Data(body.utf8))
        }
        #expect(AWSClient.RetryPolicy.isRetryable(response(500)))
        #expect(AWSClient.RetryPolicy.isRetryable(response(503, "<Error><Code>SlowDown</Code></Error>")))
        #expect(AWSClient.RetryPolicy.isRetryable(response(429)))
        #expect(AWSClient.RetryPolicy.isRetryable(response(400, #"{"__type":"ThrottlingException"}"#)))
        #expect(AWSClient.RetryPolicy.isRetryable(response(400, "<Error><Code>RequestLimitExceeded</Code></Error>")))
        #expect(AWSClient.RetryPolicy.isRetryable(response(400, #"{"__type":"x#TooManyRequestsException"}"#)))
        #expect(AWSClient.RetryPolicy.isRetryable(response(400, #"{"__type":"Throttling"}"#)))
        #expect(!AWSClient.RetryPolicy.isRetryable(response(200)))
        #expect(!AWSClient.RetryPolicy.isRetryable(response(404, "<Error><Code>NoSuchKey</Code></Error>")))
        #expect(!AWSClient.RetryPolicy.isRetryable(response(400, #"{"__type":"ValidationException"}"#)))
        #expect(!AWSClient.RetryPolicy.isRetryable(response(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>")))
    }

    @Test func retriesConnectionFailuresButNotCancellationOrOversizedBodies() {
        #expect(AWSClient.RetryPolicy.isRetryable(HTTPClientError.connectTimeout))
        #expect(AWSClient.RetryPolicy.isRetryable(HTTPClientError.readTimeout))
        #expect(AWSClient.RetryPolicy.isRetryable(HTTPClientError.remoteConnectionClosed))
        #expect(AWSClient.RetryPolicy.isRetryable(HTTPClientError.deadlineExceeded))
        #expect(AWSClient.RetryPolicy.isRetryable(IOError(errnoCode: 111, reason: "connect")))  // ECONNREFUSED
        #expect(!AWSClient.RetryPolicy.isRetryable(CancellationError()))
        #expect(!AWSClient.RetryPolicy.isRetryable(NIOTooManyBytesError(maxBytes: 1)))
        #expect(!AWSClient.RetryPolicy.isRetryable(HTTPClientError.invalidURL))
    }
}
