/// A CloudTrail Lake channel: the entry point `PutAuditEvents` writes through.
public struct Channel: Sendable, Hashable, Codable {
    public var arn: String
    public var name: String
    /// `Custom` for channels fed by PutAuditEvents.
    public var source: String

    public init(arn: String, name: String, source: String = "Custom") {
        self.arn = arn
        self.name = name
        self.source = source
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
