/// Where a run writes: the executable passes the process's standard output and error, tests
/// collect the text.
public struct ValidationConsole: Sendable {
    /// Writes text to standard output.
    public var standardOutput: @Sendable (String) -> Void
    /// Writes text to standard error.
    public var standardError: @Sendable (String) -> Void

    /// A console from its two writers.
    public init(
        standardOutput: @escaping @Sendable (String) -> Void,
        standardError: @escaping @Sendable (String) -> Void
    ) {
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}

/// How a run reports.
public enum ValidationFormat: Sendable, Hashable {
    /// The AWS CLI's lines, byte for byte.
    case text
    /// One JSON document on standard output with every result and the summary; fatal errors also
    /// go to standard error as in ``text``.
    case json
}

/// One log file's result.
enum LogResult: Sendable {
    case valid, hashMismatch, notFound, invalidFormat

    /// The text after `INVALID: ` (nil when valid).
    var reason: String? {
        switch self {
        case .valid: nil
        case .hashMismatch: "hash value doesn't match"
        case .notFound: "not found"
        case .invalidFormat: "invalid format"
        }
    }
}

/// Receives a run's results in the CLI's order.
protocol ValidationReport {
    /// The run starts: the trail and the requested range are known.
    mutating func begin(trailARN: String, start: CLITime, end: CLITime)
    mutating func digestValid(bucket: String, key: String, isBackfill: Bool)
    /// An invalid digest; `reason` is the text after `INVALID: ` (`not found` for a missing one).
    mutating func digestInvalid(bucket: String, key: String, reason: String, isMissing: Bool, isBackfill: Bool)
    mutating func gap(nextEnd: CLITime, lastStart: CLITime, isBackfill: Bool)
    mutating func log(bucket: String, key: String, result: LogResult)
    /// The run ended normally.
    mutating func finish(_ tally: ValidationTally)
    /// The run stopped with an error (``begin(trailARN:start:end:)`` may not have been called).
    mutating func abort(_ error: ValidateLogsError, tally: ValidationTally?)
}

/// The AWS CLI's output, line for line (`CloudTrailValidateLogs._write_status` and friends),
/// including where blank lines fall between stdout's verbose lines and stderr's errors.
struct TextReport: ValidationReport {
    let console: ValidationConsole
    let isVerbose: Bool
    private var isLastStatusDoubleSpaced = true

    init(console: ValidationConsole, isVerbose: Bool) {
        self.console = console
        self.isVerbose = isVerbose
    }

    private mutating func status(_ message: String, isError: Bool) {
        if isError {
            console.standardError(isLastStatusDoubleSpaced ? "\(message)\n\n" : "\n\(message)\n\n")
            isLastStatusDoubleSpaced = true
        } else if isVerbose {
            isLastStatusDoubleSpaced = false
            console.standardOutput("\(message)\n")
        }
    }

    mutating func begin(trailARN: String, start: CLITime, end: CLITime) {
        console.standardOutput(
            "Validating log files for trail \(trailARN) between \(start.display) and \(end.display)\n\n"
        )
    }

    mutating func digestValid(bucket: String, key: String, isBackfill: Bool) {
        status("\(isBackfill ? "(backfill) " : "")Digest file\ts3://\(bucket)/\(key)\tvalid", isError: false)
    }

    mutating func digestInvalid(bucket: String, key: String, reason: String, isMissing: Bool, isBackfill: Bool) {
        status(
            "\(isBackfill ? "(backfill) " : "")Digest file\ts3://\(bucket)/\(key)\tINVALID: \(reason)",
            isError: true
        )
    }

    mutating func gap(nextEnd: CLITime, lastStart: CLITime, isBackfill: Bool) {
        status(
            "\(isBackfill ? "(backfill) " : "")No log files were delivered by CloudTrail between \(nextEnd.display) and \(lastStart.display)",
            isError: true
        )
    }

    mutating func log(bucket: String, key: String, result: LogResult) {
        if let reason = result.reason {
            status("Log file\ts3://\(bucket)/\(key)\tINVALID: \(reason)", isError: true)
        } else {
            status("Log file\ts3://\(bucket)/\(key)\tvalid", isError: false)
        }
    }

    mutating func finish(_ tally: ValidationTally) {
        var out = isLastStatusDoubleSpaced ? "" : "\n"
        out += "Results requested for \(tally.start.display) to \(tally.end.display)\n"
        let valid = tally.validDigests + tally.validBackfillDigests
        let invalid = tally.invalidDigests + tally.invalidBackfillDigests
        if valid == 0 && invalid == 0 {
            console.standardOutput(out + "No digests found\n")
            return
        }
        if let found = tally.foundStart, let foundEnd = tally.foundEnd {
            out += "Results found for \(found.display) to \(foundEnd.display):\n"
        } else {
            out += "No valid digests found in range\n"
        }
        func ratio(_ valid: Int, _ invalid: Int, _ name: String) {
            let total = valid + invalid
            guard total > 0 else { return }
            out += "\n\(valid)/\(total) \(name) files valid"
            if invalid > 0 { out += ", \(invalid)/\(total) \(name) files INVALID" }
        }
        ratio(tally.validDigests, tally.invalidDigests, "digest")
        ratio(tally.validBackfillDigests, tally.invalidBackfillDigests, "backfill digest")
        ratio(tally.validLogs, tally.invalidLogs, "log")
        console.standardOutput(out + "\n")
    }

    mutating func abort(_ error: ValidateLogsError, tally: ValidationTally?) {
        console.standardError(error.standardErrorText)
    }
}
