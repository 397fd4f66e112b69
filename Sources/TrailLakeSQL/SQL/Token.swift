/// One lexical token of a Lake query.
public struct Token: Hashable, Sendable {
    /// What the token is.
    public enum Kind: Hashable, Sendable {
        /// A bare word: keyword or identifier, as written.
        case word(String)
        /// A `"quoted"` identifier, with `""` undone.
        case quotedIdentifier(String)
        /// A `'string'` literal, with `''` undone.
        case string(String)
        /// An integer literal, as written.
        case integer(String)
        /// A decimal or exponent literal, as written.
        case decimal(String)
        /// An operator or punctuation: `( ) , . * + - / % || = <> != < > <= >= [ ] ;`.
        case symbol(String)
        /// A table token read in FROM position (`eds-ID`, a UUID, an ARN).
        case tableName(String)
        /// The end of the text.
        case end
    }

    /// The kind and its text.
    public var kind: Kind
    /// Where the token starts.
    public var location: LakeSQLPosition
    /// Byte offset of the token's start.
    public var offset: Int

    /// True when the token is the bare word `keyword` (case-insensitive).
    public func isKeyword(_ keyword: String) -> Bool {
        if case .word(let word) = kind { return word.lowercased() == keyword }
        return false
    }

    /// True when the token is the symbol `symbol`.
    public func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(let text) = kind { return text == symbol }
        return false
    }

    /// A short rendering for error messages (`'FROM'`, `<EOF>`).
    public var display: String {
        switch kind {
        case .word(let text), .integer(let text), .decimal(let text), .symbol(let text), .tableName(let text): "'\(text)'"
        case .quotedIdentifier(let text): "'\"\(text)\"'"
        case .string(let text): "''\(text)''"
        case .end: "'<EOF>'"
        }
    }
}
