/// Why a log file could not be read to its end.
///
/// Records cut before the error have already been handed out; the caller decides whether the
/// partial file counts.
public struct LogFileStreamError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// The gzip data is corrupt (bad header, bad deflate data, bad checksum).
        case corruptGzip
        /// The gzip stream ends inside a member.
        case truncatedGzip
        /// The text does not start like a CloudTrail document (`{`, `[` or JSON lines).
        case notJSON
        /// Between two records of an array, something other than `,` or `]`.
        case malformedArray
        /// A `Records` field whose value is not an array.
        case recordsNotArray
        /// The text ends inside a document.
        case truncatedJSON
    }

    public var code: Code
    /// The byte offset of the problem: in the uncompressed text for JSON problems, in the
    /// compressed input for gzip problems.
    public var offset: UInt64
    /// A description safe to show (never record content).
    public var message: String

    public init(code: Code, offset: UInt64, message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    public var description: String { message }
}
