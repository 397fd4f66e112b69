import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import TrailModel

/// `trailkeeper bench ingest`: ingest throughput and acknowledgement latency against a running server.
struct BenchIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Send synthetic events to a running server; report events/s and acknowledgement latency.")

    enum API: String, ExpressibleByArgument, CaseIterable {
        case rest
        case putAuditEvents = "put-audit-events"
    }

    @Option(help: "Trailkeeper server.") var endpoint = "http://127.0.0.1:4600"
    @Option(help: "rest (POST /v1/events) or put-audit-events (CloudTrail Data).") var api: API = .rest
    @Option(help: "Events to send.") var events = 200_000
    @Option(help: "Events per request (put-audit-events: at most 100).") var batch: Int?
    @Option(help: "Requests in flight.") var concurrency = 8
    @Option(help: "Offered load in events/s (open loop); omit for as fast as possible.") var rate: Int?

    func validate() throws {
        if api == .putAuditEvents, let batch, batch > 100 { throw ValidationError("put-audit-events takes at most 100 events") }
    }

    func run() async throws {
        let config = AWSConfiguration(environment: ProcessInfo.processInfo.environment)
        let logger = Logger(label: "trailkeeper.bench")
        let perRequest = batch ?? (api == .rest ? 1000 : 100)
        try await HTTPClient.withHTTPClient { http in
            let connection = try ServerConnection(endpoint: endpoint, http: http, configuration: config, logger: logger)
            // Build every body first: generation is not what we measure.
            let now = Int64(Date().timeIntervalSince1970)
            var bodies: [Data] = []
            var path = "/v1/events"
            var query = ""
            var service = "trailkeeper"
            switch api {
            case .rest:
                for start in stride(from: 0, to: events, by: perRequest) {
                    let records = (start..<min(start + perRequest, events)).map { SyntheticEvents.json($0, end: now, span: 3600) }
                    bodies.append(Data(("{\"Records\":[" + records.joined(separator: ",") + "]}").utf8))
                }
            case .putAuditEvents:
                let channels = try await connection.cloudTrail("ListChannels", [:])
                guard let arn = (channels["Channels"] as? [[String: Any]])?.first?["ChannelArn"] as? String else {
                    throw ValidationError("the server lists no channel")
                }
                let account = arn.split(separator: ":")[4]
                path = "/PutAuditEvents"
                query = "channelArn=" + SigV4.encode(arn)
                service = "cloudtrail-data"
                for start in stride(from: 0, to: events, by: perRequest) {
                    let entries = (start..<min(start + perRequest, events)).map { i -> String in
                        let data = """
                            {"version":"1.0","userIdentity":{"type":"Employee","principalId":"user\(i % 500)@example.com","details":{"team":"ops"}},"userAgent":"bench/1.0","eventSource":"bench.example.com","eventName":"Operation\(i % 20)","eventTime":"\(EventTime.format(now - Int64(i % 3600)))","UID":"\(UUID().uuidString)","requestParameters":{"item":\(i),"path":"/widgets/\(i)"},"sourceIPAddress":"203.0.113.\(i % 250)","recipientAccountId":"\(account)"}
                            """
                        return "{\"id\":\"e\(i)\",\"eventData\":\(JSONText.quoted(data))}"
                    }
                    bodies.append(Data(("{\"auditEvents\":[" + entries.joined(separator: ",") + "]}").utf8))
                }
            }
            let bytes = bodies.reduce(0) { $0 + $1.count }
            let clock = ContinuousClock()
            let started = clock.now
            let interval: Duration? = rate.map { .nanoseconds(Int64(1e9 * Double(perRequest) / Double($0))) }
            let latencies: [Double] = try await withThrowingTaskGroup(of: Double.self) { group in
                var all: [Double] = []
                var inFlight = 0
                for (i, body) in bodies.enumerated() {
                    // Open loop: request i is due at started + i·interval, and latency counts from then.
                    let due = interval.map { started + $0 * i } ?? clock.now
                    if interval != nil, due > clock.now { try await Task.sleep(until: due, clock: clock) }
                    if inFlight >= concurrency, let l = try await group.next() {
                        all.append(l)
                        inFlight -= 1
                    }
                    let p = path, q = query, s = service
                    group.addTask {
                        let (status, response) = try await connection.send(method: .POST, path: p, query: q, body: body, service: s)
                        guard status == 200 else {
                            throw ValidationError("HTTP \(status): \(String(decoding: response.prefix(200), as: UTF8.self))")
                        }
                        return Double((clock.now - due) / .microseconds(1)) / 1000
                    }
                    inFlight += 1
                }
                for try await l in group { all.append(l) }
                return all
            }
            let seconds = Double((clock.now - started) / .milliseconds(1)) / 1000
            print("ingest \(api.rawValue): \(events) events in \(bodies.count) requests of \(perRequest), \(concurrency) in flight\(rate.map { ", offered \($0) events/s" } ?? "")")
            print("ingest \(api.rawValue): \(Int(Double(events) / seconds)) events/s, \(String(format: "%.1f", Double(bytes) / 1_048_576 / seconds)) MB/s of request bodies, \(String(format: "%.2f", seconds)) s")
            print("ingest \(api.rawValue): acknowledgement latency per request: \(LatencySummary(samples: latencies).line)")
        }
    }
}

/// `trailkeeper bench lookup`: LookupEvents latency per page against a running server.
struct BenchLookup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup", abstract: "Measure LookupEvents latency per page (first pages and deep pagination).")

    @Option(help: "Trailkeeper server.") var endpoint = "http://127.0.0.1:4600"
    @Option(help: "Pages to fetch per query shape.") var pages = 300

    func run() async throws {
        let config = AWSConfiguration(environment: ProcessInfo.processInfo.environment)
        let logger = Logger(label: "trailkeeper.bench")
        try await HTTPClient.withHTTPClient { http in
            let connection = try ServerConnection(endpoint: endpoint, http: http, configuration: config, logger: logger)
            let shapes: [(String, [String: Any])] = [
                ("no filter", [:]),
                ("EventName", ["LookupAttributes": [["AttributeKey": "EventName", "AttributeValue": "CreateUser"]]]),
                ("Username", ["LookupAttributes": [["AttributeKey": "Username", "AttributeValue": "user42"]]]),
                ("ReadOnly", ["LookupAttributes": [["AttributeKey": "ReadOnly", "AttributeValue": "false"]]]),
                ("ResourceName", ["LookupAttributes": [["AttributeKey": "ResourceName", "AttributeValue": "arn:aws:s3:::bucket-7"]]]),
            ]
            let stats = try await connection.send(method: .GET, path: "/v1/stats", body: Data(), service: "trailkeeper")
            print("lookup: store holds \(String(decoding: stats.1, as: UTF8.self))")
            let clock = ContinuousClock()
            for (name, base) in shapes {
                var samples: [Double] = []
                var input = base
                var events = 0
                for _ in 0..<pages {
                    input["MaxResults"] = 50
                    let t0 = clock.now
                    let (status, body) = try await connection.cloudTrailRaw("LookupEvents", input)
                    samples.append(Double((clock.now - t0) / .microseconds(1)) / 1000)
                    guard status == 200, let output = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
                        throw ValidationError("LookupEvents failed: HTTP \(status)")
                    }
                    events += (output["Events"] as? [Any])?.count ?? 0
                    // Walk forward through the pages; start again at the top when they run out.
                    if let token = output["NextToken"] as? String { input["NextToken"] = token } else { input = base }
                }
                print("lookup \(name): \(LatencySummary(samples: samples).line), \(events / max(pages, 1)) events/page")
            }
        }
    }
}
