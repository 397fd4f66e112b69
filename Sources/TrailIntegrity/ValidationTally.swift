/// The counts and the found time range of a run, kept as the CLI keeps them.
struct ValidationTally: Sendable {
    /// The requested range, normalized.
    let start: CLITime
    let end: CLITime
    var validDigests = 0
    var invalidDigests = 0
    var validBackfillDigests = 0
    var invalidBackfillDigests = 0
    var validLogs = 0
    var invalidLogs = 0
    /// The earliest start and latest end of valid digests, clamped to the requested range.
    var foundStart: CLITime?
    var foundEnd: CLITime?

    init(start: CLITime, end: CLITime) {
        self.start = start
        self.end = end
    }

    /// Counts a valid digest and widens the found range (`_track_found_times`): Python's `max` and
    /// `min` keep the first argument on ties, and keep the digest's own offset for display.
    mutating func countValid(_ digest: VerifiedDigest) throws(CLITime.IncomparableTimes) {
        let earliest = try digest.startTime.isBefore(start) ? start : digest.startTime
        if let found = foundStart {
            if try earliest.isBefore(found) { foundStart = earliest }
        } else {
            foundStart = earliest
        }
        let latest = try end.isBefore(digest.endTime) ? end : digest.endTime
        if let found = foundEnd {
            if try found.isBefore(latest) { foundEnd = latest }
        } else {
            foundEnd = latest
        }
        if digest.isBackfill { validBackfillDigests += 1 } else { validDigests += 1 }
    }

    /// Counts an invalid or missing digest.
    mutating func countInvalidDigest(isBackfill: Bool) {
        if isBackfill { invalidBackfillDigests += 1 } else { invalidDigests += 1 }
    }

    /// 1 when any digest or log file is invalid or missing, else 0.
    var exitStatus: Int32 {
        invalidDigests + invalidBackfillDigests > 0 || invalidLogs > 0 ? 1 : 0
    }
}
