import Foundation

/// The reserved tag `trailkeeper:table-alias` (plan §1.1): extra table names for a store, so queries written
/// with AWS's placeholders (`event_data_store_ID`, `eds-ID`) run unchanged.
public enum TableAlias {
    /// The tag key.
    public static let tag = "trailkeeper:table-alias"

    /// The aliases the tags declare (comma-separated values; blanks trimmed).
    public static func aliases(in tags: [Tag]) -> [String] {
        guard let value = tags.last(where: { $0.key == tag })?.value else { return [] }
        return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Checks every alias the tags declare: 1–128 of `[A-Za-z0-9._:/-]`.
    /// - Throws: ``TableAliasError`` naming the first bad alias.
    public static func validate(_ tags: [Tag]) throws(TableAliasError) {
        guard let value = tags.last(where: { $0.key == tag })?.value else { return }
        let names = aliases(in: tags)
        guard !names.isEmpty else { throw TableAliasError(alias: value) }
        for name in names where !isValid(name) { throw TableAliasError(alias: name) }
    }

    static func isValid(_ name: String) -> Bool {
        (1...128).contains(name.utf8.count)
            && name.utf8.allSatisfy { c in
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 46 || c == 95 || c == 45
                    || c == 58 || c == 47
            }
    }
}

/// A `trailkeeper:table-alias` value that is not a valid table name.
public struct TableAliasError: Error, Sendable, Hashable, CustomStringConvertible {
    public var alias: String
    public var description: String {
        "The tag \(TableAlias.tag) takes comma-separated table names of 1 to 128 characters [A-Za-z0-9._:/-], not '\(alias)'."
    }
}
