/// The life cycle of a Lake query (botocore `QueryStatus`).
public enum QueryStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case queued = "QUEUED"
    case running = "RUNNING"
    case finished = "FINISHED"
    case failed = "FAILED"
    case cancelled = "CANCELLED"
    case timedOut = "TIMED_OUT"

    /// True once the query can no longer change (CancelQuery answers InactiveQueryException).
    public var isTerminal: Bool {
        switch self {
        case .queued, .running: false
        case .finished, .failed, .cancelled, .timedOut: true
        }
    }
}

/// Where the delivery of a query's results to S3 stands (botocore `DeliveryStatus`).
public enum DeliveryStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case pending = "PENDING"
    case success = "SUCCESS"
    case failed = "FAILED"
    case failedSigningFile = "FAILED_SIGNING_FILE"
    case resourceNotFound = "RESOURCE_NOT_FOUND"
    case accessDenied = "ACCESS_DENIED"
    case cancelled = "CANCELLED"
}
