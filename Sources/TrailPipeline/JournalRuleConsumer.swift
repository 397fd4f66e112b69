import Foundation
import Logging
import ServiceLifecycle
import TrailDetection
import TrailStore

/// Runs the rules on the live journal: a consumer with its own cursor, so an event ingested by the
/// API raises its finding without waiting for a log file. The cursor moves only after the findings
/// of the entries it passes are stored.
public struct JournalRuleConsumer: Service {
    public static let cursorName = "rules"

    public let journal: any EventStore
    public let rules: RuleSet
    public let output: FindingsOutput
    public let cursorName: String
    public let poll: Duration
    let logger: Logger
    let now: @Sendable () -> Int64

    public init(
        journal: any EventStore, rules: RuleSet, output: FindingsOutput, cursorName: String = JournalRuleConsumer.cursorName,
        poll: Duration = .milliseconds(50), logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.journal = journal
        self.rules = rules
        self.output = output
        self.cursorName = cursorName
        self.poll = poll
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        var backoff = Duration.milliseconds(100)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let passed = try await step()
                backoff = .milliseconds(100)
                if passed == 0 { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: poll) } }
            } catch {
                logger.error("rules on the journal failed; retrying", metadata: ["trail.error": "\(error)"])
                let pause = backoff
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                backoff = min(backoff * 2, .seconds(10))
            }
        }
    }

    /// Evaluates the next entries after the cursor; returns how many it passed.
    @discardableResult
    public func step(limit: Int = 2000) async throws -> Int {
        let cursor = try await journal.cursor(named: cursorName)
        let entries = try await journal.entries(after: cursor, limit: limit)
        guard let last = entries.last else { return 0 }
        let detectedAt = now()
        var findings: [Finding] = []
        for entry in entries {
            findings.append(contentsOf: rules.findings(for: entry.record, origin: "journal", detectedAt: detectedAt))
        }
        _ = try await output.store(findings)
        try await journal.commitCursor(named: cursorName, to: last.sequence)
        return entries.count
    }
}
