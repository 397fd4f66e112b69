import Foundation

/// Retries and deadlines of one target's sends.
///
/// A send is tried at most ``maximumAttempts`` times. Connection errors, timeouts, HTTP 429 and
/// 5xx (SMTP 4xx) are retried after a random wait in `0 ... min(maximumDelay, baseDelay × 2ⁿ⁻¹)`
/// ("full jitter"); HTTP 4xx (SMTP 5xx) is not. Each attempt has ``attemptTimeout`` and the whole
/// send, waits included, ``sendDeadline``, so a target that stays down cannot hold the caller.
public struct AlertDelivery: Sendable, Hashable {
    /// How many times an alert is sent at most, the first included.
    public var maximumAttempts: Int
    /// The ceiling of the first wait.
    public var baseDelay: Duration
    /// The largest ceiling of any wait.
    public var maximumDelay: Duration
    /// The deadline of one attempt (connect, request, response).
    public var attemptTimeout: Duration
    /// The deadline of the whole send, retries included.
    public var sendDeadline: Duration

    /// Defaults: 4 attempts, waits from 250 ms up to 5 s, 10 s per attempt, 30 s per send.
    public init(
        maximumAttempts: Int = 4,
        baseDelay: Duration = .milliseconds(250),
        maximumDelay: Duration = .seconds(5),
        attemptTimeout: Duration = .seconds(10),
        sendDeadline: Duration = .seconds(30)
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.attemptTimeout = attemptTimeout
        self.sendDeadline = sendDeadline
    }

    /// The outcome of one attempt that did not succeed.
    enum Failure: Error {
        /// Worth another attempt.
        case transient(AlertError)
        /// Final.
        case permanent(AlertError)
    }

    /// A random wait before retry `retry` (1 for the first retry).
    func delay(beforeRetry retry: Int) -> Duration {
        let factor = Double(1 << min(max(retry - 1, 0), 20))
        let ceiling = min(Self.seconds(baseDelay) * factor, Self.seconds(maximumDelay))
        return .milliseconds(Int64((Double.random(in: 0...1) * ceiling * 1000).rounded()))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Runs `attempt` until it succeeds, fails permanently, the attempts run out or the deadline passes.
    ///
    /// - Parameter attempt: one try, given its 1-based number; throws ``Failure``.
    /// - Throws: ``AlertError``.
    func run(_ target: String, attempt: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await Self.withDeadline(sendDeadline, "\(target): no delivery within \(sendDeadline)") {
            var number = 1
            while true {
                let current = number
                do {
                    try await Self.withDeadline(attemptTimeout, "\(target): attempt \(current) timed out") {
                        try await attempt(current)
                    }
                    return
                } catch let failure as Failure {
                    switch failure {
                    case .permanent(let error): throw error
                    case .transient(let error):
                        guard number < maximumAttempts else {
                            throw AlertError(
                                .unavailable, error.message + " (after \(number) attempts)", underlying: error)
                        }
                    }
                } catch let error as AlertError where error.code == .timedOut {
                    guard number < maximumAttempts else {
                        throw AlertError(.unavailable, error.message + " (after \(number) attempts)", underlying: error)
                    }
                }
                try await Task.sleep(for: delay(beforeRetry: number))
                number += 1
            }
        }
    }

    /// Runs `body`, cancelling it and throwing ``AlertError/Code/timedOut`` if it outlasts `limit`.
    static func withDeadline<T: Sendable>(
        _ limit: Duration, _ message: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw AlertError(.timedOut, message)
            }
            return value
        }
    }
}
