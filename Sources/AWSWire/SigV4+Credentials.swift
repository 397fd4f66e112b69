extension SigV4 {
    /// An AWS access key: its ID, its secret and, for temporary credentials, a session token.
    ///
    /// `description`, `debugDescription` and the reflection `dump` uses show the access key ID only:
    /// the secret and the token never reach a log line or an error message through this type.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        /// The access key ID (`AKIA…`, `ASIA…`); not a secret.
        public var accessKeyID: String
        /// The secret access key.
        public var secretAccessKey: String
        /// The session token of temporary credentials, sent as `X-Amz-Security-Token`.
        public var sessionToken: String?

        /// Credentials from their parts.
        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }

        /// The access key ID, with the secret and token redacted.
        public var description: String {
            "Credentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>"
                + (sessionToken == nil ? ")" : ", sessionToken: <redacted>)")
        }

        /// Same as ``description``: never the secret.
        public var debugDescription: String { description }

        /// A mirror without the secret, so `dump` and default struct printing stay safe.
        public var customMirror: Mirror {
            Mirror(
                self,
                children: [
                    "accessKeyID": accessKeyID, "secretAccessKey": "<redacted>",
                    "sessionToken": sessionToken == nil ? "nil" : "<redacted>",
                ],
                displayStyle: .struct
            )
        }
    }
}
