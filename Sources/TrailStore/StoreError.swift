/// An error from an event store.
public struct StoreError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Code: Sendable {
        case unavailable
        case corrupt
        case invalidArgument
    }

    public var code: Code
    /// Safe to show a client.
    public var message: String
    /// Only in `debugDescription` and logs.
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
    public var debugDescription: String {
        if let underlying { return "\(code): \(message) (\(String(reflecting: underlying)))" }
        return "\(code): \(message)"
    }
}
