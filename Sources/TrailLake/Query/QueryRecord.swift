/// What the query service knows about one query; saved as `lake/results/<id>.json` at every change of state,
/// so DescribeQuery, ListQueries and GetQueryResults survive a restart.
public struct QueryRecord: Codable, Sendable, Hashable {
    /// The query's ID: a lower-case UUID (36 characters).
    public var id: String
    /// The statement as given to StartQuery.
    public var statement: String
    public var status: QueryStatus
    /// The IDs of the stores the statement reads.
    public var storeIDs: [String]
    /// The result's column names, in order.
    public var columns: [String]
    /// Epoch milliseconds of StartQuery.
    public var creationTime: Int64
    /// Epoch milliseconds when the execution began.
    public var startTime: Int64?
    /// Epoch milliseconds when the query reached a terminal status.
    public var endTime: Int64?
    public var eventsMatched: Int64 = 0
    public var eventsScanned: Int64 = 0
    public var bytesScanned: Int64 = 0
    /// Wall-clock execution time as the executor measured it (0 until the query ends).
    public var executionTimeMillis: Int64 = 0
    /// Result rows spooled (complete once the query is terminal).
    public var resultRows: Int = 0
    /// Bytes of the spooled rows file.
    public var resultBytes: Int64 = 0
    /// Why the query FAILED, TIMED_OUT or was CANCELLED.
    public var errorMessage: String?
    /// `s3://bucket/prefix` the results go to once FINISHED.
    public var deliveryS3Uri: String?
    public var deliveryStatus: DeliveryStatus?

    /// A new QUEUED query.
    public init(id: String, statement: String, storeIDs: [String], columns: [String], creationTime: Int64, deliveryS3Uri: String?) {
        self.id = id
        self.statement = statement
        self.status = .queued
        self.storeIDs = storeIDs
        self.columns = columns
        self.creationTime = creationTime
        self.deliveryS3Uri = deliveryS3Uri
    }

    /// Milliseconds the query has been running (or ran).
    public func elapsedMillis(now: Int64) -> Int64 {
        guard let startTime else { return 0 }
        if status.isTerminal { return executionTimeMillis > 0 ? executionTimeMillis : Swift.max(0, (endTime ?? now) - startTime) }
        return Swift.max(0, now - startTime)
    }
}
