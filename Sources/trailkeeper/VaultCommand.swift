import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import ObjectStorage

/// `trailkeeper vault`: set up and inspect the forensic vault (versioning, Object Lock, legal
/// holds, termination protection) of a Trailkeeper server's buckets, or of any S3 API.
struct VaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "The forensic vault: versioned buckets under Object Lock, legal holds, protected trails.",
        discussion: """
            Every command speaks S3 (and CloudTrail, for protect-trail) to --endpoint: a Trailkeeper server \
            (default http://127.0.0.1:4600, with AWS_SHARED_CREDENTIALS_FILE=DATA_DIR/credentials) or, with \
            --endpoint aws, the S3 endpoint of the AWS configuration (AWS_ENDPOINT_URL_S3…). The lock is \
            enforced by the store behind the server, so it holds for every path: the S3 API, these commands, \
            trail delivery, backup and lifecycle.
            """,
        subcommands: [
            VaultCreate.self, VaultConfigure.self, VaultVersioning.self, VaultStatus.self, VaultVersions.self, VaultLock.self,
            VaultHold.self, VaultDelete.self, VaultRestore.self, VaultProtectTrail.self,
        ]
    )
}

/// Where the vault commands send their requests.
struct VaultConnectionOptions: ParsableArguments {
    @Option(help: "A Trailkeeper server or S3 API URL, or 'aws' for the AWS configuration's S3 endpoint.")
    var endpoint = "http://127.0.0.1:4600"
    @Option(help: "Region to sign for (default: AWS_REGION / AWS_DEFAULT_REGION / profile / us-east-1).")
    var region: String?

    var configuration: AWSConfiguration {
        var configuration = AWSConfiguration(environment: ProcessInfo.processInfo.environment)
        if let region { configuration.region = region }
        return configuration
    }

    /// Runs `body` with an object store over the endpoint's S3 API.
    @discardableResult
    func withStore<T: Sendable>(_ body: @Sendable (S3ObjectStore, HTTPClient) async throws -> T) async throws -> T {
        let logger = Logger(label: "trailkeeper.vault")
        let configuration = self.configuration
        let endpoint = self.endpoint
        return try await HTTPClient.withHTTPClient { http in
            var client: S3Client
            do {
                client = try S3Client(httpClient: http, configuration: configuration, logger: logger)
            } catch {
                throw ValidationError(
                    "no AWS credentials found: set AWS_SHARED_CREDENTIALS_FILE=DATA_DIR/credentials (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)")
            }
            if endpoint != "aws" {
                guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") else {
                    throw ValidationError("--endpoint must be an http(s) URL or aws")
                }
                client = S3Client(client: client.client, endpoint: endpoint, region: configuration.region)
            }
            do {
                return try await body(S3ObjectStore(client: client), http)
            } catch let error as ObjectStoreError {
                throw VaultFailure(error: error)
            }
        }
    }
}

/// A refusal of the store, shown as S3's code and message (exit status 1).
struct VaultFailure: Error, CustomStringConvertible {
    var error: ObjectStoreError

    var description: String {
        switch error {
        case .accessDenied(let message), .invalidArgument(let message), .invalidBucketState(let message), .storage(let message):
            "\(error.s3Code): \(message)"
        case .noSuchBucket(let bucket): "\(error.s3Code): no bucket \(bucket)"
        case .noSuchKey(let bucket, let key): "\(error.s3Code): no object s3://\(bucket)/\(key)"
        case .noSuchVersion(let bucket, let key, let version): "\(error.s3Code): no version \(version) of s3://\(bucket)/\(key)"
        case .objectLockNotEnabled(let bucket): "\(error.s3Code): bucket \(bucket) has no Object Lock"
        default: "\(error.s3Code): \(error)"
        }
    }
}

/// `s3://bucket/key`, as the vault commands name objects and prefixes.
struct S3ObjectURL: ExpressibleByArgument {
    var bucket: String
    var key: String

    init?(argument: String) {
        guard argument.hasPrefix("s3://") else { return nil }
        let rest = argument.dropFirst(5)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { return nil }
        self.bucket = String(bucket)
        key = String(rest.dropFirst(bucket.count + 1))
    }
}

/// Dates and durations on the command line.
enum VaultText {
    /// `2030-01-01`, `2030-01-01T12:00:00Z` or `…T12:00:00.000Z`.
    static func date(_ text: String) throws -> Date {
        if let date = UTCTime.parseISO8601(text) ?? UTCTime.parseISO8601(text + "T00:00:00Z") { return date }
        throw ValidationError("\(text) is not a date: use 2030-01-01 or 2030-01-01T00:00:00Z")
    }

    static func time(_ date: Date?) -> String {
        date.map { String(UTCTime.iso8601($0).prefix(19)) + "Z" } ?? "-"
    }

    /// `compliance` or `governance`.
    static func mode(_ text: String) throws -> ObjectLockMode {
        guard let mode = ObjectLockMode(rawValue: text.uppercased()) else {
            throw ValidationError("--mode must be compliance or governance")
        }
        return mode
    }

    /// A retention from `--until DATE` or `--days N`.
    static func retention(mode: ObjectLockMode, until: String?, days: Int?) throws -> ObjectRetention {
        switch (until, days) {
        case (let until?, nil): return ObjectRetention(mode: mode, retainUntil: try date(until))
        case (nil, let days?):
            guard days >= 1 else { throw ValidationError("--days must be at least 1") }
            return ObjectRetention(mode: mode, retainUntil: Date().addingTimeInterval(Double(days) * 86_400))
        default: throw ValidationError("give --until DATE or --days N")
        }
    }

    /// A default retention from `--days N` or `--years N`.
    static func defaultRetention(mode text: String?, days: Int?, years: Int?) throws -> DefaultRetention? {
        let mode = try text.map(Self.mode)
        switch (mode, days, years) {
        case (nil, nil, nil): return nil
        case (let mode?, let days?, nil) where days >= 1: return DefaultRetention(mode: mode, period: .days(days))
        case (let mode?, nil, let years?) where years >= 1: return DefaultRetention(mode: mode, period: .years(years))
        default: throw ValidationError("a default retention takes --mode and one of --days N or --years N (N ≥ 1)")
        }
    }

    /// Prints `value` as sorted, indented JSON.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
