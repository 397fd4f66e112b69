import TrailLakeSQL

/// Resolves a query's table tokens against a snapshot of the event data stores: by ID, ARN or
/// `trailkeeper:table-alias` alias, case-insensitively.
public struct QueryStoreResolver: LakeStoreResolver {
    public let entries: [LakeStoreEntry]

    public init(entries: [LakeStoreEntry]) {
        self.entries = entries
    }

    /// The entry `token` names, or the reason it names none (as a ``LakeSQLError``).
    public func entry(named token: String, at location: LakeSQLPosition? = nil) throws(LakeSQLError) -> LakeStoreEntry {
        let lowered = token.lowercased()
        if let entry = entries.first(where: { $0.id.lowercased() == lowered || $0.arn.lowercased() == lowered })
            ?? entries.first(where: { $0.aliases.contains { $0.lowercased() == lowered } })
        {
            guard entry.isActive else {
                throw LakeSQLError(.storeInactive, "Event data store \(token) is pending deletion and cannot be queried.", at: location)
            }
            return entry
        }
        if lowered.hasPrefix("arn:"), !Self.isEventDataStoreARN(lowered) {
            throw LakeSQLError(.storeARNInvalid, "\(token) is not a valid event data store ARN.", at: location)
        }
        throw LakeSQLError(.storeNotFound, "Event data store \(token) does not exist.", at: location)
    }

    public func store(named token: String, at location: LakeSQLPosition) throws(LakeSQLError) -> LakeStoreReference {
        let entry = try entry(named: token, at: location)
        return LakeStoreReference(id: entry.id, family: entry.family)
    }

    /// `arn:<partition>:cloudtrail:<region>:<12 digits>:eventdatastore/<id>`.
    public static func isEventDataStoreARN(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "cloudtrail", !parts[3].isEmpty,
            parts[4].count == 12, parts[4].allSatisfy(\.isNumber), parts[5].hasPrefix("eventdatastore/")
        else { return false }
        let id = parts[5].dropFirst("eventdatastore/".count)
        return (3...128).contains(id.count) && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
    }
}

extension LakeError {
    /// The AWS exception a planning failure answers with (plan §3.3): store problems keep their own names, every
    /// other problem is InvalidQueryStatementException with Trino's `line L:C: …` message.
    public init(_ error: LakeSQLError) {
        switch error.code {
        case .storeNotFound: self.init(.eventDataStoreNotFound, error.message)
        case .storeARNInvalid: self.init(.eventDataStoreARNInvalid, error.message)
        case .storeInactive: self.init(.inactiveEventDataStore, error.message)
        case .syntaxError, .notReadOnly, .notSupported, .unknownColumn, .unknownFunction, .semanticError, .tooComplex:
            self.init(.invalidQueryStatement, error.description)
        }
    }
}
