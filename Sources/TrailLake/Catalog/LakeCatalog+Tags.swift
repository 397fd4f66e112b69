import TrailModel
import TrailStore

extension LakeCatalog {
    /// Whether an ARN names an event data store or a channel (the resources whose tags the catalog keeps).
    public static func isLakeResource(_ arn: String) -> Bool {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 6 && parts[2] == "cloudtrail"
            && (parts[5].hasPrefix("eventdatastore/") || parts[5].hasPrefix("channel/"))
    }

    /// ListTags of an event data store or channel.
    public func tags(of arn: String) async throws -> [Tag] {
        try await load()
        if arn.contains(":eventdatastore/") {
            guard let s = stores.values.first(where: { $0.arn == arn }) else {
                throw LakeError(.eventDataStoreNotFound, "Event data store \(arn) was not found.")
            }
            return s.tags
        }
        guard let c = allChannels().first(where: { $0.arn == arn }) else {
            throw LakeError(.channelNotFound, "Channel \(arn) was not found.")
        }
        return c.tags
    }

    /// AddTags (`adding`) or RemoveTags (`removing`) on an event data store or channel.
    ///
    /// Removing matches by key, and by value when the request names one. The reserved tag `trailkeeper:table-alias`
    /// is validated and must not clash with another store's ID or alias.
    public func changeTags(of arn: String, adding: [Tag] = [], removing: [Tag] = []) async throws {
        var tags = try await tags(of: arn)
        for tag in adding {
            if let i = tags.firstIndex(where: { $0.key == tag.key }) { tags[i] = tag } else { tags.append(tag) }
        }
        tags.removeAll { existing in removing.contains { $0.key == existing.key && ($0.value == nil || $0.value == existing.value) } }
        if var s = stores.values.first(where: { $0.arn == arn }) {
            try checkTags(tags, forStore: s.id)
            s.tags = tags
            s.updatedAt = now()
            try await persist(s)
        } else if var c = allChannels().first(where: { $0.arn == arn }) {
            try checkTags(tags, forStore: nil)
            c.tags = tags
            try await persistence.save(c)
            channels[c.arn] = c
        }
    }
}
