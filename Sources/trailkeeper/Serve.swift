import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import TrailPipeline
import TrailServer

/// `trailkeeper serve`: the service on one port, embedded defaults unless told otherwise.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the Trailkeeper service (CloudTrail API, CloudTrail Data, native REST API).")

    @Option(name: .customLong("data-dir"), help: "Data directory (default ./trailkeeper-data).")
    var dataDirectory: String?
    @Option(help: "Port to listen on (default 4600).")
    var port: Int?
    @Option(help: "Address to listen on (default 127.0.0.1).")
    var host: String?
    @Option(help: "YAML configuration file.")
    var config: String?
    @Option(name: .customLong("account-id"), help: "12-digit account ID (default: generated once per data dir).")
    var accountID: String?
    @Option(help: "Home region (default us-east-1).")
    var region: String?
    @Option(name: .customLong("retention-days"), help: "Event history retention in days (default 90).")
    var retentionDays: Int?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: String?
    @Option(name: .customLong("delivery-interval"), help: "Trail log file delivery interval, e.g. 2s, 1m (default 5m).")
    var deliveryInterval: String?
    @Option(name: .customLong("digest-interval"), help: "Digest file interval, e.g. 10s, 1h (default 1h).")
    var digestInterval: String?
    @Option(name: .customLong("signing-key-rotation"), help: "Digest signing key lifetime, e.g. 30d (default 30d).")
    var signingKeyRotation: String?
    @Option(name: .customLong("rules"), help: "Run the pipeline with these rule files or packs (repeatable); see `pipeline --help`.")
    var rules: [String] = []
    @Option(name: .customLong("pipeline-queue"), help: "The pipeline's queue: embedded (default) or an SQS queue URL.")
    var pipelineQueue: String?
    @Option(name: .customLong("findings"), help: "Where the pipeline's findings go (default sqlite).")
    var findings: String?
    @Option(name: .customLong("alert"), help: "An alert target URL (repeatable).")
    var alerts: [String] = []

    func run() async throws {
        var cli: [String: String] = [:]
        cli["data-dir"] = dataDirectory
        cli["port"] = port.map(String.init)
        cli["host"] = host
        cli["account-id"] = accountID
        cli["region"] = region
        cli["retention-days"] = retentionDays.map(String.init)
        cli["log-level"] = logLevel
        cli["delivery-interval"] = deliveryInterval
        cli["digest-interval"] = digestInterval
        cli["signing-key-rotation"] = signingKeyRotation
        var configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.resolve(
                commandLine: cli, environment: ProcessInfo.processInfo.environment, file: config)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        if !rules.isEmpty || pipelineQueue != nil || findings != nil || !alerts.isEmpty {
            var settings = configuration.pipeline ?? PipelineSettings()
            if !rules.isEmpty { settings.rules = rules }
            if let pipelineQueue { settings.queue = pipelineQueue }
            if let findings { settings.findings = findings }
            if !alerts.isEmpty { settings.alerts = alerts }
            guard !settings.rules.isEmpty else { throw ValidationError("the pipeline needs --rules") }
            configuration.pipeline = settings
        }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "trailkeeper")
        let group: ServiceGroup
        do {
            group = try await buildServiceGroup(
                configuration: configuration, logger: logger,
                metricsText: {
                    var buffer: [UInt8] = []
                    registry.emit(into: &buffer)
                    return String(decoding: buffer, as: UTF8.self)
                })
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        try await group.run()
    }
}
