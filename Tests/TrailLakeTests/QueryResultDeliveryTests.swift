import Crypto
import Foundation
import Logging
import ObjectStorage
import Testing
import TrailLake
import TrailModel
import _CryptoExtras

@Suite struct QueryResultDeliveryTests {
    /// Signs as TrailDelivery's key ring does: RSA PKCS#1 v1.5 over SHA-256 of the text, hex.
    static func signer(_ key: _RSA.Signing.PrivateKey) -> ResultSigner {
        { text in
            let signature = try key.signature(for: SHA256.hash(data: Data(text.utf8)), padding: .insecurePKCS1v1_5)
            return ResultSignature(signature: signature.rawRepresentation.map { String(format: "%02x", $0) }.joined(), fingerprint: "f00d")
        }
    }

    static func hexBytes(_ hex: String) -> Data {
        var data = Data()
        var i = hex.startIndex
        while i < hex.endIndex {
            let next = hex.index(i, offsetBy: 2)
            data.append(UInt8(hex[i..<next], radix: 16)!)
            i = next
        }
        return data
    }

    @Test func signFileListsHashesAndItsSignatureVerifies() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let files = [(name: "result_1.csv.gz", data: Data("one".utf8)), (name: "result_2.csv.gz", data: Data("two".utf8))]
        let sign = try await SignFile.make(region: "us-east-1", files: files, queryCompleteTime: 1_652_220_390, signer: Self.signer(key))
        #expect(sign.files.map(\.fileHashValue) == files.map { SHA256.hash(data: $0.data).map { String(format: "%02x", $0) }.joined() })
        #expect(SignFile.signingString(sign.files) == sign.files[0].fileHashValue + " " + sign.files[1].fileHashValue)
        let object = try #require(try JSONSerialization.jsonObject(with: sign.json()) as? [String: Any])
        #expect(object["version"] as? String == "1.0" && object["region"] as? String == "us-east-1")
        #expect(object["hashAlgorithm"] as? String == "SHA-256" && object["signatureAlgorithm"] as? String == "SHA256withRSA")
        #expect(object["queryCompleteTime"] as? String == "2022-05-10T22:06:30Z" && object["publicKeyFingerprint"] as? String == "f00d")
        let signature = _RSA.Signing.RSASignature(rawRepresentation: Self.hexBytes(try #require(object["hashSignature"] as? String)))
        #expect(key.publicKey.isValidSignature(signature, for: SHA256.hash(data: Data(SignFile.signingString(sign.files).utf8)), padding: .insecurePKCS1v1_5))
        #expect(!key.publicKey.isValidSignature(signature, for: SHA256.hash(data: Data("tampered".utf8)), padding: .insecurePKCS1v1_5))
    }

    @Test func deliveryWritesCSVFilesAndASignFileInAWSLayout() async throws {
        let objects = MemoryObjectStore()
        try await objects.createBucket("results-bucket", region: "us-east-1")
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        var delivery = ResultDelivery(objects: objects, accountID: "111122223333", region: "us-east-1", signer: Self.signer(key))
        delivery.maxFileBytes = 64
        let rows: [[String?]] = (0..<6).map { i in ["n\(i)", i == 2 ? nil : "a,\"b\"\n\(i)"] }
        let status = await delivery.deliver(
            uri: "s3://results-bucket/lake/out/", queryID: "q-1", columns: ["eventName", "note"], totalRows: rows.count,
            completedAt: 1_700_000_000, logger: Logger(label: "test")
        ) { offset, limit in Array(rows[offset..<Swift.min(rows.count, offset + limit)]) }
        #expect(status == .success)
        let folder = "lake/out/AWSLogs/111122223333/CloudTrail-Lake/Query/2023/11/14/q-1"
        let listing = try await objects.listObjects(ObjectListRequest(bucket: "results-bucket", prefix: folder + "/"))
        let names = listing.objects.map { String($0.key.dropFirst(folder.count + 1)) }.sorted()
        #expect(names.contains("result_sign.json") && names.contains("result_1.csv.gz") && names.count > 2)
        var csv = ""
        var hashes: [String] = []
        for n in 1..<names.count {
            let body = try await objects.getObject(bucket: "results-bucket", key: folder + "/result_\(n).csv.gz").body
            hashes.append(SignFile.hash(body))
            csv += String(decoding: try #require(Gzip.decompress(body)), as: UTF8.self)
        }
        #expect(csv.hasPrefix("eventName,note\r\nn0,\"a,\"\"b\"\"\n0\"\r\n"))
        #expect(csv.contains("\r\nn2,\r\n"))
        let sign = try await objects.getObject(bucket: "results-bucket", key: folder + "/result_sign.json").body
        let object = try #require(try JSONSerialization.jsonObject(with: sign) as? [String: Any])
        let files = try #require(object["files"] as? [[String: String]])
        #expect(files.map { $0["fileHashValue"]! } == hashes)
        let signature = _RSA.Signing.RSASignature(rawRepresentation: Self.hexBytes(try #require(object["hashSignature"] as? String)))
        #expect(key.publicKey.isValidSignature(signature, for: SHA256.hash(data: Data(hashes.joined(separator: " ").utf8)), padding: .insecurePKCS1v1_5))
    }

    @Test func deliveryURIsAreCheckedAndAMissingBucketIsReported() async throws {
        let objects = MemoryObjectStore()
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let delivery = ResultDelivery(objects: objects, accountID: "111122223333", region: "us-east-1", signer: Self.signer(key))
        #expect(try ResultDelivery.location("s3://my.bucket-1") == .init(bucket: "my.bucket-1", prefix: ""))
        #expect(try ResultDelivery.location("s3://bucket/a/b/") == .init(bucket: "bucket", prefix: "a/b"))
        for (uri, code) in [
            ("https://bucket/x", LakeError.Code.invalidS3BucketName), ("s3://Bucket", .invalidS3BucketName), ("s3://ab", .invalidS3BucketName),
            ("s3://bucket/a//b", .invalidS3Prefix),
        ] {
            #expect(throws: LakeError.self, "\(uri)") { _ = try ResultDelivery.location(uri) }
            do {
                _ = try ResultDelivery.location(uri)
            } catch {
                #expect((error as? LakeError)?.code == code)
            }
        }
        do {
            try await delivery.validate("s3://absent-bucket/x")
            Issue.record("a missing bucket was accepted")
        } catch {
            #expect((error as? LakeError)?.code == .s3BucketDoesNotExist)
        }
        let status = await delivery.deliver(
            uri: "s3://absent-bucket", queryID: "q", columns: ["a"], totalRows: 0, completedAt: 0, logger: Logger(label: "test")
        ) { _, _ in [] }
        #expect(status == .resourceNotFound)
    }

    @Test func theServiceDeliversAfterFinishing() async throws {
        let objects = MemoryObjectStore()
        try await objects.createBucket("results", region: "us-east-1")
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let delivery = ResultDelivery(objects: objects, accountID: "111122223333", region: "us-east-1", signer: Self.signer(key))
        let service = try QueryFixtures.service(executor: FakeExecutor(rows: 3), delivery: delivery)
        try await QueryFixtures.running(service) {
            let id = try await service.start(statement: QueryFixtures.statement, deliveryS3Uri: "s3://results/p")
            _ = try await QueryFixtures.wait(service, id, for: .finished)
            try await QueryFixtures.until { try await service.describe(id: id).deliveryStatus == .success }
            let record = try await service.describe(id: id)
            #expect(record.deliveryStatus == .success && record.deliveryS3Uri == "s3://results/p")
            let listing = try await objects.listObjects(ObjectListRequest(bucket: "results", prefix: "p/AWSLogs/111122223333/CloudTrail-Lake/Query/"))
            #expect(listing.objects.filter { $0.key.hasSuffix("/\(id)/result_sign.json") }.count == 1)
            do {
                _ = try await service.start(statement: QueryFixtures.statement, deliveryS3Uri: "s3://missing-bucket")
                Issue.record("a missing bucket was accepted")
            } catch {
                #expect((error as? LakeError)?.code == .s3BucketDoesNotExist)
            }
        }
    }
}
