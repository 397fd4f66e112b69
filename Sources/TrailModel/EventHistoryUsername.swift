/// Derives event history's `Username` from a record's `userIdentity`.
///
/// CloudTrail does not document the derivation; this follows what its console shows: the IAM
/// user name, the session name of an assumed role or federated user, `root` for the root user,
/// and the issuing role or user otherwise.
public enum EventHistoryUsername {
    /// The `userIdentity` fields the derivation reads.
    public struct Identity: Sendable {
        public var type: String?
        public var userName: String?
        public var arn: String?
        public var principalID: String?
        public var issuerUserName: String?

        public init(
            type: String?, userName: String?, arn: String?, principalID: String?, issuerUserName: String?
        ) {
            self.type = type
            self.userName = userName
            self.arn = arn
            self.principalID = principalID
            self.issuerUserName = issuerUserName
        }
    }

    public static func derive(_ identity: Identity) -> String? {
        if let name = identity.userName, !name.isEmpty { return name }
        switch identity.type {
        case "AssumedRole", "FederatedUser":
            if let arn = identity.arn, let slash = arn.lastIndex(of: "/") {
                let session = arn[arn.index(after: slash)...]
                if !session.isEmpty { return String(session) }
            }
            if let principal = identity.principalID, let colon = principal.lastIndex(of: ":") {
                return String(principal[principal.index(after: colon)...])
            }
        case "Root":
            return "root"
        default:
            break
        }
        if let issuer = identity.issuerUserName, !issuer.isEmpty { return issuer }
        return nil
    }
}
