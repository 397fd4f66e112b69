import Foundation
import TrailModel
import TrailStore

/// The latest PutAuditEvents activity of a channel (botocore `IngestionStatus`); kept in memory.
public struct ChannelIngestionStatus: Sendable, Hashable {
    /// Epoch seconds.
    public var latestIngestionSuccessTime: Int64?
    public var latestIngestionSuccessEventID: String?
    public var latestIngestionErrorCode: String?
    /// Epoch seconds.
    public var latestIngestionAttemptTime: Int64?
    public var latestIngestionAttemptEventID: String?
    public init() {}
}

extension LakeCatalog {
    /// The default channel (with its saved destinations, if any) and the created ones, oldest first.
    func allChannels() -> [Channel] {
        let first = channels[defaultChannel.arn] ?? defaultChannel
        return [first] + channels.values.filter { $0.arn != defaultChannel.arn }.sorted { ($0.createdAt, $0.arn) < ($1.createdAt, $1.arn) }
    }

    /// The channel an ARN, ID or name refers to.
    /// - Throws: `ChannelARNInvalidException` for an ARN of another kind, `ChannelNotFoundException`.
    func channel(_ reference: String) throws(LakeError) -> Channel {
        guard !reference.isEmpty else { throw LakeError(.channelARNInvalid, "Channel is required.") }
        if reference.hasPrefix("arn:") && !reference.contains(":channel/") {
            throw LakeError(.channelARNInvalid, "\(reference) is not a channel ARN.")
        }
        guard let c = allChannels().first(where: { $0.isNamed(by: reference) }) else {
            throw LakeError(.channelNotFound, "Channel \(reference) was not found.")
        }
        return c
    }

    /// GetChannel: the channel and its latest ingestion.
    public func channelDetails(_ reference: String) async throws -> (Channel, ChannelIngestionStatus) {
        try await load()
        let c = try channel(reference)
        return (c, ingestion[c.arn] ?? ChannelIngestionStatus())
    }

    /// ListChannels.
    public func listChannels(maxResults: Int?, nextToken: String?) async throws -> LakePage<Channel> {
        try await load()
        let limit = try Self.checkMaxResults(maxResults)
        let all = allChannels()
        let start = try Self.pageIndex(nextToken, kind: "channel", count: all.count)
        let end = Swift.min(all.count, start + limit)
        return LakePage(items: Array(all[start..<end]), nextToken: end < all.count ? Self.pageToken(end, kind: "channel") : nil)
    }

    /// CreateChannel.
    public func createChannel(name: String, source: String, destinations: [Channel.Destination], tags: [Tag]) async throws -> Channel {
        try await load()
        try Self.checkChannelName(name)
        guard !allChannels().contains(where: { $0.name == name }) else {
            throw LakeError(.channelAlreadyExists, "A channel named \(name) already exists.")
        }
        guard allChannels().count - 1 < configuration.maxChannels else {
            throw LakeError(.channelMaxLimitExceeded, "The account already has \(configuration.maxChannels) channels.")
        }
        let trimmed = source.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 256, trimmed.caseInsensitiveCompare("CloudTrail") != .orderedSame else {
            throw LakeError(.invalidSource, "Source must be Custom or the name of a CloudTrail Lake integration partner.")
        }
        let resolved = try checkedDestinations(destinations)
        try checkTags(tags, forStore: nil)
        let id = UUID().uuidString.lowercased()
        let c = Channel(
            arn: "arn:aws:cloudtrail:\(configuration.region):\(configuration.accountID):channel/\(id)", name: name,
            source: trimmed, destinations: resolved, tags: tags, createdAt: now())
        try await persistence.save(c)
        channels[c.arn] = c
        return c
    }

    /// UpdateChannel: a new name and/or destinations.
    public func updateChannel(_ reference: String, name: String?, destinations: [Channel.Destination]?) async throws -> Channel {
        try await load()
        var c = try channel(reference)
        if let name, name != c.name {
            try Self.checkChannelName(name)
            guard !allChannels().contains(where: { $0.name == name }) else {
                throw LakeError(.channelAlreadyExists, "A channel named \(name) already exists.")
            }
            c.name = name
        }
        if let destinations { c.destinations = try checkedDestinations(destinations) }
        try await persistence.save(c)
        channels[c.arn] = c
        return c
    }

    /// DeleteChannel; the default channel cannot be deleted.
    public func deleteChannel(_ reference: String) async throws {
        try await load()
        let c = try channel(reference)
        guard c.arn != defaultChannel.arn else {
            throw LakeError(.operationNotPermitted, "The default channel of this Trailkeeper instance cannot be deleted.")
        }
        try await persistence.removeChannel(arn: c.arn)
        channels[c.arn] = nil
        ingestion[c.arn] = nil
    }

    /// The channel PutAuditEvents writes through.
    public func channelForIngest(_ reference: String) async throws -> Channel {
        try await load()
        return try channel(reference)
    }

    /// Records a PutAuditEvents call on a channel (GetChannel's IngestionStatus).
    public func recordIngestion(channelARN: String, eventID: String?, errorCode: String?) {
        var s = ingestion[channelARN] ?? ChannelIngestionStatus()
        let time = now()
        s.latestIngestionAttemptTime = time
        s.latestIngestionAttemptEventID = eventID
        if let errorCode {
            s.latestIngestionErrorCode = errorCode
        } else {
            s.latestIngestionSuccessTime = time
            s.latestIngestionSuccessEventID = eventID
        }
        ingestion[channelARN] = s
    }

    static func checkChannelName(_ name: String) throws(LakeError) {
        guard EventDataStore.isValidName(name) else {
            throw LakeError(.invalidParameter, "Channel names must be 3 to 128 characters of [a-zA-Z0-9._-].")
        }
    }

    /// Destinations must be ActivityAuditLog stores not pending deletion; the location is saved as the store's ARN.
    func checkedDestinations(_ destinations: [Channel.Destination]) throws(LakeError) -> [Channel.Destination] {
        guard (1...200).contains(destinations.count) else {
            throw LakeError(.invalidParameter, "A channel needs between 1 and 200 destinations.")
        }
        var result: [Channel.Destination] = []
        for d in destinations {
            guard d.type == "EVENT_DATA_STORE" else {
                throw LakeError(
                    .invalidParameter, "Destination type \(d.type) is not supported; use EVENT_DATA_STORE.")
            }
            let s = try store(d.location)
            guard s.status != .pendingDeletion else {
                throw LakeError(.inactiveEventDataStore, "Event data store \(s.id) is pending deletion.")
            }
            guard s.category == .activityAuditLog else {
                throw LakeError(
                    .invalidEventDataStoreCategory,
                    "Event data store \(s.id) does not hold ActivityAuditLog events; a channel needs such a destination.")
            }
            if !result.contains(where: { $0.location == s.arn }) { result.append(Channel.Destination(location: s.arn)) }
        }
        return result
    }
}
