import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ObjectStorage
import Synchronization
import TrailIntegrity

/// `trailkeeper validate-logs`: `aws cloudtrail validate-logs` with the same arguments, output and
/// exit status, faster, and also for a local store or offline with saved public keys.
struct ValidateLogs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-logs",
        abstract: "Validate a trail's digest and log files, exactly as `aws cloudtrail validate-logs` does.",
        discussion: """
            Output lines, summary and exit status (0 valid, 1 invalid or missing files, 255 error) are \
            the AWS CLI's. Reads through AWS (the usual credentials, region and AWS_ENDPOINT_URL* \
            settings), a Trailkeeper server (--endpoint: CloudTrail and S3 API), or a local store \
            (--data-dir). --public-keys uses a saved `aws cloudtrail list-public-keys` answer instead \
            of ListPublicKeys, to validate a real AWS trail offline.
            """
    )

    @Option(name: .customLong("trail-arn"), help: "The ARN of the trail to validate.")
    var trailARN: String
    @Option(
        name: .customLong("start-time"),
        help: "Validate files delivered on or after this UTC time (2015-01-08T05:21:42Z)."
    )
    var startTime: String
    @Option(name: .customLong("end-time"), help: "Validate files delivered on or before this UTC time (default: now).")
    var endTime: String?
    @Option(
        name: .customLong("s3-bucket"),
        help: "The bucket of the digests (default: the trail's, from DescribeTrails)."
    )
    var s3Bucket: String?
    @Option(name: .customLong("s3-prefix"), help: "The key prefix of the digests (used with --s3-bucket).")
    var s3Prefix: String?
    @Option(name: .customLong("account-id"), help: "The member account to validate (required for organization trails).")
    var accountID: String?
    @Flag(help: "Also print valid files.")
    var verbose = false
    @Option(help: "The source region whose digests are validated (default: the trail's home region).")
    var region: String?
    @Option(
        help: "A Trailkeeper server (e.g. http://127.0.0.1:4600) for CloudTrail, Organizations and S3 (path-style)."
    )
    var endpoint: String?
    @Option(name: .customLong("endpoint-url"), help: "A CloudTrail endpoint only, as the AWS CLI's --endpoint-url.")
    var endpointURL: String?
    @Option(name: .customLong("data-dir"), help: "Read a local Trailkeeper store directly instead of an API.")
    var dataDirectory: String?
    @Option(
        name: .customLong("public-keys"),
        help: "A saved `aws cloudtrail list-public-keys` JSON answer to use instead of ListPublicKeys."
    )
    var publicKeysFile: String?
    @Flag(help: "Print every result and the summary as one JSON document (exit status unchanged).")
    var json = false
    @Option(help: "Log files fetched and hashed at once.")
    var concurrency = 24

    func validate() throws {
        if dataDirectory != nil, endpoint != nil || endpointURL != nil {
            throw ValidationError("--data-dir reads a store directly: it takes no --endpoint or --endpoint-url")
        }
        if endpoint != nil, endpointURL != nil {
            throw ValidationError("--endpoint already sets the CloudTrail endpoint: drop --endpoint-url")
        }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1-256") }
    }

    func run() async throws {
        let console = ProcessConsole()
        defer { console.flush() }
        let request = ValidateLogsRequest(
            trailARN: trailARN,
            startTime: startTime,
            endTime: endTime,
            s3Bucket: s3Bucket,
            s3Prefix: s3Prefix,
            accountID: accountID,
            sourceRegion: region,
            isVerbose: verbose
        )
        let validation = LogValidator.Configuration(maximumConcurrentFetches: concurrency)
        let format: ValidationFormat = json ? .json : .text
        let status: Int32
        do {
            if let dataDirectory {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: dataDirectory + "/objects", isDirectory: &isDirectory),
                    isDirectory.boolValue
                else {
                    throw ValidationError("\(dataDirectory) is not a Trailkeeper data directory (no objects/ in it)")
                }
                let store = try FileObjectStore(root: dataDirectory)
                let validator = try LogValidator.dataDirectory(
                    dataDirectory,
                    store: store,
                    publicKeysFile: publicKeysFile,
                    validation: validation
                )
                status = await validator.run(request, format: format, console: console.console)
            } else {
                var http = HTTPClient.Configuration()
                http.connectionPool = .init(
                    idleTimeout: .seconds(60),
                    concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency + 2
                )
                let aws = AWSConfiguration(environment: ProcessInfo.processInfo.environment)
                var logger = Logger(label: "trailkeeper.validate-logs")
                logger.logLevel = .critical  // standard error carries the CLI's lines only
                status = try await HTTPClient.withHTTPClient(configuration: http) { httpClient in
                    let client = aws.credentials.map {
                        AWSClient(
                            httpClient: httpClient,
                            credentials: $0,
                            // botocore's legacy retry mode (the AWS CLI v1 default) makes five attempts.
                            configuration: AWSClient.Configuration(
                                retry: AWSClient.RetryPolicy(maximumAttempts: 5),
                                maximumResponseBytes: 1 << 30
                            ),
                            logger: logger
                        )
                    }
                    let validator = try LogValidator.aws(
                        client: client,
                        configuration: aws,
                        endpoint: endpoint,
                        cloudTrailEndpoint: endpointURL,
                        region: region,
                        publicKeysFile: publicKeysFile,
                        validation: validation
                    )
                    return await validator.run(request, format: format, console: console.console)
                }
            }
        } catch let error as ValidateLogsError {
            console.console.standardError(error.standardErrorText)
            throw ExitCode(ValidateLogsError.exitStatus)
        } catch let error as ValidationError {
            throw error
        } catch {
            console.console.standardError(ValidateLogsError(message: "\(error)").standardErrorText)
            throw ExitCode(ValidateLogsError.exitStatus)
        }
        if status != 0 {
            console.flush()
            throw ExitCode(status)
        }
    }
}

/// Standard output buffered (flushed before anything goes to standard error, and at the end),
/// standard error written at once: the order a terminal shows is the order of the lines.
private final class ProcessConsole: Sendable {
    private let pending = Mutex(Data())

    var console: ValidationConsole {
        ValidationConsole(
            standardOutput: { [self] text in
                let full = pending.withLock { buffer -> Data? in
                    buffer.append(contentsOf: text.utf8)
                    guard buffer.count >= 64 * 1024 else { return nil }
                    defer { buffer.removeAll(keepingCapacity: true) }
                    return buffer
                }
                if let full { FileHandle.standardOutput.write(full) }
            },
            standardError: { [self] text in
                flush()
                FileHandle.standardError.write(Data(text.utf8))
            }
        )
    }

    func flush() {
        let data = pending.withLock { buffer in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if !data.isEmpty { FileHandle.standardOutput.write(data) }
    }
}
