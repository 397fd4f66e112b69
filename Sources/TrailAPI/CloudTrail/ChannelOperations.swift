import TrailModel

/// `ListChannels` and `GetChannel` for the channels PutAuditEvents writes through.
struct ChannelOperations: Sendable {
    let api: TrailAPIContext

    var channels: [Channel] { [api.identity.defaultChannel] }

    func list(_ input: JSONInput, _ invocation: CloudTrailOperations.Invocation) async throws -> JSONOut {
        if let max = try input.integer("MaxResults"), !(1...1000).contains(max) {
            throw APIError(style: .awsJSON, type: "InvalidParameterException", message: "MaxResults must be between 1 and 1000")
        }
        if let token = try input.string("NextToken"), !token.isEmpty {
            throw APIError(style: .awsJSON, type: "InvalidNextTokenException", message: "The NextToken is invalid")
        }
        var out = JSONOut()
        out.beginObject()
        out.beginArray("Channels")
        for c in channels {
            out.beginObject()
            out.string("ChannelArn", c.arn)
            out.string("Name", c.name)
            out.endObject()
        }
        out.endArray()
        out.endObject()
        return out
    }

    func get(_ input: JSONInput, _ invocation: CloudTrailOperations.Invocation) async throws -> JSONOut {
        guard let reference = try input.string("Channel"), !reference.isEmpty else {
            throw APIError(style: .awsJSON, type: "ChannelARNInvalidException", message: "Channel is required")
        }
        if reference.hasPrefix("arn:") && !reference.contains(":channel/") {
            throw APIError(style: .awsJSON, type: "ChannelARNInvalidException", message: "\(reference) is not a channel ARN")
        }
        guard let c = channels.first(where: { $0.isNamed(by: reference) }) else {
            throw APIError(style: .awsJSON, type: "ChannelNotFoundException", message: "Channel \(reference) not found")
        }
        var out = JSONOut()
        out.beginObject()
        out.string("ChannelArn", c.arn)
        out.string("Name", c.name)
        out.string("Source", c.source)
        out.beginObject("SourceConfig")
        out.bool("ApplyToAllRegions", false)
        out.beginArray("AdvancedEventSelectors")
        out.endArray()
        out.endObject()
        out.beginArray("Destinations")
        out.endArray()
        out.beginObject("IngestionStatus")
        out.endObject()
        out.endObject()
        return out
    }
}
