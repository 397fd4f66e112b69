import ArgumentParser
import Foundation
import Logging
import ObjectStorage
import TrailDelivery
import TrailModel
import TrailStore
import TrailStoreSQLite

/// `trailkeeper bench delivery`: journal → selected, grouped, gzipped log files in the object
/// store → signed digest, as a trail delivers them (no HTTP).
struct BenchDelivery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delivery", abstract: "Deliver a journal of synthetic events as trail log files and a signed digest.")

    @Option(help: "Events in the journal.") var events = 200_000
    @Option(help: "Regions the events are spread over (one folder and digest chain each).") var regions = 1
    @Option(help: "Object store: file (the embedded store on disk) or memory.") var store = "file"
    @Option(name: .customLong("data-dir"), help: "Directory for the run (default: a temporary one, removed after).")
    var dataDirectory: String?

    func run() async throws {
        let dir = dataDirectory ?? NSTemporaryDirectory() + "/tk-bench-delivery-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if dataDirectory == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let logger = Logger(label: "bench")
        let journal = try SQLiteEventStore(configuration: .init(path: dir + "/journal.sqlite"), logger: logger)
        let objects: any ObjectStore
        switch store {
        case "file": objects = try FileObjectStore(root: dir)
        case "memory": objects = MemoryObjectStore()
        default: throw ValidationError("--store must be file or memory")
        }
        try await objects.createBucket("bench-trail", region: "us-east-1")
        let identity = ServiceIdentity(
            accountID: "111122223333", region: "us-east-1",
            defaultChannel: Channel(arn: "arn:aws:cloudtrail:us-east-1:111122223333:channel/bench", name: "bench"))
        let deliverer = TrailDeliverer(
            journal: journal, state: try SQLiteDeliveryStateStore(path: dir + "/delivery.sqlite"),
            catalog: try TrailCatalog(directory: dir + "/trails"), objects: objects,
            keys: try SigningKeyRing(directory: dir + "/signing-keys"), identity: identity, configuration: .init(), logger: logger,
            now: { Int64(Date().timeIntervalSince1970) })
        _ = try await deliverer.catalog.create(
            Trail(
                name: "bench", s3BucketName: "bench-trail", isMultiRegionTrail: true, homeRegion: "us-east-1",
                trailARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/bench", logFileValidationEnabled: true,
                creationTime: Int64(Date().timeIntervalSince1970)))
        _ = try await deliverer.startLogging("bench")

        let now = Int64(Date().timeIntervalSince1970)
        let names = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1"]
        let parser = RecordParser()
        var bytes = 0
        for start in stride(from: 0, to: events, by: 1000) {
            let lines = (start..<min(start + 1000, events)).map {
                SyntheticEvents.json($0, end: now, span: 3600, region: names[$0 % max(1, min(regions, names.count))])
            }
            let body = Data(("{\"Records\":[" + lines.joined(separator: ",") + "]}").utf8)
            bytes += body.count
            _ = try await journal.append(try parser.records(in: body).compactMap { try? $0.get() })
        }
        let clock = ContinuousClock()
        let t0 = clock.now
        try await deliverer.flush("bench", digests: false)
        let delivered = clock.now - t0
        let t1 = clock.now
        try await deliverer.flush("bench", digests: true)
        let digested = clock.now - t1
        let listing = try await objects.listObjects(ObjectListRequest(bucket: "bench-trail", maxKeys: 1_000_000))
        let logs = listing.objects.filter { $0.key.contains("/CloudTrail/") }
        let digests = listing.objects.filter { $0.key.contains("/CloudTrail-Digest/") }
        let compressed = logs.reduce(0) { $0 + $1.size }
        let seconds = Double(delivered / .milliseconds(1)) / 1000
        print("delivery (\(store) store): \(events) events (\(bytes / 1_048_576) MiB of records) → \(logs.count) log files (\(compressed / 1_048_576) MiB gzipped) in \(String(format: "%.2f", seconds)) s")
        print("delivery: \(Int(Double(events) / seconds)) events/s, \(String(format: "%.1f", Double(bytes) / 1_048_576 / seconds)) MB/s of records selected, gzipped, hashed and stored durably")
        print("digests: \(digests.count) signed digest(s) in \(String(format: "%.1f", Double(digested / .microseconds(1)) / 1000)) ms")
        try journal.close()
    }
}
