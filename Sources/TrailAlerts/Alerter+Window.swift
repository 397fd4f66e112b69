import Foundation
import TrailStore

extension Alerter {
    /// One rule's aggregation window: how many findings went out alone, and what was folded.
    struct RuleWindow {
        let start: Date
        var individuallySent = 0
        var folded = 0
        var severity: Severity = .info
        var ruleDescription = ""
        var samples: [Finding] = []
        var eventIDs: [String] = []
        var actors: [String: Int] = [:]
        var sourceIPs: [String: Int] = [:]
        var keys: [FindingKey] = []

        /// Distinct actors or IPs counted by name; beyond this, counted as `(others)`.
        static let distinctLimit = 10_000

        init(start: Date) { self.start = start }

        /// Adds a finding to the summary.
        mutating func fold(_ finding: Finding, policy: AlertPolicy) {
            folded += 1
            if folded == 1 || finding.severity > severity { severity = finding.severity }
            if ruleDescription.isEmpty { ruleDescription = finding.ruleDescription }
            if samples.count < policy.summarySamples { samples.append(finding) }
            if eventIDs.count < policy.summaryEventIDs { eventIDs.append(finding.eventID) }
            Self.count(finding.who ?? "unknown", in: &actors)
            Self.count(finding.sourceIPAddress ?? "unknown", in: &sourceIPs)
            keys.append(finding.key)
        }

        static func count(_ value: String, in tallies: inout [String: Int]) {
            if tallies[value] != nil || tallies.count < distinctLimit {
                tallies[value, default: 0] += 1
            } else {
                tallies["(others)", default: 0] += 1
            }
        }

        /// The summary alert, or nil when nothing was folded.
        func summary(rule: String, end: Date, policy: AlertPolicy) -> Dispatch? {
            guard folded > 0 else { return nil }
            let alert = Alert(
                summaryOf: rule, severity: severity, ruleDescription: ruleDescription, count: folded, samples: samples,
                eventIDs: eventIDs, topActors: Self.top(actors, policy.topCount),
                topSourceIPs: Self.top(sourceIPs, policy.topCount), windowStart: start, windowEnd: end
            )
            return Dispatch(alert: alert, keys: keys)
        }

        /// The `limit` largest tallies, largest first, ties by value.
        static func top(_ tallies: [String: Int], _ limit: Int) -> [Alert.Tally] {
            tallies.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)
                .map { Alert.Tally(value: $0.key, count: $0.value) }
        }
    }

    /// An alert due now and the findings it stands for.
    struct Dispatch: Sendable {
        var alert: Alert
        var keys: [FindingKey]
    }

    /// The (eventID, rule) pairs seen recently, oldest first, for dedup.
    struct Remembered {
        private var times: [FindingKey: Date] = [:]
        private var order: [(key: FindingKey, time: Date)] = []
        private var head = 0

        /// Whether `key` was seen after `cutoff`.
        func contains(_ key: FindingKey, after cutoff: Date) -> Bool {
            guard let time = times[key] else { return false }
            return time > cutoff
        }

        mutating func insert(_ key: FindingKey, at time: Date) {
            times[key] = time
            order.append((key, time))
        }

        mutating func remove(_ key: FindingKey) {
            times[key] = nil
        }

        /// Forgets pairs seen at or before `cutoff`, and the oldest beyond `limit`.
        mutating func expire(before cutoff: Date, limit: Int) {
            while head < order.count, order[head].time <= cutoff || times.count > limit {
                let entry = order[head]
                if times[entry.key] == entry.time { times[entry.key] = nil }
                head += 1
            }
            if head > 1024, head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }
}
