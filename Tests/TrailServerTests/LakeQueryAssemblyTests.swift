import Crypto
import Foundation
import Logging
import ObjectStorage
import Testing
import TrailDelivery
import TrailLake
import TrailLakeSQL
import TrailModel
import TrailServer
import TrailStore
import _CryptoExtras

private struct OneStore: EventDataStoreDirectory {
    func storeEntries() async throws -> [LakeStoreEntry] {
        [
            LakeStoreEntry(
                id: "bbbbbbbb-0000-4000-8000-000000000001",
                arn: "arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/bbbbbbbb-0000-4000-8000-000000000001", name: "s",
                family: .cloudTrail, isActive: true, aliases: ["event_data_store_ID"])
        ]
    }
}

/// Two rows of (eventName, NULL).
private struct TwoRows: LakeQueryExecutor {
    func execute(
        _ query: PhysicalQuery, limits: LakeQueryLimits, control: LakeQueryControl, rows: @escaping @Sendable ([String?]) throws -> Void
    ) async throws(LakeQueryFailure) -> LakeQueryStatistics {
        do {
            try rows(["ConsoleLogin", nil])
            try rows(["GetObject", nil])
        } catch {
            throw .failed(message: "\(error)", LakeQueryStatistics())
        }
        return LakeQueryStatistics(eventsMatched: 2, eventsScanned: 2, bytesScanned: 10, resultRows: 2, executionTimeMillis: 1)
    }
}

@Suite struct LakeQueryAssemblyTests {
    @Test func querySettingsComeFromTheLakeSectionAndTheEnvironment() throws {
        let file = NSTemporaryDirectory() + "tk-config-\(UUID().uuidString).yaml"
        try "lake:\n  query:\n    workers: 3\n    timeout: 2s\n    max-result-rows: 50\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let c = try ServerConfiguration.resolve(
            commandLine: [:], environment: ["TRAILKEEPER_LAKE_QUERY_WORKERS": "4", "TRAILKEEPER_LAKE_QUERY_RESULTS_RETENTION": "1d"], file: file)
        #expect(c.lakeQuery.workers == 4 && c.lakeQuery.timeout == 2 && c.lakeQuery.maxResultRows == 50)
        #expect(c.lakeQuery.resultsRetention == 86400 && c.lakeQuery.maxResultBytes == 1 << 30)
        let service = c.lakeQuery.configuration
        #expect(service.workers == 4 && service.timeout == 2 && service.maxActiveQueries == 10)
        let defaults = try ServerConfiguration.resolve(commandLine: [:], environment: [:], file: nil).lakeQuery
        #expect(defaults == QuerySettings() && defaults.timeout == 3600 && defaults.resultsRetention == 7 * 86400)
        for bad in [["nope": 1], ["workers": 0], ["timeout": "soon"], ["max-result-bytes": 10]] as [[String: Any]] {
            #expect(throws: ConfigurationError.self) { _ = try QuerySettings(section: bad, environment: [:]) }
        }
    }

    @Test func deliveredResultsAreSignedWithTheTrailKeyRing() async throws {
        let folder = NSTemporaryDirectory() + "tk-lakeq-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let keys = try SigningKeyRing(directory: folder + "/signing-keys")
        let objects = MemoryObjectStore()
        try await objects.createBucket("out", region: "eu-west-1")
        let identity = ServiceIdentity(
            accountID: "123456789012", region: "eu-west-1",
            defaultChannel: Channel(arn: "arn:aws:cloudtrail:eu-west-1:123456789012:channel/c", name: "trailkeeper-default"))
        let service = try LakeQueryAssembly.build(
            settings: QuerySettings(), dataDirectory: folder, stores: OneStore(), executor: TwoRows(), objects: objects, keys: keys,
            identity: identity, logger: Logger(label: "test"))
        let keyFile = try #require(FileManager.default.contents(atPath: folder + "/lake/query-token.key"))
        #expect(keyFile.count == 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/lake/query-token.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let id = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            defer { group.cancelAll() }
            let id = try await service.start(statement: "SELECT eventName, errorCode FROM event_data_store_ID", deliveryS3Uri: "s3://out/lake")
            for _ in 0..<1000 {
                if try await service.describe(id: id).deliveryStatus == .success { break }
                try await Task.sleep(for: .milliseconds(2))
            }
            return id
        }
        #expect(try await service.describe(id: id).deliveryStatus == .success)
        let listing = try await objects.listObjects(ObjectListRequest(bucket: "out", prefix: "lake/AWSLogs/123456789012/CloudTrail-Lake/Query/"))
        let signKey = try #require(listing.objects.map(\.key).first { $0.hasSuffix("/\(id)/result_sign.json") })
        let sign = try #require(
            try JSONSerialization.jsonObject(with: try await objects.getObject(bucket: "out", key: signKey).body) as? [String: Any])
        #expect(sign["region"] as? String == "eu-west-1")
        let files = try #require(sign["files"] as? [[String: String]])
        let csv = try await objects.getObject(bucket: "out", key: signKey.replacingOccurrences(of: "result_sign.json", with: "result_1.csv.gz")).body
        #expect(files.map { $0["fileHashValue"]! } == [SignFile.hash(csv)])
        #expect(String(decoding: try #require(Gzip.decompress(csv)), as: UTF8.self) == "eventName,errorCode\r\nConsoleLogin,\r\nGetObject,\r\n")
        // Verified the way a client would: the key ListPublicKeys serves for the fingerprint.
        let published = await keys.publicKeys(region: "eu-west-1", from: nil, to: nil)
        let key = try #require(published.first { $0.fingerprint == sign["publicKeyFingerprint"] as? String })
        let publicKey = try _RSA.Signing.PublicKey(derRepresentation: key.der)
        let hex = try #require(sign["hashSignature"] as? String)
        var signature = Data()
        var i = hex.startIndex
        while i < hex.endIndex {
            let next = hex.index(i, offsetBy: 2)
            signature.append(UInt8(hex[i..<next], radix: 16)!)
            i = next
        }
        #expect(publicKey.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: Data(files[0]["fileHashValue"]!.utf8)),
            padding: .insecurePKCS1v1_5))

        // A second assembly keeps the page-token key, so tokens survive a restart.
        _ = try LakeQueryAssembly.build(
            settings: QuerySettings(), dataDirectory: folder, stores: OneStore(), executor: TwoRows(), objects: objects, keys: keys,
            identity: identity, logger: Logger(label: "test"))
        #expect(FileManager.default.contents(atPath: folder + "/lake/query-token.key") == keyFile)
    }
}
