import Logging
import Metrics
import ObjectStorage
import TrailArchive
import TrailDelivery
import TrailLake
import TrailModel
import TrailStore

/// What the routes need: the store, who we are, how callers are authenticated, and limits.
public struct TrailAPIContext: Sendable {
    /// Knobs of the HTTP API.
    public struct Configuration: Sendable {
        /// Event history shows events no older than this many days (CloudTrail: 90).
        public var retentionDays: Int
        /// Largest PutAuditEvents body (CloudTrail Data: 1 MB).
        public var putAuditEventsBodyLimit: Int
        /// Largest native batch body.
        public var batchBodyLimit: Int
        /// Largest control-plane body.
        public var controlBodyLimit: Int
        /// Largest single record.
        public var maximumRecordSize: Int
        /// The organization ID (`o-…`) organization trails use, when this deployment has one.
        public var organizationID: String?
        /// Largest object accepted by the S3 subset's PutObject.
        public var objectBodyLimit: Int
        /// The access keys whose `x-amz-bypass-governance-retention` is honoured (S3's
        /// `s3:BypassGovernanceRetention`); every key of the server when nil. Compliance-mode
        /// retention is never bypassed.
        public var governanceBypassKeys: Set<String>?

        public init(
            retentionDays: Int = 90, putAuditEventsBodyLimit: Int = 1_048_576, batchBodyLimit: Int = 32 * 1_048_576,
            controlBodyLimit: Int = 1_048_576, maximumRecordSize: Int = 256 * 1024, organizationID: String? = nil,
            objectBodyLimit: Int = 256 * 1_048_576, governanceBypassKeys: Set<String>? = nil
        ) {
            self.governanceBypassKeys = governanceBypassKeys
            self.objectBodyLimit = objectBodyLimit
            self.organizationID = organizationID
            self.retentionDays = retentionDays
            self.putAuditEventsBodyLimit = putAuditEventsBodyLimit
            self.batchBodyLimit = batchBodyLimit
            self.controlBodyLimit = controlBodyLimit
            self.maximumRecordSize = maximumRecordSize
        }
    }

    public var store: any EventStore
    /// The embedded object store served by the S3 subset.
    public var objects: any ObjectStore
    /// Trail delivery: the catalog, signing keys and the delivery engine.
    public var deliverer: TrailDeliverer
    public var identity: ServiceIdentity
    public var authenticator: any RequestAuthenticator
    public var configuration: Configuration
    /// Seconds since 1970; injected so tests control time.
    public var now: @Sendable () -> Int64
    /// Prometheus exposition text for `/metrics`.
    public var metricsText: @Sendable () async -> String
    /// The buckets' lifecycle configurations set through the S3 subset (`?lifecycle`); without
    /// one, the subset does not offer that subresource.
    public var lifecycle: BucketLifecycleStore?
    /// CloudTrail Lake queries (StartQuery, DescribeQuery, …); those operations answer
    /// UnsupportedOperationException without it.
    public var queries: QueryService?
    /// CloudTrail Lake (event data stores, channels, imports); without it only the default channel exists and
    /// the Lake operations are unknown.
    public var lake: LakeServices?
    /// The Insights analyzer's counts (ListInsightsMetricData); `nil` when Insights is disabled.
    public var insights: (any InsightStateStore)?

    public init(
        store: any EventStore, objects: any ObjectStore, deliverer: TrailDeliverer, identity: ServiceIdentity, authenticator: any RequestAuthenticator,
        configuration: Configuration = .init(), now: @escaping @Sendable () -> Int64,
        metricsText: @escaping @Sendable () async -> String = { "" }, lifecycle: BucketLifecycleStore? = nil,
        queries: QueryService? = nil,
        lake: LakeServices? = nil,
        insights: (any InsightStateStore)? = nil
    ) {
        self.queries = queries
        self.lake = lake
        self.insights = insights
        self.lifecycle = lifecycle
        self.store = store
        self.objects = objects
        self.deliverer = deliverer
        self.identity = identity
        self.authenticator = authenticator
        self.configuration = configuration
        self.now = now
        self.metricsText = metricsText
    }
}

/// Ingest counters, created once.
struct IngestMetrics: Sendable {
    let ingested = Counter(label: "trailkeeper_ingested_events_total")
    let rejected = Counter(label: "trailkeeper_rejected_events_total")
    let duplicates = Counter(label: "trailkeeper_duplicate_events_total")
    let journalEvents = Gauge(label: "trailkeeper_journal_events")
    let journalSequence = Gauge(label: "trailkeeper_journal_last_sequence")
}
