import Foundation

/// A trail's configuration and logging state, as the CloudTrail control plane describes it.
///
/// Encoded with AWS's field names, so the catalog file `DIR/trails/<name>.json` reads like a
/// `DescribeTrails` entry (validate-logs `--data-dir` relies on that).
public struct Trail: Sendable, Hashable, Codable {
    public var name: String
    public var s3BucketName: String
    public var s3KeyPrefix: String?
    public var snsTopicName: String?
    public var snsTopicARN: String?
    public var includeGlobalServiceEvents: Bool
    public var isMultiRegionTrail: Bool
    public var homeRegion: String
    public var trailARN: String
    public var logFileValidationEnabled: Bool
    public var cloudWatchLogsLogGroupArn: String?
    public var cloudWatchLogsRoleArn: String?
    public var kmsKeyId: String?
    public var isOrganizationTrail: Bool
    /// The organization ID used in the key layout of an organization trail (`o-…`).
    public var organizationID: String?
    public var isLogging: Bool
    public var startLoggingTime: Int64?
    public var stopLoggingTime: Int64?
    public var selection: EventSelection
    public var tags: [Tag]
    /// Refuses DeleteTrail while set (the forensic vault's termination protection).
    public var terminationProtectionEnabled: Bool
    /// Set by StopLogging until the final delivery and final digests are written.
    public var finalDeliveryPending: Bool
    public var creationTime: Int64
    /// The Insights types enabled by PutInsightSelectors; `nil` (absent from older catalog files) or
    /// empty when none is.
    public var insightSelectors: [InsightSelector]? = nil

    public init(
        name: String, s3BucketName: String, s3KeyPrefix: String? = nil, snsTopicName: String? = nil,
        snsTopicARN: String? = nil, includeGlobalServiceEvents: Bool = true, isMultiRegionTrail: Bool = false,
        homeRegion: String, trailARN: String, logFileValidationEnabled: Bool = false,
        cloudWatchLogsLogGroupArn: String? = nil, cloudWatchLogsRoleArn: String? = nil, kmsKeyId: String? = nil,
        isOrganizationTrail: Bool = false, organizationID: String? = nil, isLogging: Bool = false,
        startLoggingTime: Int64? = nil, stopLoggingTime: Int64? = nil, selection: EventSelection = .default,
        tags: [Tag] = [], terminationProtectionEnabled: Bool = false, creationTime: Int64
    ) {
        self.name = name
        self.s3BucketName = s3BucketName
        self.s3KeyPrefix = s3KeyPrefix
        self.snsTopicName = snsTopicName
        self.snsTopicARN = snsTopicARN
        self.includeGlobalServiceEvents = includeGlobalServiceEvents
        self.isMultiRegionTrail = isMultiRegionTrail
        self.homeRegion = homeRegion
        self.trailARN = trailARN
        self.logFileValidationEnabled = logFileValidationEnabled
        self.cloudWatchLogsLogGroupArn = cloudWatchLogsLogGroupArn
        self.cloudWatchLogsRoleArn = cloudWatchLogsRoleArn
        self.kmsKeyId = kmsKeyId
        self.isOrganizationTrail = isOrganizationTrail
        self.organizationID = organizationID
        self.isLogging = isLogging
        self.startLoggingTime = startLoggingTime
        self.stopLoggingTime = stopLoggingTime
        self.selection = selection
        self.tags = tags
        self.terminationProtectionEnabled = terminationProtectionEnabled
        self.finalDeliveryPending = false
        self.creationTime = creationTime
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case s3BucketName = "S3BucketName"
        case s3KeyPrefix = "S3KeyPrefix"
        case snsTopicName = "SnsTopicName"
        case snsTopicARN = "SnsTopicARN"
        case includeGlobalServiceEvents = "IncludeGlobalServiceEvents"
        case isMultiRegionTrail = "IsMultiRegionTrail"
        case homeRegion = "HomeRegion"
        case trailARN = "TrailARN"
        case logFileValidationEnabled = "LogFileValidationEnabled"
        case cloudWatchLogsLogGroupArn = "CloudWatchLogsLogGroupArn"
        case cloudWatchLogsRoleArn = "CloudWatchLogsRoleArn"
        case kmsKeyId = "KmsKeyId"
        case isOrganizationTrail = "IsOrganizationTrail"
        case organizationID = "OrganizationId"
        case isLogging = "IsLogging"
        case startLoggingTime = "StartLoggingTime"
        case stopLoggingTime = "StopLoggingTime"
        case selection = "Selection"
        case tags = "TagsList"
        case terminationProtectionEnabled = "TerminationProtectionEnabled"
        case finalDeliveryPending = "FinalDeliveryPending"
        case creationTime = "CreationTime"
        case insightSelectors = "InsightSelectors"
    }

    /// The layout of this trail's object keys.
    public var keyLayout: TrailKeyLayout {
        TrailKeyLayout(prefix: s3KeyPrefix, organizationID: isOrganizationTrail ? organizationID : nil)
    }

    /// Whether PutInsightSelectors enabled at least one insight type (`HasInsightSelectors`).
    public var hasInsightSelectors: Bool { !(insightSelectors ?? []).isEmpty }

    /// Whether the trail records events of `region` (multi-region trails: every region).
    public func covers(region: String) -> Bool {
        isMultiRegionTrail || region == homeRegion
    }
}

/// A resource tag.
public struct Tag: Sendable, Hashable, Codable {
    public var key: String
    public var value: String?
    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }
    enum CodingKeys: String, CodingKey {
        case key = "Key"
        case value = "Value"
    }
}
