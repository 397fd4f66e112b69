/// Why S3 would refuse a lifecycle configuration: its error code and message.
public struct LifecycleConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The document is not a lifecycle configuration S3's schema accepts.
        case malformedXML = "MalformedXML"
        /// A value is out of range (days, IDs, dates…).
        case invalidArgument = "InvalidArgument"
        /// Parts that cannot go together (no action, tags with multipart aborts…).
        case invalidRequest = "InvalidRequest"
    }

    public var code: Code
    /// Safe to show to a client.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func malformed(_ message: String = "The XML you provided was not well-formed or did not validate against our published schema")
        -> LifecycleConfigurationError
    {
        LifecycleConfigurationError(.malformedXML, message)
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
