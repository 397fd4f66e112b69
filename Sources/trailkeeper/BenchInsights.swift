import ArgumentParser
import Foundation
import Logging
import TrailInsights
import TrailModel
import TrailStore
import TrailStoreSQLite

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `trailkeeper bench insights`: the analyzer's CPU cost per million journal events (plan §5.4).
///
/// Writes a journal of synthetic management events spread over eight days (20 APIs, about 70 % writes,
/// 5 % errors) plus a burst of `CreateUser` calls in one minute, then runs the analyzer over it from
/// scratch with both insight types enabled, and prints the process CPU seconds (CLOCK_PROCESS_CPUTIME_ID) the analysis
/// took per million events, the size of `insights.sqlite` and the insights it wrote.
struct BenchInsights: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insights", abstract: "Measure the Insights analyzer's CPU cost per million journal events.")

    @Option(help: "Events in the journal.") var events = 1_000_000
    @Option(help: "Calls in the injected burst (one minute of CreateUser).") var burst = 500
    @Option(name: .customLong("data-dir"), help: "Directory for the journal and state (default: a temporary one, removed after).")
    var dataDirectory: String?

    static let names = [
        "CreateUser", "DeleteUser", "PutObject", "RunInstances", "TerminateInstances", "CreateRole", "AttachRolePolicy",
        "PutBucketPolicy", "CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "UpdateFunctionCode", "CreateKey",
        "Decrypt", "AssumeRole", "ConsoleLogin", "PutParameter", "CreateStack", "DeleteBucket", "CreateAccessKey",
        "StopInstances",
    ]

    static func sourceOf(_ name: String) -> String {
        switch name {
        case "CreateUser", "DeleteUser", "CreateRole", "AttachRolePolicy", "CreateAccessKey": "iam.amazonaws.com"
        case "PutObject", "PutBucketPolicy", "DeleteBucket": "s3.amazonaws.com"
        case "CreateKey", "Decrypt": "kms.amazonaws.com"
        case "AssumeRole": "sts.amazonaws.com"
        case "ConsoleLogin": "signin.amazonaws.com"
        case "PutParameter": "ssm.amazonaws.com"
        case "CreateStack": "cloudformation.amazonaws.com"
        case "UpdateFunctionCode": "lambda.amazonaws.com"
        default: "ec2.amazonaws.com"
        }
    }

    static func event(_ i: Int, time: Int64, name: String, readOnly: Bool, error: String?) -> String {
        var s = "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/u\(i % 50)\"},"
        s += "\"eventTime\":\"\(EventTime.format(time))\",\"eventSource\":\"\(sourceOf(name))\",\"eventName\":\"\(name)\","
        s += "\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.\(i % 250)\",\"userAgent\":\"bench/\(i % 3)\","
        if let error { s += "\"errorCode\":\"\(error)\"," }
        s += "\"readOnly\":\(readOnly),\"eventID\":\"\(UUID().uuidString.lowercased())\",\"eventType\":\"AwsApiCall\","
        s += "\"managementEvent\":true,\"recipientAccountId\":\"111122223333\",\"eventCategory\":\"Management\"}"
        return s
    }

    struct Analysis {
        var wall: Double
        var cpu: Double
        var bytes: Int
        var records: [InsightRecord]
    }

    /// Runs a fresh analyzer over the whole journal with `types` enabled; measures it.
    func analyse(
        journal: SQLiteEventStore, statePath: String, types: Set<InsightType>, end: Int64, span: Int64, logger: Logger
    ) async throws -> Analysis {
        let state = try SQLiteInsightStateStore(path: statePath)
        let callRate = InsightThresholds(minimumPerMinute: 10, ratio: 3, sigma: 4, endQuietMinutes: 2, lateness: 300, warmup: 36 * 3600)
        let errorRate = InsightThresholds(minimumPerMinute: 5, ratio: 3, sigma: 4, endQuietMinutes: 2, lateness: 300, warmup: 36 * 3600)
        let analyzer = InsightsAnalyzer(
            journal: journal, store: state,
            configuration: .init(callRate: callRate, errorRate: errorRate, backfill: span + 86_400, batchSize: 5000),
            enabledTypes: { types }, logger: logger, now: { end + 3600 })
        let clock = ContinuousClock()
        let cpu0 = Self.cpuSeconds()
        let start = clock.now
        var records: [InsightRecord] = []
        while true {
            let result = try await analyzer.step()
            records += result.records
            if result.entries == 0 { break }
        }
        let wall = Double((clock.now - start) / .milliseconds(1)) / 1000
        let cpu = Self.cpuSeconds() - cpu0
        try state.close()
        let bytes = ["", "-wal"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: statePath + $0)[.size] as? NSNumber)?.intValue
        }.reduce(0, +)
        return Analysis(wall: wall, cpu: cpu, bytes: bytes, records: records)
    }

    /// CPU seconds of the whole process (every thread: the analyzer's and SQLite's).
    static func cpuSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    func run() async throws {
        let dir = dataDirectory ?? NSTemporaryDirectory() + "/tk-bench-insights-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if dataDirectory == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let journal = try SQLiteEventStore(
            configuration: .init(path: dir + "/journal.sqlite", synchronousFull: false), logger: Logger(label: "bench"))
        let end = Int64(Date().timeIntervalSince1970) / 60 * 60 - 3600
        let span: Int64 = 8 * 86_400
        let parser = RecordParser()
        var generator = SystemRandomNumberGenerator()
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        var batch: [AuditRecord] = []
        let burstMinute = end - 1800
        for i in 0..<events {
            let text: String
            if i < burst {
                text = Self.event(i, time: burstMinute + Int64(i % 60), name: "CreateUser", readOnly: false, error: nil)
            } else {
                let name = Self.names[Int.random(in: 0..<Self.names.count, using: &generator)]
                let time = end - span + Int64(Double(span) * Double(i) / Double(events))
                text = Self.event(
                    i, time: time, name: name, readOnly: Int.random(in: 0..<10, using: &generator) < 3,
                    error: Int.random(in: 0..<20, using: &generator) == 0 ? "AccessDenied" : nil)
            }
            batch.append(try parser.record(Data(text.utf8)).get())
            if batch.count == 2000 {
                _ = try await journal.append(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { _ = try await journal.append(batch) }
        print("insights: journal of \(events) events written")

        // Phase 1: counting only (always on in `serve`): no type enabled, so no detector and no records.
        let counted = try await analyse(
            journal: journal, statePath: dir + "/insights-counting.sqlite", types: [], end: end, span: span, logger: logger)
        print("insights: counting only: \(events) events in \(String(format: "%.2f", counted.wall)) s wall, \(String(format: "%.2f", counted.cpu)) CPU-s")
        print("insights: counting only: \(String(format: "%.3f", counted.cpu / Double(events) * 1_000_000)) CPU-s per million events (target ≤ 1)")
        print("insights: counting only: insights.sqlite \(counted.bytes) bytes")

        // Phase 2: both types enabled with serve's thresholds (warmup 36h): counting, detection, records
        // with attributions (each reads the key's events of the insight and its 7-day baseline).
        let full = try await analyse(
            journal: journal, statePath: dir + "/insights.sqlite", types: Set(InsightType.allCases), end: end, span: span,
            logger: logger)
        let starts = full.records.filter { $0.state == .start }
        print("insights: detection on: \(events) events in \(String(format: "%.2f", full.wall)) s wall, \(String(format: "%.2f", full.cpu)) CPU-s")
        print("insights: detection on: \(String(format: "%.3f", full.cpu / Double(events) * 1_000_000)) CPU-s per million events")
        print("insights: \(starts.count) Start and \(full.records.count - starts.count) End records")
        if !full.records.isEmpty {
            let perRecord = Swift.max(0, full.cpu - counted.cpu) / Double(full.records.count)
            print("insights: detection and records cost \(String(format: "%.3f", perRecord)) CPU-s per record (attributions dominate)")
        }
        for record in starts.prefix(20) {
            print("  Start \(EventTime.format(record.eventTime)) \(record.insightType.rawValue) \(record.eventSource) \(record.eventName) \(record.errorCode ?? "")")
        }
        try journal.close()
    }
}
