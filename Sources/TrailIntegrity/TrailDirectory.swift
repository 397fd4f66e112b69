/// What validate-logs needs to know of a trail when `--s3-bucket` is not given: the fields of its
/// DescribeTrails entry.
struct TrailRecord: Sendable {
    /// `S3BucketName`.
    var bucketName: String
    /// `S3KeyPrefix`, nil when absent.
    var keyPrefix: String?
    /// Whether `IsOrganizationTrail` is true.
    var isOrganizationTrail: Bool
    /// The organization ID a local trail file records (`OrganizationId`); nil from the API.
    var organizationID: String?
}

/// Finds trails (DescribeTrails) and the caller's organization (DescribeOrganization).
protocol TrailDirectory: Sendable {
    /// The trail whose `TrailARN` equals `arn`.
    ///
    /// - Throws: ``ValidateLogsError`` as the CLI reports it: `A trail could not be found for …`, or
    ///   the service's error.
    func trail(arn: String) async throws(ValidateLogsError) -> TrailRecord

    /// The ID of the organization of an organization trail.
    func organizationID(for trail: TrailRecord) async throws(ValidateLogsError) -> String
}

/// One key of a ListPublicKeys answer.
struct PublicKeyEntry: Sendable {
    /// `Fingerprint`; nil when the entry has none (the CLI then fails with `KeyError`).
    var fingerprint: String?
    /// `Value`: base64 of the PKCS#1 DER key; nil when the entry has none.
    var value: String?
    /// `ValidityStartTime` and `ValidityEndTime` in epoch seconds, when known.
    var validityStart: Int64?
    var validityEnd: Int64?

    /// Whether the validity window overlaps `[start, end]` (epoch seconds), as ListPublicKeys
    /// selects keys; an unknown bound does not exclude the key.
    func overlaps(start: Int64, end: Int64) -> Bool {
        (validityStart.map { $0 <= end } ?? true) && (validityEnd.map { $0 >= start } ?? true)
    }
}

/// Lists public keys, as `ListPublicKeys(StartTime, EndTime)` does.
protocol PublicKeySource: Sendable {
    /// The keys valid at some time in `[start, end]`.
    ///
    /// - Parameter sourceRegion: the region whose digests are validated. The API ignores it (it
    ///   answers for its client's region, as for the CLI); a local store's keys are chosen by it.
    /// - Throws: ``SourceFailure`` with the operation `ListPublicKeys`.
    func publicKeys(
        from start: CLITime,
        to end: CLITime,
        sourceRegion: String
    ) async throws(SourceFailure)
        -> [PublicKeyEntry]
}
