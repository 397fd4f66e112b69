import Foundation
import ObjectStorage
import Synchronization
import Testing
import TrailModel

@testable import TrailIntegrity

/// validate-logs over chains in a memory store: exact output lines, blank lines and exit status,
/// as the AWS CLI prints them (the differential integration test checks the same against the CLI).
@Suite struct LogValidatorTests {
    /// The report of a run: verbose lines to stdout, errors to stderr, blank lines as the CLI places them.
    private struct Expected {
        var fixture: ChainFixture
        var out = ""
        var err = ""
        var isDoubleSpaced = true

        init(_ fixture: ChainFixture, start: String = "2024-05-01T00:00:00Z", end: String = "2024-05-01T06:00:00Z") {
            self.fixture = fixture
            out = fixture.header(start: start, end: end)
        }

        mutating func valid(_ line: String) {
            out += line + "\n"
            isDoubleSpaced = false
        }

        mutating func error(_ line: String) {
            err += (isDoubleSpaced ? "" : "\n") + line + "\n\n"
            isDoubleSpaced = true
        }

        mutating func digest(_ key: String, logs: [String]) {
            valid(fixture.digestLine(key))
            for log in logs { valid(fixture.logLine(log)) }
        }

        func result(
            _ status: Int32,
            found: String?,
            _ ratios: [String],
            start: String = "2024-05-01T00:00:00Z",
            end: String = "2024-05-01T06:00:00Z"
        ) -> RunResult {
            var text = out + (isDoubleSpaced ? "" : "\n") + "Results requested for \(start) to \(end)\n"
            text += found.map { "Results found for \($0):\n" } ?? "No valid digests found in range\n"
            text += ratios.map { "\n" + $0 }.joined() + "\n"
            return RunResult(status: status, standardOutput: text, standardError: err)
        }
    }

    @Test func allValidChainPrintsTheCLIReport() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 3)
        let result = await f.run()
        var lines = f.header()
        for h in [2, 1, 0] {
            lines += f.digestLine(chain.digests[h]) + "\n"
            for log in chain.logs[h] { lines += f.logLine(log) + "\n" }
        }
        lines += """

            Results requested for 2024-05-01T00:00:00Z to 2024-05-01T06:00:00Z
            Results found for 2024-05-01T00:02:15Z to 2024-05-01T03:02:15Z:

            3/3 digest files valid
            6/6 log files valid

            """
        #expect(result == RunResult(status: 0, standardOutput: lines, standardError: ""))
    }

    @Test func quietRunPrintsTheSummaryOnly() async throws {
        let f = try await ChainFixture()
        _ = try await f.chain(hours: 3)
        let result = await f.run(verbose: false)
        #expect(
            result.standardOutput == f.header() + "Results requested for 2024-05-01T00:00:00Z to 2024-05-01T06:00:00Z\n"
                + "Results found for 2024-05-01T00:02:15Z to 2024-05-01T03:02:15Z:\n\n3/3 digest files valid\n"
                + "6/6 log files valid\n"
        )
        #expect(result.status == 0 && result.standardError.isEmpty)
    }

    @Test func modifiedLogFailsItsHash() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 3)
        let victim = chain.logs[1][1]
        try await f.replace(victim, with: Gzip.compress(Data(#"{"Records":[]}"#.utf8))!)
        var e = Expected(f)
        e.digest(chain.digests[2], logs: chain.logs[2])
        e.digest(chain.digests[1], logs: [chain.logs[1][0]])
        e.error(f.logLine(victim, "INVALID: hash value doesn't match"))
        e.digest(chain.digests[0], logs: chain.logs[0])
        let expected = e.result(
            1,
            found: "2024-05-01T00:02:15Z to 2024-05-01T03:02:15Z",
            ["3/3 digest files valid", "5/6 log files valid, 1/6 log files INVALID"]
        )
        #expect(await f.run() == expected)
        // The error line follows a verbose line, so it starts with a blank line.
        #expect(expected.standardError == "\n" + f.logLine(victim, "INVALID: hash value doesn't match") + "\n\n")
    }

    @Test func deletedLogIsNotFound() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 3)
        let victim = chain.logs[2][0]
        try await f.delete(victim)
        var e = Expected(f)
        e.valid(f.digestLine(chain.digests[2]))
        e.error(f.logLine(victim, "INVALID: not found"))
        e.valid(f.logLine(chain.logs[2][1]))
        e.digest(chain.digests[1], logs: chain.logs[1])
        e.digest(chain.digests[0], logs: chain.logs[0])
        #expect(
            await f.run()
                == e.result(
                    1,
                    found: "2024-05-01T00:02:15Z to 2024-05-01T03:02:15Z",
                    ["3/3 digest files valid", "5/6 log files valid, 1/6 log files INVALID"]
                )
        )
    }

    @Test func modifiedDigestFailsItsSignatureAndItsLogsAreSkipped() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 3)
        let victim = chain.digests[1]
        let original = GzipFirstMember.inflate(try await f.object(victim).body).bytes
        let changed = String(decoding: original, as: UTF8.self).replacingOccurrences(
            of: "\"logFiles\":[{",
            with: "\"logFiles\":[ {"
        )
        try await f.replace(victim, with: Gzip.compress(Data(changed.utf8))!)
        var e = Expected(f)
        e.digest(chain.digests[2], logs: chain.logs[2])
        e.error(f.digestLine(victim, "INVALID: signature verification failed"))
        e.digest(chain.digests[0], logs: chain.logs[0])
        #expect(
            await f.run()
                == e.result(
                    1,
                    found: "2024-05-01T00:02:15Z to 2024-05-01T03:02:15Z",
                    ["2/3 digest files valid, 1/3 digest files INVALID", "4/4 log files valid"]
                )
        )
    }

    @Test func movedDigestIsReportedAndTheChainGoesOn() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 3)
        let newest = chain.digests[2]
        let moved = f.digestKey(end: ChainFixture.firstEnd + 2 * 3600 + 30)
        let object = try await f.object(newest)
        try await f.store.putObject(
            bucket: f.bucket,
            key: moved,
            body: object.body,
            contentType: nil,
            metadata: object.info.metadata
        )
        var e = Expected(f)
        e.error(f.digestLine(moved, "INVALID: has been moved from its original location"))
        for h in [2, 1, 0] { e.digest(chain.digests[h], logs: chain.logs[h]) }
        #expect(
            await f.run()
                == e.result(
                    1,
                    found: "2024-05-01T00:02:15Z to 2024-05-01T03:02:15Z",
                    ["3/4 digest files valid, 1/4 digest files INVALID", "6/6 log files valid"]
                )
        )
    }

    @Test func deletedDigestIsNotFoundAndTheNextListedDigestContinues() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 3)
        try await f.delete(chain.digests[1])
        var e = Expected(f)
        e.digest(chain.digests[2], logs: chain.logs[2])
        e.error(f.digestLine(chain.digests[1], "INVALID: not found"))
        e.digest(chain.digests[0], logs: chain.logs[0])
        #expect(
            await f.run()
                == e.result(
                    1,
                    found: "2024-05-01T00:02:15Z to 2024-05-01T03:02:15Z",
                    ["2/3 digest files valid, 1/3 digest files INVALID", "4/4 log files valid"]
                )
        )
    }

    @Test func digestResignedByAnUnknownKeyHasNoPublicKey() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 3)
        let newest = chain.digests[2]
        let original = String(decoding: GzipFirstMember.inflate(try await f.object(newest).body).bytes, as: UTF8.self)
        let forged = original.replacingOccurrences(of: f.signer.fingerprint, with: TestKeys.rogue.fingerprint)
        try await f.putDigestBytes(
            Data(forged.utf8),
            key: newest,
            endTime: "2024-05-01T03:02:15Z",
            previousSignature: try await f.object(chain.digests[1]).info.metadata["signature"],
            signer: TestKeys.rogue
        )
        var e = Expected(f)
        e.error(
            f.digestLine(
                newest,
                "INVALID: public key not found in region us-east-1 for fingerprint \(TestKeys.rogue.fingerprint)"
            )
        )
        e.digest(chain.digests[1], logs: chain.logs[1])
        e.digest(chain.digests[0], logs: chain.logs[0])
        #expect(
            await f.run()
                == e.result(
                    1,
                    found: "2024-05-01T00:02:15Z to 2024-05-01T02:02:15Z",
                    ["2/3 digest files valid, 1/3 digest files INVALID", "4/4 log files valid"]
                )
        )
    }

    @Test func missingSignatureMetadataFailsVerification() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 2)
        try await f.replace(
            chain.digests[0],
            with: try await f.object(chain.digests[0]).body,
            metadata: ["signature": "00"]
        )
        var e = Expected(f)
        e.digest(chain.digests[1], logs: chain.logs[1])
        e.error(f.digestLine(chain.digests[0], "INVALID: signature verification failed"))
        #expect(
            await f.run()
                == e.result(
                    1,
                    found: "2024-05-01T01:02:15Z to 2024-05-01T02:02:15Z",
                    ["1/2 digest files valid, 1/2 digest files INVALID", "2/2 log files valid"]
                )
        )
    }

    @Test func invalidGzipIsInvalidFormatForLogsAndDigests() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 2)
        try await f.replace(chain.logs[1][0], with: Data("plain text".utf8))
        let digestBody = try await f.object(chain.digests[0]).body
        try await f.replace(chain.digests[0], with: digestBody.prefix(digestBody.count - 6))
        var e = Expected(f)
        e.valid(f.digestLine(chain.digests[1]))
        e.error(f.logLine(chain.logs[1][0], "INVALID: invalid format"))
        e.valid(f.logLine(chain.logs[1][1]))
        e.error(f.digestLine(chain.digests[0], "INVALID: invalid format"))
        #expect(
            await f.run()
                == e.result(
                    1,
                    found: "2024-05-01T01:02:15Z to 2024-05-01T02:02:15Z",
                    ["1/2 digest files valid, 1/2 digest files INVALID", "1/2 log files valid, 1/2 log files INVALID"]
                )
        )
    }

    @Test func multiMemberAndTruncatedLogsHashTheirFirstMemberAsTheCLIDoes() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 1, logsPerHour: 3)
        let logs = chain.logs[0]
        let first = try await f.object(logs[0]).body
        try await f.replace(logs[0], with: first + Gzip.compress(Data("more".utf8))!)  // valid: first member only
        let second = try await f.object(logs[1]).body
        try await f.replace(logs[1], with: second.prefix(second.count - 4))  // valid: no ISIZE, all data there
        let third = try await f.object(logs[2]).body
        try await f.replace(logs[2], with: third.prefix(third.count - 20))  // cut into the data: mismatch
        var e = Expected(f)
        e.valid(f.digestLine(chain.digests[0]))
        e.valid(f.logLine(logs[0]))
        e.valid(f.logLine(logs[1]))
        e.error(f.logLine(logs[2], "INVALID: hash value doesn't match"))
        #expect(
            await f.run()
                == e.result(
                    1,
                    found: "2024-05-01T00:02:15Z to 2024-05-01T01:02:15Z",
                    ["1/1 digest files valid", "2/3 log files valid, 1/3 log files INVALID"]
                )
        )
    }

    @Test func aNewChainInTheMiddleIsAGapNotAFailure() async throws {
        let f = try await ChainFixture()
        let first = try await f.chain(hours: 2)
        let second = try await f.chain(hours: 2, firstEnd: ChainFixture.firstEnd + 3 * 3600)
        var e = Expected(f)
        e.digest(second.digests[1], logs: second.logs[1])
        e.digest(second.digests[0], logs: second.logs[0])
        e.error("No log files were delivered by CloudTrail between 2024-05-01T02:02:15Z and 2024-05-01T03:02:15Z")
        e.digest(first.digests[1], logs: first.logs[1])
        e.digest(first.digests[0], logs: first.logs[0])
        #expect(
            await f.run()
                == e.result(
                    0,
                    found: "2024-05-01T00:02:15Z to 2024-05-01T05:02:15Z",
                    ["4/4 digest files valid", "8/8 log files valid"]
                )
        )
    }

    @Test func backfillDigestsAreASecondChainWithTheirOwnKeys() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 2)
        let end = ChainFixture.firstEnd + 1800
        let late = [try await f.putLog(at: end - 600, index: 7)]
        let key = f.digestKey(end: end, backfill: true)
        try await f.putDigest(
            DigestFile(
                accountID: f.account,
                startTime: end - 3600,
                endTime: end,
                bucket: f.bucket,
                key: key,
                publicKeyFingerprint: f.signer.fingerprint,
                previous: nil,
                logFiles: late
            ),
            backfillGenerated: "2024-05-01T05:00:00Z"
        )
        let keys = StaticKeys([f.signer.entry])
        let validator = LogValidator(
            trails: StaticTrails(trails: [f.trailARN: TrailRecord(bucketName: f.bucket, isOrganizationTrail: false)]),
            objects: StoreObjectSource(store: f.store),
            keys: keys
        )
        let console = CapturedConsole()
        let status = await validator.run(
            ValidateLogsRequest(
                trailARN: f.trailARN,
                startTime: "2024-05-01T00:00:00Z",
                endTime: "2024-05-01T06:00:00Z",
                isVerbose: true
            ),
            format: .text,
            console: console.console
        )
        var e = Expected(f)
        e.digest(chain.digests[1], logs: chain.logs[1])
        e.digest(chain.digests[0], logs: chain.logs[0])
        e.valid(f.digestLine(key, backfill: true))
        e.valid(f.logLine(late[0].key))
        #expect(
            RunResult(status: status, standardOutput: console.standardOutput, standardError: console.standardError)
                == e.result(
                    0,
                    found: "2024-05-01T00:02:15Z to 2024-05-01T02:02:15Z",
                    ["2/2 digest files valid", "1/1 backfill digest files valid", "5/5 log files valid"]
                )
        )
        // The standard chain asks for [start, end + 2 h]; the backfill chain around the generation time.
        let may1 = ChainFixture.may1
        #expect(
            keys.requests.withLock { requests in requests.map { [$0.0, $0.1] } } == [
                [may1, may1 + 8 * 3600], [may1 + 4 * 3600, may1 + 6 * 3600],
            ]
        )
    }

    @Test func backfillDigestWithoutGenerationTimeIsInvalidFormat() async throws {
        let f = try await ChainFixture()
        _ = try await f.chain(hours: 1)
        let end = ChainFixture.firstEnd - 600
        let key = f.digestKey(end: end, backfill: true)
        try await f.putDigest(
            DigestFile(
                accountID: f.account,
                startTime: end - 3600,
                endTime: end,
                bucket: f.bucket,
                key: key,
                publicKeyFingerprint: f.signer.fingerprint,
                previous: nil,
                logFiles: []
            )
        )
        let result = await f.run(verbose: false)
        #expect(result.standardError == "(backfill) " + f.digestLine(key, "INVALID: invalid format") + "\n\n")
        #expect(
            result.standardOutput.hasSuffix(
                "\n1/1 digest files valid\n0/1 backfill digest files valid, 1/1 backfill digest files INVALID\n2/2 log files valid\n"
            )
        )
        #expect(result.status == 1)
    }

    @Test func organizationTrailUsesTheOrganizationLayoutAndNeedsAnAccount() async throws {
        let f = try await ChainFixture(account: "222233334444", organizationID: "o-abcdef1234")
        let chain = try await f.chain(hours: 2)
        #expect(chain.digests[0].hasPrefix("AWSLogs/o-abcdef1234/222233334444/CloudTrail-Digest/us-east-1/2024/05/01/"))
        let org = TrailRecord(bucketName: f.bucket, isOrganizationTrail: true)
        let result = await f.run(accountID: "222233334444", trail: org, organization: "o-abcdef1234")
        var e = Expected(f)
        e.digest(chain.digests[1], logs: chain.logs[1])
        e.digest(chain.digests[0], logs: chain.logs[0])
        #expect(
            result
                == e.result(
                    0,
                    found: "2024-05-01T00:02:15Z to 2024-05-01T02:02:15Z",
                    ["2/2 digest files valid", "4/4 log files valid"]
                )
        )
        #expect(
            await f.run(trail: org, organization: "o-abcdef1234")
                == RunResult(
                    status: 255,
                    standardOutput: "",
                    standardError: "\nMissing required parameter for organization trail: '--account-id'\n"
                )
        )
    }

    @Test func startAndEndSelectDigestsByKeyTimeAndClampTheFoundRange() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 5)
        let result = await f.run(start: "2024-05-01T02:30:00Z", end: "2024-05-01T03:30:00Z")
        var e = Expected(f, start: "2024-05-01T02:30:00Z", end: "2024-05-01T03:30:00Z")
        e.digest(chain.digests[3], logs: chain.logs[3])
        e.digest(chain.digests[2], logs: chain.logs[2])
        #expect(
            result
                == e.result(
                    0,
                    found: "2024-05-01T02:30:00Z to 2024-05-01T03:30:00Z",
                    ["2/2 digest files valid", "4/4 log files valid"],
                    start: "2024-05-01T02:30:00Z",
                    end: "2024-05-01T03:30:00Z"
                )
        )
    }

    @Test func concurrentChecksReportInChainOrder() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 3, logsPerHour: 25)
        for (h, i) in [(2, 3), (1, 17), (0, 24)] { try await f.delete(chain.logs[h][i]) }
        try await f.replace(chain.logs[1][5], with: Data("x".utf8))
        let sequential = await f.run(concurrency: 1)
        #expect(sequential.status == 1 && sequential.standardError.split(separator: "\n").count == 4)
        for concurrency in [2, 8, 64] { #expect(await f.run(concurrency: concurrency) == sequential) }
    }

    @Test func anS3ErrorOnALogStopsTheRunWhereTheCLIWould() async throws {
        let f = try await ChainFixture()
        let log = try await f.putLog(at: ChainFixture.firstEnd - 100, index: 0)
        var elsewhere = log
        elsewhere.bucket = "no-such-bucket"
        let end = ChainFixture.firstEnd
        try await f.putDigest(
            DigestFile(
                accountID: f.account,
                startTime: end - 3600,
                endTime: end,
                bucket: f.bucket,
                key: f.digestKey(end: end),
                publicKeyFingerprint: f.signer.fingerprint,
                previous: nil,
                logFiles: [log, elsewhere, log]
            )
        )
        #expect(
            await f.run()
                == RunResult(
                    status: 255,
                    standardOutput: f.header() + f.digestLine(f.digestKey(end: end)) + "\n" + f.logLine(log.key) + "\n",
                    standardError:
                        "\nAn error occurred (NoSuchBucket) when calling the GetBucketLocation operation: The specified bucket does not exist\n"
                )
        )
    }

    @Test func nothingInRangeAndNoKeys() async throws {
        let f = try await ChainFixture()
        _ = try await f.chain(hours: 1)
        let none = await f.run(start: "2024-04-01T00:00:00Z", end: "2024-04-02T00:00:00Z")
        #expect(
            none.standardOutput
                == f.header(start: "2024-04-01T00:00:00Z", end: "2024-04-02T00:00:00Z")
                + "Results requested for 2024-04-01T00:00:00Z to 2024-04-02T00:00:00Z\nNo digests found\n"
        )
        #expect(none.status == 0)
        let noKeys = await f.run(keys: [])
        #expect(noKeys.status == 255 && noKeys.standardOutput == f.header())
        #expect(
            noKeys.standardError == "\nNo public keys found between 2024-05-01T00:00:00Z and 2024-05-01T08:00:00Z\n"
        )
    }

    @Test func argumentErrorsMatchTheCLI() async throws {
        let f = try await ChainFixture()
        #expect(
            await f.run(start: "not a date").standardError == "\nUnable to parse date value: not a date\n"
        )
        #expect(
            await f.run(start: "2024-05-02", end: "2024-05-01").standardError
                == "\nInvalid time range specified: start-time must occur before end-time\n"
        )
        let bad = await f.run(arn: "arn:aws:cloudtrail:us-east-1:1234:trail/x")
        #expect(
            bad
                == RunResult(
                    status: 255,
                    standardOutput: "",
                    standardError: "\nInvalid trail ARN provided: arn:aws:cloudtrail:us-east-1:1234:trail/x\n"
                )
        )
        let unknown = await f.run(arn: "arn:aws:cloudtrail:us-east-1:111122223333:trail/other")
        #expect(
            unknown.standardError
                == "\nA trail could not be found for arn:aws:cloudtrail:us-east-1:111122223333:trail/other\n"
        )
    }

    @Test func defaultEndTimeIsNow() async throws {
        let f = try await ChainFixture()
        _ = try await f.chain(hours: 1)
        // now = 1714600000 = 2024-05-01T21:46:40Z
        let result = await f.run(end: nil, verbose: false)
        #expect(result.standardOutput.hasPrefix(f.header(end: "2024-05-01T21:46:40Z")))
        #expect(result.standardOutput.contains("Results found for 2024-05-01T00:02:15Z to 2024-05-01T01:02:15Z:"))
    }

    @Test func jsonReportHasEveryResultAndTheSummary() async throws {
        let f = try await ChainFixture()
        let chain = try await f.chain(hours: 2)
        try await f.delete(chain.logs[0][1])
        let result = await f.run(verbose: false, format: .json)
        #expect(result.status == 1 && result.standardError.isEmpty)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        )
        #expect(json["exitCode"] as? Int == 1)
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.count == 6)
        #expect(results.map { $0["status"] as? String } == ["valid", "valid", "valid", "valid", "valid", "missing"])
        #expect(results[5]["key"] as? String == chain.logs[0][1] && results[5]["message"] as? String == "not found")
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["logFiles"] as? [String: Int] == ["valid": 3, "invalid": 1])
        #expect(summary["foundStart"] as? String == "2024-05-01T00:02:15Z")
    }
}
