public import Foundation
import TrailModel
public import TrailStore

/// The result of running a ``RuleSet`` over CloudTrail files (`trailkeeper rules test`).
public struct RuleTestReport: Sendable, Codable {
    /// One rule matching one event.
    public struct Match: Sendable, Codable, Hashable {
        public var file: String
        /// `eventTime` as ISO-8601 UTC.
        public var eventTime: String
        public var eventName: String?
        public var eventID: String
        public var who: String?
        public var rule: String
        public var severity: Severity
    }

    /// Matches in file order, then record order, then rule order.
    public var matches: [Match] = []
    /// Matches per rule name, for every loaded rule (zero included).
    public var countsByRule: [String: Int] = [:]
    /// Records read.
    public var events = 0
    /// Records matched by at least one rule.
    public var matchedEvents = 0
    /// Records the parser rejected, with file and reason.
    public var rejected: [String] = []

    public init() {}

    /// Runs `rules` over `paths` (files or folders walked recursively; .json, .json.gz,
    /// `{"Records":[…]}`, arrays, JSON lines).
    /// - Throws: ``DetectionError`` (`.unknownSource`) when a path cannot be read or is not JSON.
    public static func run(_ rules: RuleSet, over paths: [String]) throws(DetectionError) -> RuleTestReport {
        var report = RuleTestReport()
        for rule in rules.rules { report.countsByRule[rule.name] = 0 }
        let parser = RecordParser()
        for file in try files(paths) {
            guard var data = FileManager.default.contents(atPath: file) else {
                throw DetectionError(.unknownSource, "\(file): cannot read the file")
            }
            if Gzip.isCompressed(data) {
                guard let inflated = Gzip.decompress(data) else {
                    throw DetectionError(.unknownSource, "\(file): corrupt gzip data")
                }
                data = inflated
            }
            let results: [Result<AuditRecord, RecordRejection>]
            do {
                results = try parser.records(in: data)
            } catch {
                throw DetectionError(.unknownSource, "\(file): \(error)")
            }
            for result in results {
                switch result {
                case .failure(let rejection):
                    report.rejected.append("\(file): \(rejection)")
                case .success(let record):
                    report.events += 1
                    let findings = rules.findings(for: record, origin: file, detectedAt: 0)
                    if !findings.isEmpty { report.matchedEvents += 1 }
                    for finding in findings {
                        report.countsByRule[finding.rule, default: 0] += 1
                        report.matches.append(
                            Match(
                                file: file, eventTime: isoTime(record.eventTime), eventName: record.eventName,
                                eventID: record.eventID, who: finding.who, rule: finding.rule,
                                severity: finding.severity))
                    }
                }
            }
        }
        return report
    }

    static func files(_ paths: [String]) throws(DetectionError) -> [String] {
        var out: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw DetectionError(.unknownSource, "\(path): no such file or folder")
            }
            guard isDirectory.boolValue else {
                out.append(path)
                continue
            }
            let names = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
            for name in names.sorted() where name.hasSuffix(".json") || name.hasSuffix(".json.gz") || name.hasSuffix(".jsonl") {
                out.append((path as NSString).appendingPathComponent(name))
            }
        }
        return out
    }

    static func isoTime(_ seconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
    }

    /// Human-readable lines: one per match, then a count per rule and the totals.
    public func lines() -> [String] {
        var out: [String] = []
        for m in matches {
            out.append(
                [m.eventTime, m.eventName ?? "-", m.who ?? "-", m.rule, m.severity.rawValue].joined(separator: "  "))
        }
        if !matches.isEmpty { out.append("") }
        out.append("Matches per rule:")
        let width = countsByRule.keys.map(\.count).max() ?? 0
        for (rule, count) in countsByRule.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            out.append("  " + rule.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(count)")
        }
        out.append("\(events) events, \(matchedEvents) matched, \(matches.count) matches, \(rejected.count) rejected")
        for line in rejected { out.append("rejected: \(line)") }
        return out
    }

    /// The report as JSON (`matches`, `countsByRule`, `events`, `matchedEvents`, `rejected`).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
