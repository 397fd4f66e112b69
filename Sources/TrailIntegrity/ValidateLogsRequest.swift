/// The arguments of `aws cloudtrail validate-logs`, as given on the command line.
public struct ValidateLogsRequest: Sendable, Hashable {
    /// `--trail-arn`.
    public var trailARN: String
    /// `--start-time`, as typed (parsed like the CLI's dateutil).
    public var startTime: String
    /// `--end-time`; the current time when nil.
    public var endTime: String?
    /// `--s3-bucket`: skips DescribeTrails (and so the trail's prefix and organization layout).
    public var s3Bucket: String?
    /// `--s3-prefix`: used only together with ``s3Bucket``, as in the CLI.
    public var s3Prefix: String?
    /// `--account-id`: the member account of an organization trail.
    public var accountID: String?
    /// The global `--region`: the source region whose digests are validated (default: the trail's
    /// home region).
    public var sourceRegion: String?
    /// `--verbose`: also print valid files.
    public var isVerbose: Bool

    /// A request from the command-line values.
    public init(
        trailARN: String,
        startTime: String,
        endTime: String? = nil,
        s3Bucket: String? = nil,
        s3Prefix: String? = nil,
        accountID: String? = nil,
        sourceRegion: String? = nil,
        isVerbose: Bool = false
    ) {
        self.trailARN = trailARN
        self.startTime = startTime
        self.endTime = endTime
        self.s3Bucket = s3Bucket
        self.s3Prefix = s3Prefix
        self.accountID = accountID
        self.sourceRegion = sourceRegion
        self.isVerbose = isVerbose
    }

    /// Whether `arn` passes the CLI's check `re.match(r'arn:.+:cloudtrail:.+:\d{12}:trail/.+', arn)`.
    static func isValidTrailARN(_ arn: String) -> Bool {
        // `.` never matches a newline and the pattern has none, so only the first line counts.
        let line = Array(arn.unicodeScalars.prefix { $0 != "\n" })
        func has(_ text: String, at i: Int) -> Bool {
            let t = Array(text.unicodeScalars)
            return i >= 0 && i + t.count <= line.count && Array(line[i..<(i + t.count)]) == t
        }
        guard has("arn:", at: 0) else { return false }
        let service = ":cloudtrail:"
        for i in stride(from: 5, to: line.count, by: 1) where has(service, at: i) {
            var j = i + 13
            while j + 20 < line.count {
                if line[j] == ":", line[(j + 1)...(j + 12)].allSatisfy({ $0.properties.numericType == .decimal }),
                    has(":trail/", at: j + 13)
                {
                    return true
                }
                j += 1
            }
        }
        return false
    }
}
