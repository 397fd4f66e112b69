import Foundation

/// Public keys from a saved `aws cloudtrail list-public-keys` answer (`--public-keys FILE`), to
/// validate a trail offline. Each request gets the keys whose validity overlaps it, as
/// ListPublicKeys would answer; keys without validity times are always included.
///
/// Accepted: `{"PublicKeyList": [...]}` or a bare list; validity times as epoch seconds (AWS CLI v1)
/// or ISO-8601 strings (AWS CLI v2).
struct PublicKeyFile: PublicKeySource {
    let keys: [PublicKeyEntry]

    /// Reads and parses the file.
    ///
    /// - Throws: ``ValidateLogsError`` when the file cannot be read or is not such a list.
    init(contentsOf path: String) throws(ValidateLogsError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidateLogsError(message: "Unable to read the public keys file \(path)")
        }
        let list: [JSONValue]
        switch try? PythonJSON.parse(Array(data)) {
        case .object(let root)?:
            guard case .array(let items)? = root["PublicKeyList"] else {
                throw ValidateLogsError(message: "The public keys file \(path) has no PublicKeyList")
            }
            list = items
        case .array(let items)?:
            list = items
        default:
            throw ValidateLogsError(message: "The public keys file \(path) is not a list-public-keys JSON answer")
        }
        keys = list.compactMap { item in
            guard case .object(let key) = item else { return nil }
            return PublicKeyEntry(
                fingerprint: key["Fingerprint"]?.string,
                value: key["Value"]?.string,
                validityStart: key["ValidityStartTime"].flatMap(CloudTrailAPI.epochSeconds),
                validityEnd: key["ValidityEndTime"].flatMap(CloudTrailAPI.epochSeconds)
            )
        }
    }

    func publicKeys(
        from start: CLITime,
        to end: CLITime,
        sourceRegion: String
    ) async throws(SourceFailure) -> [PublicKeyEntry] {
        keys.filter { $0.overlaps(start: start.epochSeconds, end: end.epochSeconds) }
    }
}

/// The signing keys of a local Trailkeeper store (`DIR/signing-keys/*.json`, written by the
/// server's key ring) of the source region, answered as the server's ListPublicKeys would. Only
/// the public fields are read; the private key in those files is never decoded or shown.
struct SigningKeyDirectory: PublicKeySource {
    let path: String

    func publicKeys(
        from start: CLITime,
        to end: CLITime,
        sourceRegion: String
    ) async throws(SourceFailure) -> [PublicKeyEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        var keys: [(start: Int64, entry: PublicKeyEntry)] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: path + "/" + name) else {
                throw SourceFailure(kind: .other("Unable to read \(path)/\(name)"), operation: "ListPublicKeys")
            }
            guard case .object(let file)? = try? PythonJSON.parse(Array(data)),
                file["region"]?.equals(sourceRegion) == true
            else { continue }
            let entry = PublicKeyEntry(
                fingerprint: file["fingerprint"]?.string,
                value: file["publicKey"]?.string,
                validityStart: file["validityStartTime"].flatMap(CloudTrailAPI.epochSeconds),
                validityEnd: file["validityEndTime"].flatMap(CloudTrailAPI.epochSeconds)
            )
            if entry.overlaps(start: start.epochSeconds, end: end.epochSeconds) {
                keys.append((entry.validityStart ?? 0, entry))
            }
        }
        return keys.sorted { $0.start < $1.start }.map(\.entry)
    }
}

/// The trails of a local Trailkeeper store: `DIR/trails/<name>.json`, each with DescribeTrails'
/// field names (and Trailkeeper's `OrganizationId` for organization trails).
struct TrailFileDirectory: TrailDirectory {
    let path: String

    func trail(arn: String) async throws(ValidateLogsError) -> TrailRecord {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names.sorted() where name.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: path + "/" + name),
                case .object(let trail)? = try? PythonJSON.parse(Array(data)),
                trail["TrailARN"]?.equals(arn) == true
            else { continue }
            guard let bucket = trail["S3BucketName"]?.string else { throw ValidateLogsError(message: "'S3BucketName'") }
            return TrailRecord(
                bucketName: bucket,
                keyPrefix: trail["S3KeyPrefix"]?.string,
                isOrganizationTrail: trail["IsOrganizationTrail"]?.isTruthy ?? false,
                organizationID: trail["OrganizationId"]?.string
            )
        }
        throw ValidateLogsError(message: "A trail could not be found for \(arn)")
    }

    func organizationID(for trail: TrailRecord) async throws(ValidateLogsError) -> String {
        guard let id = trail.organizationID else {
            throw ValidateLogsError(message: "The trail file of this organization trail has no OrganizationId")
        }
        return id
    }
}
