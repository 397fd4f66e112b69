/// A CloudTrail Lake channel: the entry point `PutAuditEvents` writes through.
public struct Channel: Sendable, Hashable, Codable {
    /// Where a channel's events go (botocore `Destination`).
    public struct Destination: Sendable, Hashable, Codable {
        /// `EVENT_DATA_STORE` (or `AWS_SERVICE`, which Trailkeeper refuses).
        public var type: String
        /// The store's ARN.
        public var location: String
        public init(type: String = "EVENT_DATA_STORE", location: String) {
            self.type = type
            self.location = location
        }
    }

    public var arn: String
    public var name: String
    /// `Custom` for channels fed by PutAuditEvents.
    public var source: String
    public var destinations: [Destination]
    public var tags: [Tag]
    /// Epoch seconds (0 for the default channel of `identity.json`).
    public var createdAt: Int64

    public init(
        arn: String, name: String, source: String = "Custom", destinations: [Destination] = [], tags: [Tag] = [],
        createdAt: Int64 = 0
    ) {
        self.arn = arn
        self.name = name
        self.source = source
        self.destinations = destinations
        self.tags = tags
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case arn, name, source, destinations, tags, createdAt
    }

    /// Fields added with Lake channels are optional in stored documents.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        arn = try c.decode(String.self, forKey: .arn)
        name = try c.decode(String.self, forKey: .name)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? "Custom"
        destinations = try c.decodeIfPresent([Destination].self, forKey: .destinations) ?? []
        tags = try c.decodeIfPresent([Tag].self, forKey: .tags) ?? []
        createdAt = try c.decodeIfPresent(Int64.self, forKey: .createdAt) ?? 0
    }

    /// The last segment of the ARN (`channel/<id>`).
    public var id: String {
        guard let slash = arn.lastIndex(of: "/") else { return arn }
        return String(arn[arn.index(after: slash)...])
    }

    /// Whether `reference` (an ARN or the bare ID) names this channel.
    public func isNamed(by reference: String) -> Bool {
        reference == arn || reference == id || reference == name
    }
}

/// Who this Trailkeeper instance is in AWS terms.
public struct ServiceIdentity: Sendable, Hashable {
    /// 12-digit account ID.
    public var accountID: String
    /// The home region.
    public var region: String
    public var defaultChannel: Channel

    public init(accountID: String, region: String, defaultChannel: Channel) {
        self.accountID = accountID
        self.region = region
        self.defaultChannel = defaultChannel
    }
}
