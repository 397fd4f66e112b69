import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import ObjectStorage
import ServiceLifecycle
import TrailAlerts
import TrailPipeline
import TrailStoreSQLite
import UnixSignals

/// `trailkeeper pipeline`: notifications → log files → rules → findings → alerts.
struct PipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Process CloudTrail log files named by queue notifications: rules, findings, alerts.",
        discussion: """
            Sources: an SQS queue receiving S3 event notifications (raw or in an SNS envelope) or \
            CloudTrail's SNS notifications; or `embedded`, the queue Trailkeeper's own trail deliveries feed \
            (DATA_DIR/delivery.sqlite). AWS credentials, region and endpoints come from the usual AWS \
            configuration (AWS_* variables, AWS_PROFILE, shared files, AWS_ENDPOINT_URL[_SERVICE]).
            Findings: sqlite (DATA_DIR/findings.sqlite), sqlite:///path, postgres://user@host:port/db, \
            dynamodb://TABLE (created when missing: eventID HASH, rule RANGE).
            Alerts: http(s):// webhook, slack+https://…, arn:aws:sns:…, smtp://host:port?from=…&to=…, \
            pagerduty://ROUTING_KEY. SIGTERM or SIGINT stops after the files in progress.
            """)

    @Option(help: "SQS queue URL, or 'embedded'.") var queue: String
    @Option(name: .customLong("rules"), parsing: .upToNextOption, help: "Rule files (YAML/JSON/monitored_events.json) or pack names (cis-aws-foundations).")
    var rules: [String]
    @Option(help: "Where findings go: sqlite | sqlite:///path | postgres://… | dynamodb://TABLE.") var findings = "sqlite"
    @Option(name: .customLong("alert"), help: "An alert target URL (repeatable).") var alerts: [String] = []
    @Option(name: .customLong("data-dir"), help: "Data directory: alert ledger, embedded queue and objects.")
    var dataDirectory = "./trailkeeper-data"
    @Option(help: "Files processed at once.") var concurrency = 2
    @Option(name: .customLong("retry-delay"), help: "Seconds before a failed file's message is retried.") var retryDelay = 30
    @Option(name: .customLong("wait-seconds"), help: "Long-poll wait (0-20).") var waitSeconds = 20
    @Option(name: .customLong("max-receives"), help: "Embedded queue: receives before dead-lettering.") var maximumReceives = 5
    @Option(name: .customLong("visibility-timeout"), help: "Embedded queue: seconds a message stays hidden.") var visibilityTimeout = 300
    @Option(name: .customLong("alert-window"), help: "Alert aggregation window in seconds.") var alertWindow = 60
    @Option(name: .customLong("alerts-per-window"), help: "Alerts per rule and window before a summary.") var alertsPerWindow = 5
    @Flag(name: .customLong("until-empty"), help: "Stop when the queue is empty.") var untilEmpty = false
    @Option(name: .customLong("log-level"), help: "trace … critical (default info).") var logLevel = "info"

    func validate() throws {
        guard !rules.isEmpty else { throw ValidationError("--rules needs at least one rule file or pack") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1-64") }
        guard (0...20).contains(waitSeconds) else { throw ValidationError("--wait-seconds must be 0-20") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    var settings: PipelineSettings {
        var s = PipelineSettings()
        s.queue = queue
        s.rules = rules
        s.findings = findings
        s.alerts = alerts
        s.concurrency = concurrency
        s.retryDelay = retryDelay
        s.waitSeconds = waitSeconds
        s.maximumReceives = maximumReceives
        s.visibilityTimeout = visibilityTimeout
        s.alertWindow = alertWindow
        s.alertsPerWindow = alertsPerWindow
        s.stopWhenEmpty = untilEmpty
        s.journal = false
        return s
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "trailkeeper.pipeline")
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let aws = AWSConfiguration(environment: ProcessInfo.processInfo.environment)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let state = try SQLiteDeliveryStateStore(path: (dataDirectory as NSString).appendingPathComponent("delivery.sqlite"))
        do {
            let assembly = try await PipelineAssembly.build(
                settings: settings, dataDirectory: dataDirectory, state: state,
                localObjects: try FileObjectStore(root: dataDirectory), journal: nil, httpClient: http, aws: aws,
                logger: logger)
            var services: [ServiceGroupConfiguration.ServiceConfiguration]
            if untilEmpty {
                // Drain the queue, send what is owed, then stop the sink's services.
                services = assembly.sinkServices.map { .init(service: $0) }
                services.append(
                    .init(
                        service: OneShotService {
                            try await assembly.runner.run()
                            while await assembly.dispatcher.dispatchOnce() > 0 {}
                            _ = await assembly.dispatcher.alerter.flush(force: true)
                        }, successTerminationBehavior: .gracefullyShutdownGroup))
            } else {
                services = assembly.services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) }
            }
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            let totals = await assembly.runner.totals()
            print(
                "files \(totals.files), records \(totals.records), rejected \(totals.rejected), findings \(totals.findings) (\(totals.newFindings) new), failures \(totals.failures)"
            )
            await assembly.close()
        } catch {
            try? state.close()
            try? await http.shutdown()
            throw error
        }
        try? state.close()
        try await http.shutdown()
    }
}

/// A service that runs one closure to its end.
struct OneShotService: Service {
    let body: @Sendable () async throws -> Void
    func run() async throws { try await body() }
}

/// `trailkeeper dlq`: the pipeline's dead letters.
struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "List or redrive the pipeline queue's dead letters (SQS or embedded).",
        subcommands: [DLQList.self, DLQRedrive.self])
}

struct DLQOptions: ParsableArguments {
    @Option(help: "SQS queue URL (its RedrivePolicy names the DLQ), or 'embedded'.") var queue: String
    @Option(name: .customLong("data-dir"), help: "Data directory of the embedded queue.") var dataDirectory = "./trailkeeper-data"
    @Option(help: "At most this many messages.") var limit = 1000

    func withQueue<T: Sendable>(_ body: (any PipelineQueue) async throws -> T) async throws -> T {
        let logger = Logger(label: "trailkeeper.dlq")
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let (queue, close) = try await PipelineAssembly.queue(
                queue, dataDirectory: dataDirectory, httpClient: http,
                aws: AWSConfiguration(environment: ProcessInfo.processInfo.environment), maximumReceives: 5, logger: logger)
            defer { close() }
            let result = try await body(queue)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}

struct DLQList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Print the dead letters (not consumed).")
    @OptionGroup var options: DLQOptions
    @Flag(help: "JSON lines output.") var json = false

    func run() async throws {
        let messages = try await options.withQueue { try await $0.deadLetters(limit: options.limit) }
        for m in messages {
            if json {
                let object: [String: Any] = ["id": m.id, "receiveCount": m.receiveCount, "sent": m.sentTime ?? 0, "body": m.body]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                let sent = m.sentTime.map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval($0))) } ?? "-"
                print("\(m.id)\t\(sent)\treceives=\(m.receiveCount)\t\(Self.summary(m.body))")
            }
        }
        if !json { print("\(messages.count) dead letter(s)") }
    }

    /// The objects a message names, else its first 200 characters.
    static func summary(_ body: String) -> String {
        if case .objects(let refs)? = try? QueueNotification.parse(body) {
            return refs.map(\.description).joined(separator: " ")
        }
        return String(body.prefix(200)).replacingOccurrences(of: "\n", with: " ")
    }
}

struct DLQRedrive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "redrive", abstract: "Move dead letters back to the queue.")
    @OptionGroup var options: DLQOptions

    func run() async throws {
        let moved = try await options.withQueue { try await $0.redriveDeadLetters(limit: options.limit) }
        print("\(moved) message(s) moved back to \(options.queue)")
    }
}
