import TrailModel

/// The `--json` output: one JSON document, written as results arrive.
///
/// ```
/// {"trailArn": "…", "requestedStart": "…", "requestedEnd": "…",
///  "results": [
///   {"type": "digest", "backfill": false, "bucket": "…", "key": "…", "status": "valid"},
///   {"type": "log", "bucket": "…", "key": "…", "status": "invalid", "message": "hash value doesn't match"},
///   {"type": "gap", "backfill": false, "from": "…", "to": "…", "message": "No log files were delivered …"}],
///  "summary": {"foundStart": "…", "foundEnd": "…", "digestFiles": {"valid": 3, "invalid": 0},
///              "backfillDigestFiles": {…}, "logFiles": {…}},
///  "exitCode": 1}
/// ```
/// `status` is `valid`, `invalid` or `missing` (the CLI's `INVALID: not found`); `message` is the
/// CLI's text after `INVALID: `. A run that stops has `"error"` instead of `"summary"`, with
/// `exitCode` 255, and the CLI's error text also goes to standard error.
struct JSONReport: ValidationReport {
    let console: ValidationConsole
    private var hasBegun = false
    private var resultCount = 0

    init(console: ValidationConsole) {
        self.console = console
    }

    private static func q(_ text: String) -> String { JSONText.quoted(text) }

    private mutating func result(_ fields: [(String, String)]) {
        let body = fields.map { "\(Self.q($0.0)): \($0.1)" }.joined(separator: ", ")
        console.standardOutput((resultCount == 0 ? "\n  {" : ",\n  {") + body + "}")
        resultCount += 1
    }

    mutating func begin(trailARN: String, start: CLITime, end: CLITime) {
        hasBegun = true
        console.standardOutput(
            "{\"trailArn\": \(Self.q(trailARN)), \"requestedStart\": \(Self.q(start.display)), "
                + "\"requestedEnd\": \(Self.q(end.display)),\n \"results\": ["
        )
    }

    mutating func digestValid(bucket: String, key: String, isBackfill: Bool) {
        result([
            ("type", Self.q("digest")), ("backfill", String(isBackfill)), ("bucket", Self.q(bucket)),
            ("key", Self.q(key)), ("status", Self.q("valid")),
        ])
    }

    mutating func digestInvalid(bucket: String, key: String, reason: String, isMissing: Bool, isBackfill: Bool) {
        result([
            ("type", Self.q("digest")), ("backfill", String(isBackfill)), ("bucket", Self.q(bucket)),
            ("key", Self.q(key)), ("status", Self.q(isMissing ? "missing" : "invalid")), ("message", Self.q(reason)),
        ])
    }

    mutating func gap(nextEnd: CLITime, lastStart: CLITime, isBackfill: Bool) {
        result([
            ("type", Self.q("gap")), ("backfill", String(isBackfill)), ("from", Self.q(nextEnd.display)),
            ("to", Self.q(lastStart.display)),
            (
                "message",
                Self.q("No log files were delivered by CloudTrail between \(nextEnd.display) and \(lastStart.display)")
            ),
        ])
    }

    mutating func log(bucket: String, key: String, result logResult: LogResult) {
        var fields = [("type", Self.q("log")), ("bucket", Self.q(bucket)), ("key", Self.q(key))]
        switch logResult {
        case .valid: fields.append(("status", Self.q("valid")))
        case .notFound: fields.append(("status", Self.q("missing")))
        case .hashMismatch, .invalidFormat: fields.append(("status", Self.q("invalid")))
        }
        if let reason = logResult.reason { fields.append(("message", Self.q(reason))) }
        result(fields)
    }

    mutating func finish(_ tally: ValidationTally) {
        func counts(_ valid: Int, _ invalid: Int) -> String { "{\"valid\": \(valid), \"invalid\": \(invalid)}" }
        let summary =
            "{\"foundStart\": \(tally.foundStart.map { Self.q($0.display) } ?? "null"), "
            + "\"foundEnd\": \(tally.foundEnd.map { Self.q($0.display) } ?? "null"), "
            + "\"digestFiles\": \(counts(tally.validDigests, tally.invalidDigests)), "
            + "\"backfillDigestFiles\": \(counts(tally.validBackfillDigests, tally.invalidBackfillDigests)), "
            + "\"logFiles\": \(counts(tally.validLogs, tally.invalidLogs))}"
        console.standardOutput("\n ],\n \"summary\": \(summary),\n \"exitCode\": \(tally.exitStatus)}\n")
    }

    mutating func abort(_ error: ValidateLogsError, tally: ValidationTally?) {
        let tail = "\"error\": \(Self.q(error.message)), \"exitCode\": \(ValidateLogsError.exitStatus)}\n"
        console.standardOutput(hasBegun ? "\n ],\n " + tail : "{" + tail)
        console.standardError(error.standardErrorText)
    }
}
