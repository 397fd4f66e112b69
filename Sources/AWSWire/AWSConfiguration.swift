import Foundation

/// The AWS configuration a user already has, resolved as the AWS CLI resolves it.
///
/// - Credentials: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`); else the
///   profile `AWS_PROFILE` (then `AWS_DEFAULT_PROFILE`, then `default`) of the shared credentials file
///   (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`, sections `[NAME]`), then of the config
///   file (`AWS_CONFIG_FILE`, default `~/.aws/config`, sections `[profile NAME]` and `[default]`).
///   Only static keys are read: no SSO, `credential_process`, assumed roles or instance metadata.
/// - Region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else `us-east-1`.
/// - Endpoints (``endpoint(for:)``): `AWS_ENDPOINT_URL_<SERVICE>`, the profile's `services` section,
///   `AWS_ENDPOINT_URL`, then the profile's `endpoint_url`; none when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`
///   or the profile's `ignore_configured_endpoint_urls` is `true`.
///
/// Nothing secret appears in `description` or `debugDescription`.
public struct AWSConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The credentials found, or nil.
    public var credentials: SigV4.Credentials?
    /// The region.
    public var region: String
    /// The profile name in use.
    public var profile: String
    /// The `AWS_ENDPOINT_URL*` environment variables (no other part of the environment is kept).
    let endpointVariables: [String: String]
    /// The profile's `endpoint_url`.
    let profileEndpoint: String?
    /// The profile's `[services …]` section: `<service_id>.endpoint_url` keys.
    let serviceEndpoints: [String: String]
    let ignoresConfiguredEndpoints: Bool

    /// Resolves the configuration from an environment (the process's by default) and the files it names.
    ///
    /// Missing or unreadable files count as empty.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func variable(_ name: String) -> String? {
            environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        let profile = variable("AWS_PROFILE") ?? variable("AWS_DEFAULT_PROFILE") ?? "default"
        self.profile = profile
        let credentialsFile =
            AWSConfigFile(
                contentsOfFile: variable("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials",
                environment: environment
            ) ?? AWSConfigFile()
        let configFile =
            AWSConfigFile(contentsOfFile: variable("AWS_CONFIG_FILE") ?? "~/.aws/config", environment: environment)
            ?? AWSConfigFile()
        let fromCredentials = credentialsFile[profile] ?? [:]
        let fromConfig = configFile.configProfile(profile) ?? [:]

        if let id = variable("AWS_ACCESS_KEY_ID"), let secret = variable("AWS_SECRET_ACCESS_KEY") {
            credentials = SigV4.Credentials(
                accessKeyID: id,
                secretAccessKey: secret,
                sessionToken: variable("AWS_SESSION_TOKEN")
            )
        } else {
            credentials = Self.credentials(in: fromCredentials) ?? Self.credentials(in: fromConfig)
        }
        region = variable("AWS_REGION") ?? variable("AWS_DEFAULT_REGION") ?? fromConfig["region"] ?? "us-east-1"

        endpointVariables = environment.filter { $0.key.hasPrefix("AWS_ENDPOINT_URL") && !$0.value.isEmpty }
        profileEndpoint = fromConfig["endpoint_url"].flatMap { $0.isEmpty ? nil : $0 }
        serviceEndpoints = fromConfig["services"].flatMap { configFile.servicesSection($0) } ?? [:]
        ignoresConfiguredEndpoints =
            (variable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") ?? fromConfig["ignore_configured_endpoint_urls"])?
            .lowercased() == "true"
    }

    /// The endpoint URL configured for a service, by its service ID (`S3`, `CloudTrail`,
    /// `CloudTrail Data`, `SQS`…), or nil to use AWS's own endpoint.
    ///
    /// The environment variable is `AWS_ENDPOINT_URL_` + the ID upper-cased with spaces as `_`
    /// (`AWS_ENDPOINT_URL_CLOUDTRAIL_DATA`); the services section key is the ID lower-cased with
    /// spaces as `_` (`cloudtrail_data`).
    public func endpoint(for serviceID: String) -> String? {
        guard !ignoresConfiguredEndpoints else { return nil }
        let snake = serviceID.replacingOccurrences(of: " ", with: "_")
        return endpointVariables["AWS_ENDPOINT_URL_" + snake.uppercased()]
            ?? serviceEndpoints[snake.lowercased() + ".endpoint_url"]
            ?? endpointVariables["AWS_ENDPOINT_URL"]
            ?? profileEndpoint
    }

    /// Profile, region, access key ID and whether credentials were found; never a secret.
    public var description: String {
        "AWSConfiguration(profile: \(profile), region: \(region), credentials: "
            + (credentials.map { $0.description } ?? "none") + ")"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    static func credentials(in section: [String: String]) -> SigV4.Credentials? {
        guard let id = section["aws_access_key_id"], !id.isEmpty, let secret = section["aws_secret_access_key"],
            !secret.isEmpty
        else { return nil }
        let token = section["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 }
        return SigV4.Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
    }
}
