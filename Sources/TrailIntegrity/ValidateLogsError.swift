/// An error that stops validate-logs before its summary, reported as the AWS CLI reports it:
/// on standard error, with exit status 255.
public struct ValidateLogsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message, as the CLI prints it (`str(exception)`).
    public var message: String
    /// Whether the CLI prints the message without the blank line before it (its handlers for
    /// missing credentials and region print `msg\n`; every other error is `\nmsg\n`).
    public var isBare: Bool

    /// An error with the CLI's message.
    public init(message: String, isBare: Bool = false) {
        self.message = message
        self.isBare = isBare
    }

    /// The exact text the CLI writes to standard error.
    public var standardErrorText: String { isBare ? message + "\n" : "\n" + message + "\n" }

    /// The message.
    public var description: String { message }

    /// The exit status the CLI returns for it.
    public static let exitStatus: Int32 = 255

    /// No credentials were found for a call that needs them.
    static let noCredentials = ValidateLogsError(
        message: "Unable to locate credentials. You can configure credentials by running \"aws configure\".",
        isBare: true
    )
}
