/// An error from loading or compiling rules.
///
/// The message names the rule, file or pattern position at fault and never contains record contents.
public struct DetectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// Text that should be JSON is not.
        case invalidJSON
        /// An EventBridge event pattern is not valid.
        case invalidEventPattern
        /// A CloudWatch Logs filter pattern is not valid.
        case invalidFilterPattern
        /// A rule file or rule entry is malformed.
        case invalidRule
        /// A rule source is neither a readable file nor a built-in pack.
        case unknownSource
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
