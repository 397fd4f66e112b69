import Foundation

/// The AWS configuration a user already has: environment, shared credentials and config files.
///
/// Credentials: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, else the profile
/// `AWS_PROFILE` (default `default`) of `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`)
/// or of `AWS_CONFIG_FILE` (default `~/.aws/config`). Region: `AWS_REGION`, `AWS_DEFAULT_REGION`,
/// the profile's `region`, else `us-east-1`. Endpoints: `AWS_ENDPOINT_URL_<SERVICE>`, then
/// `AWS_ENDPOINT_URL`, then the profile's `endpoint_url`.
public struct AWSConfiguration: Sendable {
    public var credentials: SigV4.Credentials?
    public var region: String
    public var profile: String
    let environment: [String: String]
    let profileEndpoint: String?

    public init(environment: [String: String]) {
        self.environment = environment
        let home = environment["HOME"] ?? NSHomeDirectory()
        let profile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        self.profile = profile
        let credentialsFile = Self.readINI(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home + "/.aws/credentials")
        let configFile = Self.readINI(environment["AWS_CONFIG_FILE"] ?? home + "/.aws/config")
        let fromCredentials = credentialsFile[profile] ?? [:]
        let fromConfig = configFile[profile == "default" ? "default" : "profile \(profile)"] ?? configFile[profile] ?? [:]
        if let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !id.isEmpty {
            credentials = SigV4.Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"])
        } else if let id = fromCredentials["aws_access_key_id"] ?? fromConfig["aws_access_key_id"],
            let secret = fromCredentials["aws_secret_access_key"] ?? fromConfig["aws_secret_access_key"]
        {
            credentials = SigV4.Credentials(
                accessKeyID: id, secretAccessKey: secret,
                sessionToken: fromCredentials["aws_session_token"] ?? fromConfig["aws_session_token"])
        } else {
            credentials = nil
        }
        region =
            environment["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["AWS_DEFAULT_REGION"].flatMap {
                $0.isEmpty ? nil : $0
            } ?? fromConfig["region"] ?? "us-east-1"
        profileEndpoint = fromConfig["endpoint_url"]
    }

    /// The endpoint for a service, by its service ID (`S3`, `CloudTrail`, `CloudTrail Data`, `SQS`…).
    public func endpoint(for serviceID: String) -> String? {
        let variable = "AWS_ENDPOINT_URL_" + serviceID.uppercased().replacingOccurrences(of: " ", with: "_")
        if let v = environment[variable], !v.isEmpty { return v }
        if let v = environment["AWS_ENDPOINT_URL"], !v.isEmpty { return v }
        return profileEndpoint
    }

    /// Parses an INI file into sections of key/value pairs; a missing file is empty.
    public static func readINI(_ path: String) -> [String: [String: String]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        return parseINI(text)
    }

    public static func parseINI(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let section = current else { continue }
            let kv = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2 { sections[section, default: [:]][kv[0]] = kv[1] }
        }
        return sections
    }
}
