/// The status of an import (botocore `ImportStatus`).
public enum ImportStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case initializing = "INITIALIZING"
    case inProgress = "IN_PROGRESS"
    case failed = "FAILED"
    case stopped = "STOPPED"
    case completed = "COMPLETED"

    /// Whether the import still has work to do.
    public var isActive: Bool { self == .initializing || self == .inProgress }
}

/// Counters of an import (botocore `ImportStatistics`).
public struct ImportStatistics: Sendable, Hashable, Codable {
    public var prefixesFound: Int64 = 0
    public var prefixesCompleted: Int64 = 0
    public var filesCompleted: Int64 = 0
    public var eventsCompleted: Int64 = 0
    public var failedEntries: Int64 = 0
    public init() {}
}

/// A StartImport job: trail log files under an S3 location copied into event data stores (plan §3.4).
public struct ImportJob: Sendable, Hashable, Codable {
    public var id: String
    /// Destination store ARNs.
    public var destinations: [String]
    /// `s3://bucket/prefix`.
    public var s3LocationURI: String
    public var s3BucketRegion: String
    public var s3BucketAccessRoleARN: String
    /// Epoch seconds; events outside [start, end] are not copied.
    public var startEventTime: Int64?
    public var endEventTime: Int64?
    public var status: ImportStatus
    public var statistics: ImportStatistics
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: String, destinations: [String], s3LocationURI: String, s3BucketRegion: String, s3BucketAccessRoleARN: String,
        startEventTime: Int64?, endEventTime: Int64?, createdAt: Int64
    ) {
        self.id = id
        self.destinations = destinations
        self.s3LocationURI = s3LocationURI
        self.s3BucketRegion = s3BucketRegion
        self.s3BucketAccessRoleARN = s3BucketAccessRoleARN
        self.startEventTime = startEventTime
        self.endEventTime = endEventTime
        self.status = .initializing
        self.statistics = ImportStatistics()
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// The bucket and key prefix of ``s3LocationURI``; nil when it is not `s3://bucket[/prefix]`.
    public static func location(_ uri: String) -> (bucket: String, prefix: String)? {
        guard uri.hasPrefix("s3://") else { return nil }
        let rest = uri.dropFirst(5)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { return nil }
        var prefix = String(rest.dropFirst(bucket.count))
        if prefix.hasPrefix("/") { prefix.removeFirst() }
        return (String(bucket), prefix)
    }
}

/// What happened to one file of an import (botocore `ImportFailureListItem`).
public struct ImportFileOutcome: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case failed = "FAILED"
        case retry = "RETRY"
        case succeeded = "SUCCEEDED"
    }

    public var importID: String
    /// `s3://bucket/key`.
    public var location: String
    public var status: Status
    public var errorType: String?
    public var errorMessage: String?
    /// Epoch seconds.
    public var lastUpdated: Int64

    public init(importID: String, location: String, status: Status, errorType: String? = nil, errorMessage: String? = nil, lastUpdated: Int64) {
        self.importID = importID
        self.location = location
        self.status = status
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.lastUpdated = lastUpdated
    }
}
