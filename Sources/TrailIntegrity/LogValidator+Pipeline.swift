extension LogValidator {
    /// What a child task of the pipeline hands back.
    private enum Completion: Sendable {
        /// The walker after one step, with that step's events (nil: both chains are done).
        case walked(DigestChainWalker, [ChainEvent]?)
        /// The log check in `slot` ended.
        case checked(slot: Int, LogFileCheck.Outcome)
    }

    /// One entry of the report, in the CLI's order.
    private enum Entry {
        case event(ChainEvent)
        /// A log file whose result arrives in `slot`.
        case log(slot: Int, bucket: String, key: String)
        case abort(ValidateLogsError)
    }

    /// Walks both chains and checks every log file of every valid digest, reporting in chain order.
    ///
    /// The walker runs one step at a time in a child task, a bounded number of steps ahead of the
    /// report; log checks run as child tasks, at most ``Configuration/maximumConcurrentFetches``
    /// at once; an entry is reported once everything before it has been. The first entry that
    /// stops the run ends it: what came before is reported, nothing after, as in the CLI.
    ///
    /// - Returns: the error that stopped the run, or nil.
    func walk(
        _ walker: DigestChainWalker,
        tally: inout ValidationTally,
        report: inout some ValidationReport
    ) async -> ValidateLogsError? {
        let limit = max(1, configuration.maximumConcurrentFetches)
        let lookahead = 4 * limit
        let objects = objects
        return await withTaskGroup(of: Completion.self) { group in
            var idleWalker: DigestChainWalker? = walker
            var isWalkDone = false
            var entries: [Entry] = []
            var nextEntry = 0
            var checks: [(slot: Int, check: LogFileCheck)] = []
            var nextCheck = 0
            var outcomes: [Int: LogFileCheck.Outcome] = [:]
            var running = 0
            var slots = 0

            func enqueue(_ events: [ChainEvent]) {
                for event in events {
                    entries.append(.event(event))
                    guard case .valid(let digest) = event else { continue }
                    guard let logFiles = digest.content["logFiles"] else {
                        entries.append(.abort(ValidateLogsError(message: "'logFiles'")))
                        continue
                    }
                    guard logFiles.isTruthy else { continue }
                    guard case .array(let list) = logFiles else {
                        entries.append(.abort(ValidateLogsError(message: Self.iterationError(logFiles))))
                        continue
                    }
                    for item in list {
                        guard case .object(let entry) = item else {
                            entries.append(.abort(ValidateLogsError(message: Self.subscriptError(item))))
                            break
                        }
                        let check = LogFileCheck(entry: entry)
                        checks.append((slots, check))
                        entries.append(.log(slot: slots, bucket: check.bucketText, key: check.keyText))
                        slots += 1
                    }
                }
            }

            while true {
                if let walker = idleWalker, !isWalkDone, checks.count - nextCheck < lookahead {
                    idleWalker = nil
                    group.addTask {
                        var walker = walker
                        let events = await walker.next()
                        return .walked(walker, events)
                    }
                }
                while running < limit, nextCheck < checks.count {
                    let (slot, check) = checks[nextCheck]
                    nextCheck += 1
                    running += 1
                    group.addTask { .checked(slot: slot, await check.run(objects: objects)) }
                }

                // Report everything that is ready, in order.
                reporting: while nextEntry < entries.count {
                    switch entries[nextEntry] {
                    case .abort(let error):
                        group.cancelAll()
                        return error
                    case .event(let event):
                        if let error = Self.report(event, tally: &tally, report: &report) {
                            group.cancelAll()
                            return error
                        }
                    case .log(let slot, let bucket, let key):
                        guard let outcome = outcomes.removeValue(forKey: slot) else { break reporting }
                        let result: LogResult
                        switch outcome {
                        case .abort(let error):
                            group.cancelAll()
                            return error
                        case .valid: result = .valid
                        case .hashMismatch: result = .hashMismatch
                        case .notFound: result = .notFound
                        case .invalidFormat: result = .invalidFormat
                        }
                        if case .valid = result { tally.validLogs += 1 } else { tally.invalidLogs += 1 }
                        report.log(bucket: bucket, key: key, result: result)
                    }
                    nextEntry += 1
                }
                if nextEntry > 4096 {
                    entries.removeFirst(nextEntry)
                    nextEntry = 0
                }
                if nextCheck > 4096 {
                    checks.removeFirst(nextCheck)
                    nextCheck = 0
                }
                if isWalkDone, running == 0, nextEntry == entries.count { return nil }

                guard let completion = await group.next() else { return nil }
                switch completion {
                case .walked(let walker, let events?):
                    idleWalker = walker
                    enqueue(events)
                case .walked(_, nil):
                    isWalkDone = true
                case .checked(let slot, let outcome):
                    running -= 1
                    outcomes[slot] = outcome
                }
            }
        }
    }

    /// Reports one chain event; returns the error that stops the run, if any.
    private static func report(
        _ event: ChainEvent,
        tally: inout ValidationTally,
        report: inout some ValidationReport
    ) -> ValidateLogsError? {
        switch event {
        case .valid(let digest):
            do throws(CLITime.IncomparableTimes) {
                try tally.countValid(digest)
            } catch {
                return ValidateLogsError(message: error.message)
            }
            report.digestValid(bucket: digest.bucket, key: digest.key, isBackfill: digest.isBackfill)
        case .invalid(let bucket, let key, let reason, let isBackfill):
            tally.countInvalidDigest(isBackfill: isBackfill)
            report.digestInvalid(bucket: bucket, key: key, reason: reason, isMissing: false, isBackfill: isBackfill)
        case .missing(let bucket, let key, let isBackfill):
            tally.countInvalidDigest(isBackfill: isBackfill)
            report.digestInvalid(bucket: bucket, key: key, reason: "not found", isMissing: true, isBackfill: isBackfill)
        case .gap(let nextEnd, let lastStart, let isBackfill):
            report.gap(nextEnd: nextEnd, lastStart: lastStart, isBackfill: isBackfill)
        case .abort(let error):
            return error
        }
        return nil
    }

    /// Python's `TypeError` for `for log in value` over a value that is not a list.
    static func iterationError(_ value: JSONValue) -> String {
        switch value {
        // Iterating a str or a dict gives strings, and `log['s3Bucket']` fails on the first one.
        case .string, .object: "string indices must be integers, not 'str'"
        default: "'\(value.pythonTypeName)' object is not iterable"
        }
    }

    /// Python's `TypeError` for `value['s3Bucket']` on a value that is not a dict.
    static func subscriptError(_ value: JSONValue) -> String {
        switch value {
        case .array: "list indices must be integers or slices, not str"
        case .string: "string indices must be integers, not 'str'"
        default: "'\(value.pythonTypeName)' object is not subscriptable"
        }
    }
}
