import TrailLake
import TrailModel

/// CreateChannel, GetChannel, ListChannels, UpdateChannel and DeleteChannel (plan §3.2).
///
/// Without Lake services (``TrailAPIContext/lake`` nil) only the default channel exists: List and Get show it,
/// the other operations are not registered.
struct ChannelOperations: Sendable {
    let api: TrailAPIContext

    func register(in table: inout CloudTrailOperations) {
        let ops = self
        table.register("ListChannels", LakeErrorMapping.handler { try await ops.list($0) })
        table.register("GetChannel", LakeErrorMapping.handler { try await ops.get($0) })
        guard let catalog = api.lake?.catalog else { return }
        table.register("CreateChannel", LakeErrorMapping.handler { try await Self.create($0, catalog) })
        table.register("UpdateChannel", LakeErrorMapping.handler { try await Self.update($0, catalog) })
        table.register("DeleteChannel", LakeErrorMapping.handler { i in
            try await catalog.deleteChannel(try LakeShapes.required(i, "Channel", .channelARNInvalid))
            return LakeShapes.empty
        })
    }

    func list(_ input: JSONInput) async throws -> JSONOut {
        let page: LakePage<Channel>
        if let catalog = api.lake?.catalog {
            page = try await catalog.listChannels(maxResults: try input.integer("MaxResults"), nextToken: try input.string("NextToken"))
        } else {
            if let max = try input.integer("MaxResults"), !(1...1000).contains(max) {
                throw LakeError(.invalidMaxResults, "MaxResults must be between 1 and 1000.")
            }
            if let token = try input.string("NextToken"), !token.isEmpty {
                throw LakeError(.invalidNextToken, "The NextToken is not valid.")
            }
            page = LakePage(items: [api.identity.defaultChannel], nextToken: nil)
        }
        var out = JSONOut()
        out.beginObject()
        out.beginArray("Channels")
        for c in page.items {
            out.beginObject()
            out.string("ChannelArn", c.arn)
            out.string("Name", c.name)
            out.endObject()
        }
        out.endArray()
        out.string("NextToken", page.nextToken)
        out.endObject()
        return out
    }

    func get(_ input: JSONInput) async throws -> JSONOut {
        let reference = try LakeShapes.required(input, "Channel", .channelARNInvalid)
        let channel: Channel
        var status = ChannelIngestionStatus()
        if let catalog = api.lake?.catalog {
            let details = try await catalog.channelDetails(reference)
            channel = details.0
            status = details.1
        } else {
            if reference.hasPrefix("arn:") && !reference.contains(":channel/") {
                throw LakeError(.channelARNInvalid, "\(reference) is not a channel ARN.")
            }
            guard api.identity.defaultChannel.isNamed(by: reference) else {
                throw LakeError(.channelNotFound, "Channel \(reference) was not found.")
            }
            channel = api.identity.defaultChannel
        }
        var out = JSONOut()
        out.beginObject()
        out.string("ChannelArn", channel.arn)
        out.string("Name", channel.name)
        out.string("Source", channel.source)
        out.beginObject("SourceConfig")
        out.bool("ApplyToAllRegions", false)
        LakeShapes.advancedSelectors(
            [AdvancedEventSelector(fieldSelectors: [AdvancedFieldSelector(field: "eventCategory", conditions: [.equals: ["ActivityAuditLog"]])])],
            into: &out)
        out.endObject()
        LakeShapes.destinations(channel.destinations, into: &out)
        out.beginObject("IngestionStatus")
        out.number("LatestIngestionSuccessTime", status.latestIngestionSuccessTime)
        out.string("LatestIngestionSuccessEventID", status.latestIngestionSuccessEventID)
        out.string("LatestIngestionErrorCode", status.latestIngestionErrorCode)
        out.number("LatestIngestionAttemptTime", status.latestIngestionAttemptTime)
        out.string("LatestIngestionAttemptEventID", status.latestIngestionAttemptEventID)
        out.endObject()
        out.endObject()
        return out
    }

    static func create(_ input: JSONInput, _ catalog: LakeCatalog) async throws -> JSONOut {
        guard let source = try input.string("Source") else {
            throw LakeError(.invalidSource, "Source is required.")
        }
        let c = try await catalog.createChannel(
            name: try LakeShapes.required(input, "Name"), source: source,
            destinations: try destinations(input) ?? [], tags: try LakeShapes.tags(input, "Tags"))
        var out = JSONOut()
        out.beginObject()
        out.string("ChannelArn", c.arn)
        out.string("Name", c.name)
        out.string("Source", c.source)
        LakeShapes.destinations(c.destinations, into: &out)
        LakeShapes.tags("Tags", c.tags, into: &out)
        out.endObject()
        return out
    }

    static func update(_ input: JSONInput, _ catalog: LakeCatalog) async throws -> JSONOut {
        let c = try await catalog.updateChannel(
            try LakeShapes.required(input, "Channel", .channelARNInvalid), name: try input.string("Name"),
            destinations: try destinations(input))
        var out = JSONOut()
        out.beginObject()
        out.string("ChannelArn", c.arn)
        out.string("Name", c.name)
        out.string("Source", c.source)
        LakeShapes.destinations(c.destinations, into: &out)
        out.endObject()
        return out
    }

    static func destinations(_ input: JSONInput) throws -> [Channel.Destination]? {
        guard let list = try input.objects("Destinations") else { return nil }
        return try list.map { d in
            guard let type = try d.string("Type"), let location = try d.string("Location") else {
                throw LakeError(.invalidParameter, "Each destination needs a Type and a Location.")
            }
            return Channel.Destination(type: type, location: location)
        }
    }
}
