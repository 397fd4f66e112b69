import TrailLakeSQL

/// What the query side needs to know about the event data stores (the catalog of Part C provides it).
public protocol EventDataStoreDirectory: Sendable {
    /// Every store, including those pending deletion.
    func storeEntries() async throws -> [LakeStoreEntry]
}

/// One event data store as the query side sees it.
public struct LakeStoreEntry: Sendable, Hashable {
    /// The UUID suffix of the ARN (lower case); also the name of its file `lake/stores/<id>.sqlite`.
    public var id: String
    /// `arn:aws:cloudtrail:<region>:<account>:eventdatastore/<id>`.
    public var arn: String
    /// The store's Name.
    public var name: String
    /// The kind of events it holds (its schema).
    public var family: LakeStoreFamily
    /// False while the store is PENDING_DELETION (queries on it are refused with InactiveEventDataStoreException).
    public var isActive: Bool
    /// Extra table names (tag `trailkeeper:table-alias`, comma separated), so queries written with AWS's
    /// placeholders (`event_data_store_ID`) run unchanged.
    public var aliases: [String]

    public init(id: String, arn: String, name: String, family: LakeStoreFamily, isActive: Bool, aliases: [String] = []) {
        self.id = id
        self.arn = arn
        self.name = name
        self.family = family
        self.isActive = isActive
        self.aliases = aliases
    }
}
