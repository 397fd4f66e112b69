import AWSWire
import Foundation
import ObjectStorage

/// `validate-logs`: validates a trail's digest chain and log files with the AWS CLI's algorithm
/// and output (AWS CLI 1.45.11, `awscli/customizations/cloudtrail/validation.py`).
///
/// The chain is walked in the CLI's order while log files are fetched and hashed concurrently
/// (at most ``Configuration/maximumConcurrentFetches`` at a time); results are reported in
/// chain order, so the output is the CLI's line for line. Create one with
/// ``aws(client:configuration:endpoint:cloudTrailEndpoint:region:publicKeysFile:validation:)``
/// (AWS or a Trailkeeper server) or ``dataDirectory(_:store:publicKeysFile:validation:)`` (a local
/// store), then call ``run(_:format:console:)``.
public struct LogValidator: Sendable {
    /// Limits and clock.
    public struct Configuration: Sendable {
        /// How many log files are fetched and hashed at once. Each holds its compressed and
        /// decompressed bytes in memory while it is checked.
        public var maximumConcurrentFetches: Int
        /// The current time, for a missing `--end-time`.
        public var now: @Sendable () -> Date

        /// Limits with defaults: 24 concurrent fetches, the system clock.
        public init(maximumConcurrentFetches: Int = 24, now: @escaping @Sendable () -> Date = { Date() }) {
            self.maximumConcurrentFetches = maximumConcurrentFetches
            self.now = now
        }
    }

    let trails: any TrailDirectory
    let objects: any ObjectSource
    let keys: any PublicKeySource
    /// Limits and clock.
    public let configuration: Configuration

    init(
        trails: any TrailDirectory,
        objects: any ObjectSource,
        keys: any PublicKeySource,
        configuration: Configuration = Configuration()
    ) {
        self.trails = trails
        self.objects = objects
        self.keys = keys
        self.configuration = configuration
    }

    // MARK: factories

    /// A validator that reads through AWS APIs: CloudTrail (DescribeTrails, ListPublicKeys),
    /// Organizations (DescribeOrganization) and S3, or a Trailkeeper server that serves all three.
    ///
    /// - Parameters:
    ///   - client: the signed client; nil when no credentials are configured (each call then fails
    ///     as the CLI's do).
    ///   - configuration: the user's AWS configuration (region and configured endpoints).
    ///   - endpoint: one URL for CloudTrail, Organizations and S3 (path-style), such as a
    ///     Trailkeeper server; overrides every configured endpoint.
    ///   - cloudTrailEndpoint: the CLI's `--endpoint-url`, which applies to CloudTrail only.
    ///   - region: the global `--region`: signing region of CloudTrail and of `GetBucketLocation`,
    ///     and the source region of the request.
    ///   - publicKeysFile: a saved `list-public-keys` answer to use instead of ListPublicKeys.
    /// - Throws: ``ValidateLogsError`` when the public keys file cannot be read.
    public static func aws(
        client: AWSClient?,
        configuration: AWSConfiguration,
        endpoint: String? = nil,
        cloudTrailEndpoint: String? = nil,
        region: String? = nil,
        publicKeysFile: String? = nil,
        validation: Configuration = Configuration()
    ) throws(ValidateLogsError) -> LogValidator {
        let clientRegion = region ?? configuration.region
        let cloudTrail = CloudTrailAPI.Endpoint(
            url: endpoint ?? cloudTrailEndpoint ?? configuration.endpoint(for: "CloudTrail")
                ?? "https://cloudtrail.\(clientRegion).amazonaws.com",
            region: clientRegion
        )
        let organizationsURL = endpoint ?? configuration.endpoint(for: "Organizations")
        let organizations = CloudTrailAPI.Endpoint(
            url: organizationsURL ?? "https://organizations.us-east-1.amazonaws.com",
            region: organizationsURL == nil ? "us-east-1" : clientRegion
        )
        let api = CloudTrailAPI(client: client, cloudTrail: cloudTrail, organizations: organizations)
        var keys: any PublicKeySource = api
        if let publicKeysFile { keys = try PublicKeyFile(contentsOf: publicKeysFile) }
        let objects = S3ObjectSource(
            client: client,
            endpoint: endpoint ?? configuration.endpoint(for: "S3"),
            locationRegion: clientRegion
        )
        return LogValidator(trails: api, objects: objects, keys: keys, configuration: validation)
    }

    /// A validator over a local Trailkeeper store: objects through `store` (the store at `path`),
    /// trails from `path/trails/*.json`, public keys from `path/signing-keys/*.json` (the source
    /// region's keys) or from `publicKeysFile`.
    ///
    /// - Throws: ``ValidateLogsError`` when the public keys file cannot be read.
    public static func dataDirectory(
        _ path: String,
        store: any ObjectStore,
        publicKeysFile: String? = nil,
        validation: Configuration = Configuration()
    ) throws(ValidateLogsError) -> LogValidator {
        let directory = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        if let publicKeysFile {
            return LogValidator(
                trails: TrailFileDirectory(path: directory + "/trails"),
                objects: StoreObjectSource(store: store),
                keys: try PublicKeyFile(contentsOf: publicKeysFile),
                configuration: validation
            )
        }
        return LogValidator(
            trails: TrailFileDirectory(path: directory + "/trails"),
            objects: StoreObjectSource(store: store),
            keys: SigningKeyDirectory(path: directory + "/signing-keys"),
            configuration: validation
        )
    }

    // MARK: run

    /// Validates, writes the report to `console`, and returns the CLI's exit status: 0 when
    /// everything found is valid, 1 when a digest or log file is invalid or missing, 255 when the
    /// run stopped on an error.
    public func run(_ request: ValidateLogsRequest, format: ValidationFormat, console: ValidationConsole) async -> Int32
    {
        switch format {
        case .text:
            var report = TextReport(console: console, isVerbose: request.isVerbose)
            return await run(request, report: &report)
        case .json:
            var report = JSONReport(console: console)
            return await run(request, report: &report)
        }
    }

    func run(_ request: ValidateLogsRequest, report: inout some ValidationReport) async -> Int32 {
        // handle_args
        guard let start = CLITime.parse(request.startTime)?.normalized() else {
            report.abort(ValidateLogsError(message: "Unable to parse date value: \(request.startTime)"), tally: nil)
            return ValidateLogsError.exitStatus
        }
        let end: CLITime
        if let endText = request.endTime {
            guard let parsed = CLITime.parse(endText) else {
                report.abort(ValidateLogsError(message: "Unable to parse date value: \(endText)"), tally: nil)
                return ValidateLogsError.exitStatus
            }
            end = parsed.normalized()
        } else {
            let micros = Int64((configuration.now().timeIntervalSince1970 * 1_000_000).rounded(.down))
            end = CLITime(wallMicroseconds: micros, offsetSeconds: 0)
        }
        guard start.instantMicroseconds <= end.instantMicroseconds else {
            report.abort(
                ValidateLogsError(message: "Invalid time range specified: start-time must occur before end-time"),
                tally: nil
            )
            return ValidateLogsError.exitStatus
        }

        // create_digest_traverser
        let walker: DigestChainWalker
        do throws(ValidateLogsError) {
            walker = try await makeWalker(request, start: start, end: end)
        } catch {
            report.abort(error, tally: nil)
            return ValidateLogsError.exitStatus
        }

        report.begin(trailARN: request.trailARN, start: start, end: end)
        var tally = ValidationTally(start: start, end: end)
        if let error = await walk(walker, tally: &tally, report: &report) {
            report.abort(error, tally: tally)
            return ValidateLogsError.exitStatus
        }
        report.finish(tally)
        return tally.exitStatus
    }

    private func makeWalker(
        _ request: ValidateLogsRequest,
        start: CLITime,
        end: CLITime
    ) async throws(ValidateLogsError) -> DigestChainWalker {
        let arn = request.trailARN
        guard ValidateLogsRequest.isValidTrailARN(arn) else {
            throw ValidateLogsError(message: "Invalid trail ARN provided: \(arn)")
        }
        var bucket = request.s3Bucket
        var prefix = request.s3Prefix
        var organizationID: String?
        if bucket == nil {
            let trail = try await trails.trail(arn: arn)
            bucket = trail.bucketName
            prefix = trail.keyPrefix
            if trail.isOrganizationTrail {
                guard request.accountID?.isEmpty == false else {
                    throw ValidateLogsError(
                        message: "Missing required parameter for organization trail: '--account-id'"
                    )
                }
                organizationID = try await trails.organizationID(for: trail)
            }
        }
        let fields = arn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let homeRegion = fields[3]
        let trailName = arn.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let account = request.accountID.flatMap { $0.isEmpty ? nil : $0 } ?? fields[4]
        let sourceRegion = request.sourceRegion ?? homeRegion
        return DigestChainWalker(
            objects: objects,
            keySource: keys,
            layout: DigestKeyLayout(
                accountID: account,
                trailName: trailName,
                homeRegion: homeRegion,
                sourceRegion: sourceRegion,
                organizationID: organizationID
            ),
            startingBucket: bucket ?? "",
            prefix: prefix,
            start: start,
            end: end
        )
    }
}
