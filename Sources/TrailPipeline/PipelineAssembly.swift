import AWSWire
import AsyncHTTPClient
import Foundation
import Logging
import ObjectStorage
import ServiceLifecycle
import TrailAlerts
import TrailDetection
import TrailStore
import TrailStoreSQLite

/// The pipeline's parts, built from settings: the one place that picks its concrete backends.
public struct PipelineAssembly: Sendable {
    /// The queue worker, when a queue is configured.
    public var runner: PipelineRunner
    /// The rules on the live journal (inside `serve`), when asked for.
    public var journalConsumer: JournalRuleConsumer?
    /// Sends owed alerts.
    public var dispatcher: AlertDispatcher
    public var rules: RuleSet
    public var output: FindingsOutput
    /// The local ledger (DATA_DIR/findings.sqlite).
    public var ledger: SQLiteFindingStore
    let closeSink: @Sendable () async -> Void

    init(
        runner: PipelineRunner, journalConsumer: JournalRuleConsumer?, dispatcher: AlertDispatcher, rules: RuleSet,
        output: FindingsOutput, ledger: SQLiteFindingStore, closeSink: @escaping @Sendable () async -> Void,
        sinkServices: [any Service]
    ) {
        self.runner = runner
        self.journalConsumer = journalConsumer
        self.dispatcher = dispatcher
        self.rules = rules
        self.output = output
        self.ledger = ledger
        self.closeSink = closeSink
        self.sinkServices = sinkServices
    }

    /// Services the findings sink needs running (PostgreSQL's connection pool); they come first
    /// in ``services`` so that they stop last.
    public var sinkServices: [any Service]

    /// The services to run.
    public var services: [any Service] {
        var out: [any Service] = sinkServices + [runner, dispatcher]
        if let journalConsumer { out.append(journalConsumer) }
        return out
    }

    /// Builds the pipeline.
    ///
    /// - Parameters:
    ///   - settings: queue, rules, findings, alerts.
    ///   - dataDirectory: DATA_DIR (the ledger, the embedded queue, embedded objects).
    ///   - state: the embedded queue's store.
    ///   - localObjects: the embedded object store (read for embedded-queue notifications).
    ///   - journal: the live journal, when the rules should run on it.
    ///   - httpClient: for AWS and alert targets.
    ///   - aws: the AWS configuration (credentials, region, endpoints).
    public static func build(
        settings: PipelineSettings, dataDirectory: String, state: any DeliveryStateStore, localObjects: any ObjectStore,
        journal: (any EventStore)?, httpClient: HTTPClient, aws: AWSConfiguration, logger: Logger
    ) async throws -> PipelineAssembly {
        let rules = try RuleSet.load(settings.rules)
        logger.info("rules loaded", metadata: ["trail.rules": "\(rules.rules.count)"])
        let ledger = try SQLiteFindingStore(path: (dataDirectory as NSString).appendingPathComponent("findings.sqlite"))
        let output: FindingsOutput
        let closeSink: @Sendable () async -> Void
        if settings.findings == "sqlite" {
            output = FindingsOutput(sink: ledger, ledger: ledger, sinkIsLedger: true)
            closeSink = {}
        } else {
            let sink = try await FindingStores.open(
                settings.findings, dataDirectory: dataDirectory, httpClient: httpClient, aws: aws, logger: logger)
            output = FindingsOutput(sink: sink, ledger: ledger, sinkIsLedger: false)
            closeSink = { try? await sink.close() }
        }
        let targetConfiguration = AlertTargetConfiguration(httpClient: httpClient, aws: aws, logger: logger)
        let targets = try settings.alerts.map { try AlertTargets.make($0, configuration: targetConfiguration) }
        let alerter = Alerter(
            targets: targets,
            policy: AlertPolicy(
                individualAlertsPerWindow: settings.alertsPerWindow, window: .seconds(settings.alertWindow)),
            logger: logger)
        let queue: any PipelineQueue
        let objects: any ObjectStore
        if settings.queue == "embedded" {
            queue = EmbeddedQueue(
                state: state, visibilityTimeout: settings.visibilityTimeout, maximumReceives: settings.maximumReceives)
            objects = localObjects
        } else {
            guard settings.queue.hasPrefix("https://") || settings.queue.hasPrefix("http://") else {
                throw PipelineQueueError("queue must be 'embedded' or an SQS queue URL, not \(settings.queue)")
            }
            queue = try await SQSQueue.open(client: try sqsClient(settings.queue, httpClient: httpClient, aws: aws, logger: logger), url: settings.queue)
            objects = S3ObjectStore(client: try S3Client(httpClient: httpClient, configuration: aws, logger: logger))
        }
        let processor = LogFileProcessor(objects: objects, rules: rules, output: output, logger: logger)
        let runner = PipelineRunner(
            queue: queue, processor: processor,
            configuration: .init(
                concurrency: settings.concurrency, waitSeconds: settings.waitSeconds, retryDelay: settings.retryDelay,
                stopWhenEmpty: settings.stopWhenEmpty),
            logger: logger)
        let consumer = journal.flatMap { journal in
            settings.journal ? JournalRuleConsumer(journal: journal, rules: rules, output: output, logger: logger) : nil
        }
        return PipelineAssembly(
            runner: runner, journalConsumer: consumer,
            dispatcher: AlertDispatcher(ledger: ledger, alerter: alerter, logger: logger), rules: rules, output: output,
            ledger: ledger, closeSink: closeSink, sinkServices: FindingStores.services(of: output.sink))
    }

    /// An SQS client for `url`: the configured SQS endpoint when one is set (AWS_ENDPOINT_URL…),
    /// else the queue URL's host.
    public static func sqsClient(_ url: String, httpClient: HTTPClient, aws: AWSConfiguration, logger: Logger) throws
        -> SQSClient
    {
        if aws.endpoint(for: "SQS") != nil {
            return try SQSClient(httpClient: httpClient, configuration: aws, logger: logger)
        }
        return try SQSClient(
            client: AWSClient(httpClient: httpClient, awsConfiguration: aws, logger: logger), queueURL: url,
            region: aws.region)
    }

    /// The queue alone (for `dlq list` / `dlq redrive`).
    public static func queue(
        _ spec: String, dataDirectory: String, httpClient: HTTPClient, aws: AWSConfiguration, maximumReceives: Int,
        logger: Logger
    ) async throws -> (queue: any PipelineQueue, close: @Sendable () -> Void) {
        if spec == "embedded" {
            let state = try SQLiteDeliveryStateStore(
                path: (dataDirectory as NSString).appendingPathComponent("delivery.sqlite"))
            return (EmbeddedQueue(state: state, maximumReceives: maximumReceives), { try? state.close() })
        }
        let client = try sqsClient(spec, httpClient: httpClient, aws: aws, logger: logger)
        return (try await SQSQueue.open(client: client, url: spec), {})
    }

    /// Closes the stores.
    public func close() async {
        await closeSink()
        try? await ledger.close()
    }
}
