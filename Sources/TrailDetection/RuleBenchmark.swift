import Foundation
public import TrailModel

/// A micro-benchmark of rule evaluation, for `trailkeeper bench` or ad-hoc runs.
public enum RuleBenchmark {
    /// Throughput of ``RuleSet/findings(for:origin:detectedAt:)`` over `records`.
    public struct Result: Sendable {
        public var records: Int
        public var findings: Int
        public var seconds: Double
        public var recordsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }
        /// Raw JSON bytes evaluated per second.
        public var bytesPerSecond: Double
    }

    /// Evaluates `rules` over `records` `rounds` times on the calling task.
    public static func run(_ rules: RuleSet, over records: [AuditRecord], rounds: Int = 10) -> Result {
        let clock = ContinuousClock()
        var findings = 0
        let bytes = records.reduce(0) { $0 + $1.raw.count }
        let elapsed = clock.measure {
            for _ in 0..<rounds {
                for record in records {
                    findings += rules.findings(for: record, origin: "bench", detectedAt: 0).count
                }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(
            records: records.count * rounds, findings: findings, seconds: seconds,
            bytesPerSecond: seconds > 0 ? Double(bytes * rounds) / seconds : 0)
    }
}
