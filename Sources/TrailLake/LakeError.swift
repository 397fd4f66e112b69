/// A refusal of a CloudTrail Lake operation. ``Code``'s raw value is the AWS exception name TrailAPI answers
/// with (`{"__type": code.rawValue, "message": message}`, HTTP 400).
public struct LakeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// AWS's exception names for Lake operations (botocore `cloudtrail` 2013-11-01).
    public enum Code: String, Hashable, Sendable, CaseIterable {
        case accountHasOngoingImport = "AccountHasOngoingImportException"
        case channelAlreadyExists = "ChannelAlreadyExistsException"
        case channelARNInvalid = "ChannelARNInvalidException"
        case channelExistsForEDS = "ChannelExistsForEDSException"
        case channelMaxLimitExceeded = "ChannelMaxLimitExceededException"
        case channelNotFound = "ChannelNotFoundException"
        case cloudTrailARNInvalid = "CloudTrailARNInvalidException"
        case eventDataStoreAlreadyExists = "EventDataStoreAlreadyExistsException"
        case eventDataStoreARNInvalid = "EventDataStoreARNInvalidException"
        case eventDataStoreHasOngoingImport = "EventDataStoreHasOngoingImportException"
        case eventDataStoreMaxLimitExceeded = "EventDataStoreMaxLimitExceededException"
        case eventDataStoreNotFound = "EventDataStoreNotFoundException"
        case eventDataStoreTerminationProtected = "EventDataStoreTerminationProtectedException"
        case importNotFound = "ImportNotFoundException"
        case inactiveEventDataStore = "InactiveEventDataStoreException"
        case inactiveQuery = "InactiveQueryException"
        case insightNotEnabled = "InsightNotEnabledException"
        case invalidDateRange = "InvalidDateRangeException"
        case invalidEventDataStoreCategory = "InvalidEventDataStoreCategoryException"
        case invalidEventDataStoreStatus = "InvalidEventDataStoreStatusException"
        case invalidEventSelectors = "InvalidEventSelectorsException"
        case invalidImportSource = "InvalidImportSourceException"
        case invalidInsightSelectors = "InvalidInsightSelectorsException"
        case invalidKmsKeyId = "InvalidKmsKeyIdException"
        case invalidMaxResults = "InvalidMaxResultsException"
        case invalidNextToken = "InvalidNextTokenException"
        case invalidParameter = "InvalidParameterException"
        case invalidParameterCombination = "InvalidParameterCombinationException"
        case invalidQueryStatement = "InvalidQueryStatementException"
        case invalidQueryStatus = "InvalidQueryStatusException"
        case invalidS3BucketName = "InvalidS3BucketNameException"
        case invalidS3Prefix = "InvalidS3PrefixException"
        case invalidSource = "InvalidSourceException"
        case invalidTagParameter = "InvalidTagParameterException"
        case invalidTrailName = "InvalidTrailNameException"
        case maxConcurrentQueries = "MaxConcurrentQueriesException"
        case operationNotPermitted = "OperationNotPermittedException"
        case organizationsNotInUse = "OrganizationsNotInUseException"
        case queryIdNotFound = "QueryIdNotFoundException"
        case s3BucketDoesNotExist = "S3BucketDoesNotExistException"
        case tagsLimitExceeded = "TagsLimitExceededException"
        case trailNotFound = "TrailNotFoundException"
        case unsupportedOperation = "UnsupportedOperationException"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
