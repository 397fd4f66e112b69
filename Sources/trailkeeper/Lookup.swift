import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import TrailModel

/// `trailkeeper lookup`: LookupEvents from the shell, paginated like the AWS CLI.
struct Lookup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look up management events in event history (LookupEvents): a table, or --json for scripts.")

    @Option(help: "Trailkeeper server.") var endpoint = "http://127.0.0.1:4600"
    @Option(name: .customLong("lookup-attribute"), help: "Key=Value, e.g. EventName=ConsoleLogin (EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId).")
    var attribute: String?
    @Option(name: .customLong("start-time"), help: "ISO-8601 time or epoch seconds.") var startTime: String?
    @Option(name: .customLong("end-time"), help: "ISO-8601 time or epoch seconds.") var endTime: String?
    @Option(name: .customLong("event-category"), help: "insight for Insights events.") var eventCategory: String?
    @Option(name: .customLong("max-items"), help: "Stop after this many events (default 50).") var maxItems = 50
    @Option(help: "Region to sign for (default: AWS_REGION / AWS_DEFAULT_REGION / profile / us-east-1).") var region: String?
    @Flag(help: "Print the raw LookupEvents pages' events as JSON lines (each CloudTrailEvent as received).") var json = false

    func validate() throws {
        if let attribute, !attribute.contains("=") { throw ValidationError("--lookup-attribute takes Key=Value") }
        guard maxItems >= 1 else { throw ValidationError("--max-items must be at least 1") }
    }

    static func time(_ text: String) throws -> Double {
        if let d = Double(text) { return d }
        if let t = EventTime.parse(text) ?? EventTime.parse(text + "T00:00:00Z") { return Double(t) }
        throw ValidationError("\(text) is not a time")
    }

    func run() async throws {
        var config = AWSConfiguration(environment: ProcessInfo.processInfo.environment)
        if let region { config.region = region }
        let logger = Logger(label: "trailkeeper.lookup")
        try await HTTPClient.withHTTPClient { http in
            let connection = try ServerConnection(endpoint: endpoint, http: http, configuration: config, logger: logger)
            var input: [String: Any] = [:]
            if let attribute {
                let parts = attribute.split(separator: "=", maxSplits: 1).map(String.init)
                input["LookupAttributes"] = [["AttributeKey": parts[0], "AttributeValue": parts[1]]]
            }
            if let startTime { input["StartTime"] = try Self.time(startTime) }
            if let endTime { input["EndTime"] = try Self.time(endTime) }
            if let eventCategory { input["EventCategory"] = eventCategory }
            var remaining = maxItems
            var rows: [[String]] = []
            repeat {
                input["MaxResults"] = min(50, remaining)
                let output = try await connection.cloudTrail("LookupEvents", input)
                let events = output["Events"] as? [[String: Any]] ?? []
                for event in events {
                    if json {
                        print(event["CloudTrailEvent"] as? String ?? "{}")
                    } else {
                        let time = (event["EventTime"] as? NSNumber).map { EventTime.format($0.int64Value) } ?? ""
                        rows.append([
                            time, event["EventName"] as? String ?? "", event["Username"] as? String ?? "",
                            event["EventSource"] as? String ?? "", event["EventId"] as? String ?? "",
                        ])
                    }
                }
                remaining -= events.count
                guard let token = output["NextToken"] as? String, remaining > 0, !events.isEmpty else { break }
                input["NextToken"] = token
            } while true
            if !json { Table.print(header: ["EventTime", "EventName", "Username", "EventSource", "EventId"], rows: rows) }
        }
    }
}
