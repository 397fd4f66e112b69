/// A digest that passed every check, with what the rest of the run needs from it.
struct VerifiedDigest: Sendable {
    /// Where it was read from (equal to its `digestS3Bucket` and `digestS3Object`).
    var bucket: String
    var key: String
    /// The parsed digest.
    var content: JSONObject
    /// `digestStartTime` and `digestEndTime` as parsed, not normalized (the CLI's summary uses them so).
    var startTime: CLITime
    var endTime: CLITime
    var isBackfill: Bool
}

/// What the chain walk reports, in the CLI's order.
enum ChainEvent: Sendable {
    /// A valid digest: reported, then its log files are checked.
    case valid(VerifiedDigest)
    /// `Digest file\ts3://bucket/key\tINVALID: reason`.
    case invalid(bucket: String, key: String, reason: String, isBackfill: Bool)
    /// A digest the chain or listing leads to is missing (`INVALID: not found`).
    case missing(bucket: String, key: String, isBackfill: Bool)
    /// The chain starts anew: `No log files were delivered by CloudTrail between … and …`.
    case gap(nextEnd: CLITime, lastStart: CLITime, isBackfill: Bool)
    /// The run stops here, as the CLI does on an exception it does not handle.
    case abort(ValidateLogsError)
}
