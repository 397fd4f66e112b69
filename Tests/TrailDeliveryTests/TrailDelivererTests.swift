import Crypto
import Foundation
import ObjectStorage
import Testing
import TrailDelivery
import TrailModel
import TrailStore
import TrailStoreSQLite
import TrailTesting
import _CryptoExtras

@Suite("Trail delivery")
struct TrailDelivererTests {
    static func records(_ n: Int, time: Int64, region: String = "us-east-1", name: String = "DescribeInstances") -> [AuditRecord] {
        (0..<n).map { _ in RecordFixtures.record(time: time, name: name, region: region) }
    }

    static func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Verifies a digest's signature as validate-logs does.
    static func verify(_ digest: (key: String, body: Data, metadata: [String: String]), keys: [SigningKeyRing.PublicKey]) throws -> Bool {
        let object = try json(digest.body)
        let fingerprint = object["digestPublicKeyFingerprint"] as! String
        let key = try #require(keys.first { $0.fingerprint == fingerprint })
        let publicKey = try _RSA.Signing.PublicKey(derRepresentation: key.der)
        let signing = DigestFile.signingString(
            endTime: object["digestEndTime"] as! String, bucket: object["digestS3Bucket"] as! String,
            key: object["digestS3Object"] as! String, sha256Hex: Hex.sha256(digest.body),
            previousSignature: object["previousDigestSignature"] as? String)
        let hex = try #require(digest.metadata["signature"])
        let signature = _RSA.Signing.RSASignature(rawRepresentation: try #require(Hex.decode(hex)))
        return publicKey.isValidSignature(signature, for: SHA256.hash(data: Data(signing.utf8)), padding: .insecurePKCS1v1_5)
    }

    @Test("events become gzipped log files on the interval, and hourly digests chain and verify")
    func deliverAndDigest() async throws {
        let f = try await DeliveryFixture()
        let d = try f.deliverer()
        _ = try await d.catalog.create(DeliveryFixture.trail())
        _ = try await d.startLogging("audit")
        try await f.append(Self.records(25, time: f.clock.now - 60))
        await d.tick()
        #expect(try await f.files("CloudTrail").isEmpty, "nothing before the delivery interval")
        f.clock.advance(300)
        await d.tick()
        let logs = try await f.files("CloudTrail")
        #expect(logs.count == 1)
        #expect(logs[0].key.hasPrefix("AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/111122223333_CloudTrail_us-east-1_20240501T1045Z_"))
        #expect(try await f.deliveredEventIDs().count == 25)
        #expect(try await f.files("CloudTrail-Digest").isEmpty)

        f.clock.advance(3600)
        await d.tick()
        var digests = try await f.files("CloudTrail-Digest")
        #expect(digests.count == 1)
        let first = try Self.json(digests[0].body)
        #expect(first["previousDigestSignature"] is NSNull)
        #expect(first["digestStartTime"] as? String == "2024-05-01T10:40:00Z")
        let listed = try #require(first["logFiles"] as? [[String: Any]])
        #expect(listed.count == 1)
        #expect(listed[0]["s3Object"] as? String == logs[0].key)
        #expect(listed[0]["hashValue"] as? String == Hex.sha256(logs[0].body))
        #expect(digests[0].metadata["signature-algorithm"] == "SHA256withRSA")
        let keys = await d.keys.publicKeys(region: "us-east-1", from: nil, to: nil)
        #expect(keys.count == 1)
        #expect(try Self.verify(digests[0], keys: keys))

        f.clock.advance(3600)
        await d.tick()
        digests = try await f.files("CloudTrail-Digest").sorted { $0.key < $1.key }
        #expect(digests.count == 2)
        let second = try Self.json(digests[1].body)
        #expect(second["previousDigestS3Object"] as? String == digests[0].key)
        #expect(second["previousDigestHashValue"] as? String == Hex.sha256(digests[0].body))
        #expect(second["previousDigestSignature"] as? String == digests[0].metadata["signature"])
        #expect(second["digestStartTime"] as? String == first["digestEndTime"] as? String)
        #expect((second["logFiles"] as? [Any])?.isEmpty == true)
        #expect(second["newestEventTime"] is NSNull)
        #expect(try Self.verify(digests[1], keys: keys))
    }

    @Test("a crash after writing files but before completing replays the same files: each event once", arguments: [false, true])
    func crashDuringDelivery(afterWrite: Bool) async throws {
        let f = try await DeliveryFixture()
        let d = try f.deliverer()
        _ = try await d.catalog.create(DeliveryFixture.trail())
        _ = try await d.startLogging("audit")
        let records = Self.records(40, time: f.clock.now)
        try await f.append(records)
        f.clock.advance(300)
        f.objects.set(afterWrite ? .failAfter : .failBefore)
        await d.tick()
        #expect(try await f.files("CloudTrail").count == (afterWrite ? 1 : 0))
        // The process dies; a new one starts over the same state.
        f.objects.set(.none)
        let restarted = try f.deliverer()
        await restarted.tick()
        let ids = try await f.deliveredEventIDs()
        #expect(ids.count == 40)
        #expect(Set(ids) == Set(records.map(\.eventID)))
        #expect(try await f.files("CloudTrail").count == 1)
    }

    @Test("a crash while writing a digest replays the same digest and the chain continues")
    func crashDuringDigest() async throws {
        let f = try await DeliveryFixture()
        let d = try f.deliverer()
        _ = try await d.catalog.create(DeliveryFixture.trail())
        _ = try await d.startLogging("audit")
        try await f.append(Self.records(5, time: f.clock.now))
        f.clock.advance(3600)
        await d.tick()  // delivers the file (due) and the digest
        f.clock.advance(3600)
        try await f.append(Self.records(5, time: f.clock.now))
        f.objects.set(.failAfter)
        await d.tick()
        f.objects.set(.none)
        let restarted = try f.deliverer()
        await restarted.tick()
        f.clock.advance(3600)
        await restarted.tick()
        let digests = try await f.files("CloudTrail-Digest").sorted { $0.key < $1.key }
        #expect(digests.count == 3)
        let keys = await restarted.keys.publicKeys(region: "us-east-1", from: nil, to: nil)
        for (i, digest) in digests.enumerated() {
            #expect(try Self.verify(digest, keys: keys))
            if i > 0 {
                let object = try Self.json(digest.body)
                #expect(object["previousDigestS3Object"] as? String == digests[i - 1].key)
                #expect(object["previousDigestHashValue"] as? String == Hex.sha256(digests[i - 1].body))
            }
        }
        let listed = try digests.flatMap { try Self.json($0.body)["logFiles"] as! [[String: Any]] }.map { $0["s3Object"] as! String }
        let logs = try await f.files("CloudTrail").map(\.key)
        #expect(listed.sorted() == logs.sorted(), "every delivered file is in exactly one digest")
        #expect(try await f.deliveredEventIDs().count == 10)
    }

    @Test("advanced selectors decide exactly which events a trail receives")
    func selectors() async throws {
        let f = try await DeliveryFixture()
        let d = try f.deliverer()
        let selection = EventSelection.advanced([
            AdvancedEventSelector(
                name: "acme writes",
                fieldSelectors: [
                    AdvancedFieldSelector(field: "eventCategory", conditions: [.equals: ["Data"]]),
                    AdvancedFieldSelector(field: "resources.type", conditions: [.equals: ["AWS::S3::Object"]]),
                    AdvancedFieldSelector(field: "readOnly", conditions: [.equals: ["false"]]),
                    AdvancedFieldSelector(field: "resources.ARN", conditions: [.startsWith: ["arn:aws:s3:::acme/"]]),
                ])
        ])
        _ = try await d.catalog.create(DeliveryFixture.trail(selection: selection))
        _ = try await d.startLogging("audit")
        let t = f.clock.now
        let wanted = (0..<3).map { i in
            RecordFixtures.record(
                time: t, name: "PutObject", source: "s3.amazonaws.com", readOnly: false, management: false,
                resources: [(type: "AWS::S3::Object", arn: "arn:aws:s3:::acme/\(i).txt")])
        }
        let other = [
            RecordFixtures.record(time: t),
            RecordFixtures.record(
                time: t, name: "GetObject", source: "s3.amazonaws.com", readOnly: true, management: false,
                resources: [(type: "AWS::S3::Object", arn: "arn:aws:s3:::acme/0.txt")]),
            RecordFixtures.record(
                time: t, name: "PutObject", source: "s3.amazonaws.com", readOnly: false, management: false,
                resources: [(type: "AWS::S3::Object", arn: "arn:aws:s3:::other/0.txt")]),
        ]
        try await f.append([other[0], wanted[0], other[1], wanted[1], other[2], wanted[2]])
        f.clock.advance(300)
        await d.tick()
        #expect(try await f.deliveredEventIDs() == wanted.map(\.eventID))
    }

    @Test("multi-region trails get a folder and a digest chain per region; single-region trails only their region")
    func regions() async throws {
        let f = try await DeliveryFixture()
        let d = try f.deliverer()
        _ = try await d.catalog.create(DeliveryFixture.trail("everywhere", multiRegion: true))
        _ = try await d.catalog.create(DeliveryFixture.trail("home"))
        _ = try await d.startLogging("everywhere")
        _ = try await d.startLogging("home")
        try await f.append(Self.records(3, time: f.clock.now) + Self.records(2, time: f.clock.now, region: "eu-west-1"))
        f.clock.advance(3600)
        await d.tick()
        let logs = try await f.files("CloudTrail")
        #expect(logs.count == 3)
        #expect(logs.filter { $0.key.contains("/CloudTrail/eu-west-1/") }.count == 1)
        let digests = try await f.files("CloudTrail-Digest").map(\.key)
        #expect(digests.filter { $0.contains("_everywhere_us-east-1_") }.count == 2)
        #expect(digests.contains { $0.contains("CloudTrail-Digest/eu-west-1/") && $0.contains("_CloudTrail-Digest_eu-west-1_everywhere_us-east-1_") })
        #expect(digests.filter { $0.contains("_home_us-east-1_") }.count == 1)
        #expect(try await f.deliveredEventIDs().count == 3 + 2 + 3)
        // Each region is signed with its own key.
        #expect(await d.keys.publicKeys(region: "eu-west-1", from: nil, to: nil).count == 1)
    }

    @Test("StopLogging delivers and digests at once; StartLogging begins a new chain")
    func stopAndStart() async throws {
        let f = try await DeliveryFixture()
        let d = try f.deliverer()
        _ = try await d.catalog.create(DeliveryFixture.trail())
        _ = try await d.startLogging("audit")
        try await f.append(Self.records(4, time: f.clock.now))
        f.clock.advance(10)
        let stopped = try await d.stopLogging("audit")
        #expect(!stopped.isLogging)
        #expect(!stopped.finalDeliveryPending)
        #expect(try await f.deliveredEventIDs().count == 4)
        let finalDigests = try await f.files("CloudTrail-Digest")
        #expect(finalDigests.count == 1)
        #expect((try Self.json(finalDigests[0].body)["logFiles"] as? [Any])?.count == 1)
        // Events while stopped are not delivered.
        try await f.append(Self.records(2, time: f.clock.now))
        f.clock.advance(10)
        _ = try await d.startLogging("audit")
        try await f.append(Self.records(1, time: f.clock.now))
        f.clock.advance(3600)
        await d.tick()
        #expect(try await f.deliveredEventIDs().count == 5)
        let digests = try await f.files("CloudTrail-Digest").sorted { $0.key < $1.key }
        #expect(digests.count == 2)
        #expect(try Self.json(digests[1].body)["previousDigestS3Object"] is NSNull)
    }

    @Test("files are cut at the size bound and a full backlog goes out before the interval")
    func sizeBound() async throws {
        var f = try await DeliveryFixture()
        f.configuration = .init(deliveryInterval: 300, digestInterval: 3600, maximumFileRecords: 10)
        let d = try f.deliverer()
        _ = try await d.catalog.create(DeliveryFixture.trail())
        _ = try await d.startLogging("audit")
        try await f.append(Self.records(25, time: f.clock.now))
        f.clock.advance(1)
        await d.tick()
        #expect(try await f.files("CloudTrail").count == 3)
        #expect(try await f.deliveredEventIDs().count == 25)
    }

    @Test("a trail with a topic queues CloudTrail's delivery notification")
    func notification() async throws {
        let f = try await DeliveryFixture()
        let d = try f.deliverer()
        _ = try await d.catalog.create(DeliveryFixture.trail(topic: "trail-events"))
        _ = try await d.startLogging("audit")
        try await f.append(Self.records(3, time: f.clock.now))
        f.clock.advance(300)
        await d.tick()
        let state = try SQLiteDeliveryStateStore(path: f.directory + "/delivery.sqlite")
        let messages = try await state.receive(queue: "trail-events", maximum: 10, visibilityTimeout: 30, time: f.clock.now)
        #expect(messages.count == 1)
        let envelope = try Self.json(Data(messages[0].body.utf8))
        #expect(envelope["Type"] as? String == "Notification")
        #expect(envelope["TopicArn"] as? String == "arn:aws:sns:us-east-1:111122223333:trail-events")
        let message = try Self.json(Data((envelope["Message"] as! String).utf8))
        #expect(message["s3Bucket"] as? String == "audit-logs")
        #expect(message["s3ObjectKey"] as? [String] == (try await f.files("CloudTrail").map(\.key)))
    }

    @Test("signing keys rotate on schedule and every key stays listed")
    func rotation() async throws {
        var f = try await DeliveryFixture()
        f.rotation = 5400
        let d = try f.deliverer()
        _ = try await d.catalog.create(DeliveryFixture.trail())
        _ = try await d.startLogging("audit")
        for _ in 0..<4 {
            f.clock.advance(3600)
            await d.tick()
        }
        let keys = await d.keys.publicKeys(region: "us-east-1", from: 0, to: f.clock.now)
        #expect(keys.count >= 2)
        #expect(Set(keys.map(\.fingerprint)).count == keys.count)
        for digest in try await f.files("CloudTrail-Digest") { #expect(try Self.verify(digest, keys: keys)) }
        // Keys are kept with owner-only permissions.
        let attributes = try FileManager.default.attributesOfItem(atPath: f.directory + "/signing-keys/" + keys[0].fingerprint + ".json")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
