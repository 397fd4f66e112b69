/// Why an alert target could not be built or could not deliver.
///
/// `description` never contains secrets (routing keys, passwords, webhook tokens).
public struct AlertError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// The target URL cannot be used (unknown scheme, missing parameter…).
        case invalidTarget
        /// The receiver refused the alert with a 4xx answer; sending it again will not help.
        case rejected
        /// The receiver kept failing (5xx, 429, connection errors) until the attempts ran out.
        case unavailable
        /// The send did not finish within its deadline.
        case timedOut
        /// The SMTP server answered something the client cannot go on from.
        case protocolViolation
    }

    /// What went wrong.
    public var code: Code
    /// What happened, safe to log and show.
    public var message: String
    /// The transport error, if any (appears in `debugDescription` only).
    public var underlying: (any Error)?

    /// An error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message.
    public var description: String { message }

    /// The message and the underlying error.
    public var debugDescription: String {
        "AlertError(\(code)): \(message)" + (underlying.map { " (underlying: \(String(reflecting: $0)))" } ?? "")
    }
}
