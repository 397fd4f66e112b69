import AWSWire
import Foundation
// HTTPMethod of AWSClient's API (a dependency of AWSWire).
import NIOHTTP1

/// The CloudTrail (and Organizations) calls validate-logs makes, over AWS JSON 1.1 with SigV4 on
/// AWSWire's retrying client: DescribeTrails, ListPublicKeys, DescribeOrganization.
struct CloudTrailAPI: TrailDirectory, PublicKeySource {
    /// A JSON 1.1 endpoint of one service.
    struct Endpoint: Sendable {
        var url: String
        /// The SigV4 region.
        var region: String
    }

    /// The signed client; nil when no credentials are configured.
    let client: AWSClient?
    let cloudTrail: Endpoint
    let organizations: Endpoint

    // MARK: TrailDirectory

    func trail(arn: String) async throws(ValidateLogsError) -> TrailRecord {
        let answer: JSONValue
        do {
            answer = try await call(cloudTrail, service: "cloudtrail", target: Self.cloudTrailTarget, "DescribeTrails")
        } catch {
            throw error.abort
        }
        guard case .object(let root) = answer, case .array(let trails)? = root["trailList"] else {
            throw ValidateLogsError(message: "A trail could not be found for \(arn)")
        }
        for case .object(let trail) in trails where trail["TrailARN"]?.equals(arn) == true {
            guard let bucket = trail["S3BucketName"]?.string else { throw ValidateLogsError(message: "'S3BucketName'") }
            return TrailRecord(
                bucketName: bucket,
                keyPrefix: trail["S3KeyPrefix"]?.string,
                isOrganizationTrail: trail["IsOrganizationTrail"]?.isTruthy ?? false,
                organizationID: nil
            )
        }
        throw ValidateLogsError(message: "A trail could not be found for \(arn)")
    }

    func organizationID(for trail: TrailRecord) async throws(ValidateLogsError) -> String {
        let answer: JSONValue
        do {
            answer = try await call(
                organizations,
                service: "organizations",
                target: "AWSOrganizationsV20161128.",
                "DescribeOrganization"
            )
        } catch {
            throw error.abort
        }
        guard case .object(let root) = answer, case .object(let organization)? = root["Organization"] else {
            throw ValidateLogsError(message: "'Organization'")
        }
        guard let id = organization["Id"]?.string else { throw ValidateLogsError(message: "'Id'") }
        return id
    }

    // MARK: PublicKeySource

    func publicKeys(
        from start: CLITime,
        to end: CLITime,
        sourceRegion: String
    ) async throws(SourceFailure) -> [PublicKeyEntry] {
        // botocore sends datetimes as whole epoch seconds.
        let body = "{\"StartTime\": \(start.epochSeconds), \"EndTime\": \(end.epochSeconds)}"
        let answer = try await call(
            cloudTrail,
            service: "cloudtrail",
            target: Self.cloudTrailTarget,
            "ListPublicKeys",
            body: body
        )
        guard case .object(let root) = answer, case .array(let list)? = root["PublicKeyList"] else { return [] }
        return list.compactMap { item in
            guard case .object(let key) = item else { return nil }
            return PublicKeyEntry(
                fingerprint: key["Fingerprint"]?.string,
                value: key["Value"]?.string,
                validityStart: key["ValidityStartTime"].flatMap(Self.epochSeconds),
                validityEnd: key["ValidityEndTime"].flatMap(Self.epochSeconds)
            )
        }
    }

    /// Epoch seconds of a JSON timestamp: a number, or an ISO-8601 string.
    static func epochSeconds(_ value: JSONValue) -> Int64? {
        switch value {
        case .int(let digits): return Int64(digits)
        case .float(let d) where d.isFinite: return Int64(d.rounded(.down))
        case .string(let text): return CLITime.parse(text).map { $0.epochSeconds }
        default: return nil
        }
    }

    // MARK: plumbing

    static let cloudTrailTarget = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."

    private func call(
        _ endpoint: Endpoint,
        service: String,
        target: String,
        _ operation: String,
        body: String = "{}"
    ) async throws(SourceFailure) -> JSONValue {
        guard let client else { throw SourceFailure(kind: .noCredentials, operation: operation) }
        let response: AWSClient.Response
        do {
            response = try await client.send(
                method: .POST,
                endpoint: endpoint.url,
                path: "/",
                headers: [("X-Amz-Target", target + operation), ("Content-Type", "application/x-amz-json-1.1")],
                body: Data(body.utf8),
                service: service,
                region: endpoint.region
            )
        } catch let error as AWSError {
            throw SourceFailure(kind: .other(error.message), operation: operation)
        } catch {
            throw SourceFailure(
                kind: .other("Could not connect to the endpoint URL: \"\(endpoint.url)/\""),
                operation: operation
            )
        }
        guard response.isSuccess else {
            throw S3ObjectSource.serviceFailure(response, operation: operation, client: client)
        }
        guard let value = try? PythonJSON.parse(Array(response.body)) else {
            throw SourceFailure(kind: .other("Unable to parse the \(operation) response"), operation: operation)
        }
        return value
    }
}
