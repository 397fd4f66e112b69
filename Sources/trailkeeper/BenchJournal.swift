import ArgumentParser
import Foundation
import Logging
import TrailModel
import TrailStore
import TrailStoreSQLite

/// Synthetic CloudTrail records for benchmarks: realistic size (~1.2 KB) and field spread.
enum SyntheticEvents {
    static let names = ["DescribeInstances", "GetObject", "PutObject", "CreateUser", "AssumeRole", "ListBuckets",
                        "DeleteBucket", "RunInstances", "GetCallerIdentity", "ConsoleLogin"]
    static let sources = ["ec2.amazonaws.com", "s3.amazonaws.com", "iam.amazonaws.com", "sts.amazonaws.com",
                          "signin.amazonaws.com"]

    /// The JSON text of record `i`; times spread over `span` seconds before `end`.
    static func json(_ i: Int, end: Int64, span: Int64, region: String = "us-east-1") -> String {
        let time = end - Int64(i) % max(span, 1)
        let user = "user\(i % 500)"
        let name = names[i % names.count]
        let source = sources[i % sources.count]
        let readOnly = i % 3 != 0
        return """
            {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE\(i % 500)","arn":"arn:aws:iam::111122223333:user/\(user)","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE\(String(format: "%09d", i % 5000))","userName":"\(user)","sessionContext":{"attributes":{"creationDate":"2024-05-01T08:55:10Z","mfaAuthenticated":"false"}}},"eventTime":"\(EventTime.format(time))","eventSource":"\(source)","eventName":"\(name)","awsRegion":"\(region)","sourceIPAddress":"203.0.113.\(i % 250)","userAgent":"aws-cli/2.15.17 Python/3.11.6 Linux/6.1 exe/x86_64.debian.12 prompt/off command/\(name)","requestParameters":{"bucketName":"bucket-\(i % 100)","key":"logs/2024/05/01/object-\(i).json","Host":"bucket-\(i % 100).s3.us-east-1.amazonaws.com"},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"EXAMPLEhostid0123456789=","bytesTransferredOut":1048576},"requestID":"\(UUID().uuidString)","eventID":"\(UUID().uuidString.lowercased())","readOnly":\(readOnly),"resources":[{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::bucket-\(i % 100)","accountId":"111122223333"}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"bucket-\(i % 100).s3.us-east-1.amazonaws.com"}}
            """
    }
}

/// Percentiles of a set of durations, in milliseconds.
struct LatencySummary {
    var samples: [Double]
    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
        return sorted[max(0, index)]
    }
    var line: String {
        String(
            format: "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)", percentile(0.5),
            percentile(0.9), percentile(0.99), samples.max() ?? 0, samples.count)
    }
}

/// `trailkeeper bench journal`: the store alone (parse + group-committed durable appends), no HTTP.
struct BenchJournal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "Append synthetic events straight into a SQLite journal (parse + durable commit).")

    @Option(help: "Events to append.") var events = 200_000
    @Option(help: "Records per append call.") var batch = 100
    @Option(help: "Concurrent appenders.") var concurrency = 8
    @Option(name: .customLong("data-dir"), help: "Directory for the journal (default: a temporary one, removed after).")
    var dataDirectory: String?
    @Option(name: .customLong("span-days"), help: "Spread event times over this many days before now.")
    var spanDays = 1
    @Flag(name: .customLong("parse-only"), help: "Parse without storing (the parser's share of the cost).")
    var parseOnly = false
    @Flag(name: .customLong("no-fsync"), help: "synchronous=NORMAL: durable across process crashes, not power loss.")
    var noFsync = false

    func run() async throws {
        let dir = dataDirectory ?? NSTemporaryDirectory() + "/tk-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if dataDirectory == nil { try? FileManager.default.removeItem(atPath: dir) } }
        // The layout of a data dir, so `serve --data-dir` can answer lookups over it afterwards.
        let store = try SQLiteEventStore(configuration: .init(path: dir + "/journal.sqlite", synchronousFull: !noFsync), logger: Logger(label: "bench"))
        let now = Int64(Date().timeIntervalSince1970)
        // Pre-build request bodies so that generation is not measured.
        let bodies: [Data] = stride(from: 0, to: events, by: batch).map { start in
            let lines = (start..<min(start + batch, events)).map { SyntheticEvents.json($0, end: now, span: Int64(spanDays) * 86400) }
            return Data(("{\"Records\":[" + lines.joined(separator: ",") + "]}").utf8)
        }
        let bytes = bodies.reduce(0) { $0 + $1.count }
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            let perWorker = (bodies.count + concurrency - 1) / concurrency
            for w in 0..<concurrency {
                let slice = Array(bodies.dropFirst(w * perWorker).prefix(perWorker))
                group.addTask {
                    let parser = RecordParser()
                    var samples: [Double] = []
                    for body in slice {
                        let t0 = clock.now
                        let records = try parser.records(in: body).compactMap { try? $0.get() }
                        if !parseOnly { _ = try await store.append(records) }
                        samples.append(Double((clock.now - t0) / .microseconds(1)) / 1000)
                    }
                    return samples
                }
            }
            var all: [Double] = []
            for try await s in group { all += s }
            return all
        }
        let seconds = Double((clock.now - start) / .milliseconds(1)) / 1000
        print("journal: \(events) events (\(bytes / 1_048_576) MiB) in \(String(format: "%.2f", seconds)) s")
        print("journal: \(Int(Double(events) / seconds)) events/s, \(String(format: "%.1f", Double(bytes) / 1_048_576 / seconds)) MB/s, durable (synchronous=FULL)")
        print("journal: append latency per \(batch)-event call: \(LatencySummary(samples: latencies).line)")
        try store.close()
    }
}
