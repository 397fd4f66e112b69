/// A position in the query text, 1-based, as Trino reports it (`line 1:8`).
public struct LakeSQLPosition: Hashable, Sendable, CustomStringConvertible {
    /// The line, starting at 1.
    public var line: Int
    /// The column, starting at 1, counted in UTF-8 bytes of the line.
    public var column: Int

    /// Creates a location.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// An error found while reading, binding or lowering a CloudTrail Lake query.
///
/// The message follows Trino's wording; ``description`` prefixes it with `line L:C: ` when a position is known.
/// TrailAPI maps ``code`` to the AWS exception name (see each case).
public struct LakeSQLError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, coarse enough to choose an AWS exception name.
    public enum Code: String, Hashable, Sendable {
        /// The text is not a valid query (lexer or parser). `InvalidQueryStatementException`.
        case syntaxError
        /// A statement other than one SELECT (writes, DDL, PRAGMA, ATTACH, several statements). `InvalidQueryStatementException`.
        case notReadOnly
        /// A construct this engine refuses (sub-queries, WITH, window functions, …). `InvalidQueryStatementException`.
        case notSupported
        /// A column that the store's schema does not have. `InvalidQueryStatementException`.
        case unknownColumn
        /// A function that is not registered, or called with the wrong number of arguments. `InvalidQueryStatementException`.
        case unknownFunction
        /// Operand or argument types that do not fit, or the GROUP BY rule. `InvalidQueryStatementException`.
        case semanticError
        /// The query is nested too deeply or names too many stores. `InvalidQueryStatementException`.
        case tooComplex
        /// A table token that names no store. `EventDataStoreNotFoundException`.
        case storeNotFound
        /// A table token that looks like an event data store ARN but is malformed. `EventDataStoreARNInvalidException`.
        case storeARNInvalid
        /// The store exists but is pending deletion. `InactiveEventDataStoreException`.
        case storeInactive
    }

    /// The kind of failure.
    public var code: Code
    /// The message, without the position.
    public var message: String
    /// Where in the query text, when known.
    public var location: LakeSQLPosition?

    /// Creates an error.
    public init(_ code: Code, _ message: String, at location: LakeSQLPosition? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// `line L:C: message`, or the message alone.
    public var description: String {
        guard let location else { return message }
        return "line \(location): \(message)"
    }
}
