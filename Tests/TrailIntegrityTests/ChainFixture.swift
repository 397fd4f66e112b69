import Crypto
import Foundation
import ObjectStorage
import Synchronization
import TrailModel
import _CryptoExtras

@testable import TrailIntegrity

/// An RSA-2048 signing key as CloudTrail publishes it.
struct TestSigningKey: Sendable {
    let privateKey: _RSA.Signing.PrivateKey
    let der: Data
    let fingerprint: String
    var validityStart: Int64 = 1_704_067_200  // 2024-01-01
    var validityEnd: Int64 = 1_735_689_600  // 2025-01-01

    init() throws {
        privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        der = privateKey.publicKey.pkcs1DERRepresentation
        fingerprint = Hex.encode(Insecure.MD5.hash(data: der))
    }

    func sign(_ text: String) throws -> String {
        Hex.encode(
            try privateKey.signature(for: SHA256.hash(data: Data(text.utf8)), padding: .insecurePKCS1v1_5)
                .rawRepresentation
        )
    }

    var entry: PublicKeyEntry {
        PublicKeyEntry(
            fingerprint: fingerprint,
            value: der.base64EncodedString(),
            validityStart: validityStart,
            validityEnd: validityEnd
        )
    }
}

/// Keys shared by the suites (RSA key generation takes a moment).
enum TestKeys {
    static let published = try! TestSigningKey()
    static let rogue = try! TestSigningKey()
}

/// Trails answered from memory.
struct StaticTrails: TrailDirectory {
    var trails: [String: TrailRecord]
    var organization: String?

    func trail(arn: String) async throws(ValidateLogsError) -> TrailRecord {
        guard let trail = trails[arn] else { throw ValidateLogsError(message: "A trail could not be found for \(arn)") }
        return trail
    }

    func organizationID(for trail: TrailRecord) async throws(ValidateLogsError) -> String {
        guard let organization else { throw ValidateLogsError(message: "not in an organization") }
        return organization
    }
}

/// ListPublicKeys answered from memory, with its overlap rule; records each request.
final class StaticKeys: PublicKeySource {
    let keys: [PublicKeyEntry]
    let requests = Mutex<[(Int64, Int64)]>([])

    init(_ keys: [PublicKeyEntry]) { self.keys = keys }

    func publicKeys(
        from start: CLITime,
        to end: CLITime,
        sourceRegion: String
    ) async throws(SourceFailure)
        -> [PublicKeyEntry]
    {
        requests.withLock { $0.append((start.epochSeconds, end.epochSeconds)) }
        return keys.filter { $0.overlaps(start: start.epochSeconds, end: end.epochSeconds) }
    }
}

/// Collects a run's standard output and error.
final class CapturedConsole: Sendable {
    private let out = Mutex("")
    private let err = Mutex("")

    var console: ValidationConsole {
        ValidationConsole(
            standardOutput: { [self] text in out.withLock { $0 += text } },
            standardError: { [self] text in err.withLock { $0 += text } }
        )
    }

    var standardOutput: String { out.withLock { $0 } }
    var standardError: String { err.withLock { $0 } }
}

/// The result of one run.
struct RunResult: Equatable, CustomStringConvertible {
    var status: Int32
    var standardOutput: String
    var standardError: String

    var description: String { "status \(status)\n--- stdout\n\(standardOutput)--- stderr\n\(standardError)" }
}

/// A trail's digest chain in a memory store, built as spec §3 prescribes, and runs of the validator over it.
struct ChainFixture {
    let store = MemoryObjectStore()
    let bucket: String
    let account: String
    let region = "us-east-1"
    let trailName = "audit"
    let layout: TrailKeyLayout
    let signer: TestSigningKey

    /// 2024-05-01T00:00:00Z.
    static let may1: Int64 = 1_714_521_600
    /// 2024-05-01T01:02:15Z, the end of the first digest of ``chain(hours:logsPerHour:firstEnd:previous:)``.
    static let firstEnd: Int64 = may1 + 3735

    var trailARN: String { "arn:aws:cloudtrail:\(region):\(account):trail/\(trailName)" }

    init(
        bucket: String = "audit-logs",
        account: String = "111122223333",
        prefix: String? = nil,
        organizationID: String? = nil,
        signer: TestSigningKey = TestKeys.published
    ) async throws {
        self.bucket = bucket
        self.account = account
        self.layout = TrailKeyLayout(prefix: prefix, organizationID: organizationID)
        self.signer = signer
        try await store.createBucket(bucket, region: region)
    }

    func digestKey(end: Int64, backfill: Bool = false) -> String {
        let key = layout.digestKey(
            account: account,
            region: region,
            trailName: trailName,
            homeRegion: region,
            endTime: end
        )
        return backfill ? String(key.dropLast(".json.gz".count)) + "_backfill.json.gz" : key
    }

    /// Stores a gzipped log file delivered at `time`; returns its digest entry.
    func putLog(at time: Int64, index: Int) async throws -> DigestLogFile {
        let unique = TrailKeyLayout.uniqueSuffix(seed: Array("\(time)-\(index)".utf8))
        let key = layout.logKey(account: account, region: region, deliveryTime: time, unique: unique)
        let body = Data(
            #"{"Records":[{"eventVersion":"1.09","eventTime":"\#(EventTime.format(time - 5))","eventName":"Describe\#(index)"}]}"#
                .utf8
        )
        try await store.putObject(
            bucket: bucket,
            key: key,
            body: Gzip.compress(body)!,
            contentType: "application/x-gzip",
            metadata: [:]
        )
        return DigestLogFile(
            bucket: bucket,
            key: key,
            sha256: Hex.sha256(body),
            newestEventTime: time - 5,
            oldestEventTime: time - 5
        )
    }

    /// Serializes, signs and stores a digest; returns the link a following digest keeps.
    @discardableResult
    func putDigest(
        _ digest: DigestFile,
        signer: TestSigningKey? = nil,
        backfillGenerated: String? = nil,
        metadata: [String: String]? = nil
    ) async throws -> DigestLink {
        try await putDigestBytes(
            digest.jsonBytes(),
            key: digest.key,
            endTime: EventTime.format(digest.endTime),
            previousSignature: digest.previous?.signature,
            signer: signer,
            backfillGenerated: backfillGenerated,
            metadata: metadata
        )
    }

    /// Signs and stores exact digest bytes.
    @discardableResult
    func putDigestBytes(
        _ bytes: Data,
        key: String,
        endTime: String,
        previousSignature: String?,
        signer: TestSigningKey? = nil,
        backfillGenerated: String? = nil,
        metadata: [String: String]? = nil
    ) async throws -> DigestLink {
        let signer = signer ?? self.signer
        let hash = Hex.sha256(bytes)
        let signature = try signer.sign(
            DigestFile.signingString(
                endTime: endTime,
                bucket: bucket,
                key: key,
                sha256Hex: hash,
                previousSignature: previousSignature
            )
        )
        var meta = metadata ?? ["signature": signature, "signature-algorithm": "SHA256withRSA"]
        if let backfillGenerated { meta["backfill-generation-timestamp"] = backfillGenerated }
        try await store.putObject(
            bucket: bucket,
            key: key,
            body: Gzip.compress(bytes)!,
            contentType: "application/x-gzip",
            metadata: meta
        )
        return DigestLink(bucket: bucket, key: key, sha256: hash, signature: signature)
    }

    /// Hourly digests ending at `firstEnd`, `firstEnd + 1 h`, …, each listing `logsPerHour` new log files.
    func chain(
        hours: Int,
        logsPerHour: Int = 2,
        firstEnd: Int64 = firstEnd,
        previous: DigestLink? = nil
    ) async throws -> (digests: [String], logs: [[String]], last: DigestLink?) {
        var previous = previous
        var digests: [String] = []
        var logs: [[String]] = []
        var start = firstEnd - 3600
        for hour in 0..<hours {
            let end = firstEnd + Int64(hour) * 3600
            var files: [DigestLogFile] = []
            for i in 0..<logsPerHour {
                files.append(
                    try await putLog(at: start + Int64(i + 1) * (end - start) / Int64(logsPerHour + 1), index: i)
                )
            }
            let digest = DigestFile(
                accountID: account,
                startTime: start,
                endTime: end,
                bucket: bucket,
                key: digestKey(end: end),
                publicKeyFingerprint: signer.fingerprint,
                previous: previous,
                logFiles: files
            )
            previous = try await putDigest(digest)
            digests.append(digest.key)
            logs.append(files.map(\.key))
            start = end
        }
        return (digests, logs, previous)
    }

    /// The stored object's bytes and metadata.
    func object(_ key: String) async throws -> StoredObject {
        try await store.getObject(bucket: bucket, key: key)
    }

    /// Replaces an object's bytes, keeping its metadata unless given.
    func replace(_ key: String, with body: Data, metadata: [String: String]? = nil) async throws {
        let old = try await object(key)
        try await store.putObject(
            bucket: bucket,
            key: key,
            body: body,
            contentType: nil,
            metadata: metadata ?? old.info.metadata
        )
    }

    func delete(_ key: String) async throws {
        try await store.deleteObject(bucket: bucket, key: key)
    }

    /// Runs validate-logs over the store.
    func run(
        start: String = "2024-05-01T00:00:00Z",
        end: String? = "2024-05-01T06:00:00Z",
        verbose: Bool = true,
        bucketOverride: String? = nil,
        accountID: String? = nil,
        trail: TrailRecord? = nil,
        organization: String? = nil,
        keys: [PublicKeyEntry]? = nil,
        format: ValidationFormat = .text,
        concurrency: Int = 4,
        arn: String? = nil
    ) async -> RunResult {
        let record = trail ?? TrailRecord(bucketName: bucket, keyPrefix: layout.prefix, isOrganizationTrail: false)
        let validator = LogValidator(
            trails: StaticTrails(trails: [trailARN: record], organization: organization),
            objects: StoreObjectSource(store: store),
            keys: StaticKeys(keys ?? [signer.entry]),
            configuration: .init(
                maximumConcurrentFetches: concurrency,
                now: { Date(timeIntervalSince1970: 1_714_600_000) }
            )
        )
        let request = ValidateLogsRequest(
            trailARN: arn ?? trailARN,
            startTime: start,
            endTime: end,
            s3Bucket: bucketOverride,
            accountID: accountID,
            isVerbose: verbose
        )
        let console = CapturedConsole()
        let status = await validator.run(request, format: format, console: console.console)
        return RunResult(status: status, standardOutput: console.standardOutput, standardError: console.standardError)
    }

    // MARK: expected text

    func header(start: String = "2024-05-01T00:00:00Z", end: String = "2024-05-01T06:00:00Z") -> String {
        "Validating log files for trail \(trailARN) between \(start) and \(end)\n\n"
    }

    func digestLine(_ key: String, _ status: String = "valid", backfill: Bool = false) -> String {
        "\(backfill ? "(backfill) " : "")Digest file\ts3://\(bucket)/\(key)\t\(status)"
    }

    func logLine(_ key: String, _ status: String = "valid") -> String {
        "Log file\ts3://\(bucket)/\(key)\t\(status)"
    }
}
