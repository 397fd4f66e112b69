import Foundation
import TrailStore

extension Alert {
    /// A one-line headline: `[HIGH] RootLogin: arn:… called ConsoleLogin from 203.0.113.7`, or for a
    /// summary `[HIGH] RootLogin matched 9,995 more events in the last 60 s`.
    public var headline: String {
        switch kind {
        case .finding: "[\(severity.rawValue)] \(rule): " + (findings.first.map(Self.action) ?? "")
        case .summary: "[\(severity.rawValue)] \(rule) " + summaryPhrase
        case .notice: "[\(severity.rawValue)] " + (notice?.title ?? rule)
        }
    }

    /// A subject of at most `limit` characters (SNS allows 100, email subjects stay short); the
    /// headline cut with `…`, without line breaks.
    public func subject(limit: Int = 100) -> String {
        let flat = headline.map { $0.isNewline ? " " : $0 }
        guard flat.count > limit else { return String(flat) }
        return String(flat.prefix(max(limit - 1, 0))) + "…"
    }

    /// `matched 9,995 more events in the last 60 s`.
    var summaryPhrase: String {
        let seconds = Int(windowEnd.timeIntervalSince(windowStart).rounded())
        return
            "matched \(Self.grouped(count)) more event\(count == 1 ? "" : "s") in the last \(Self.grouped(seconds)) s"
    }

    /// A readable plain-text body: who did what, when, from where, which rule fired and how bad it is.
    public var text: String {
        var lines: [String] = []
        switch kind {
        case .finding:
            lines.append("Rule \(rule) fired (severity \(severity.rawValue)).")
            if !ruleDescription.isEmpty { lines.append(ruleDescription) }
            if let finding = findings.first {
                lines.append("")
                lines.append(contentsOf: Self.details(finding))
            }
        case .summary:
            lines.append("Rule \(rule) (severity \(severity.rawValue)) \(summaryPhrase).")
            if !ruleDescription.isEmpty { lines.append(ruleDescription) }
            lines.append(
                "Window: \(Self.timestamp(windowStart)) to \(Self.timestamp(windowEnd))."
            )
            if !topActors.isEmpty { lines.append("Top actors: " + Self.list(topActors) + ".") }
            if !topSourceIPs.isEmpty { lines.append("Top source IPs: " + Self.list(topSourceIPs) + ".") }
            if !eventIDs.isEmpty {
                lines.append("Event IDs (first \(eventIDs.count)): " + eventIDs.joined(separator: ", "))
            }
            for (index, sample) in findings.enumerated() {
                lines.append("")
                lines.append("Example \(index + 1):")
                lines.append(contentsOf: Self.details(sample))
            }
        case .notice:
            lines.append(notice?.text ?? rule)
        }
        return lines.joined(separator: "\n")
    }

    /// `Top actors` style list: `alice (12), bob (3)`.
    static func list(_ tallies: [Tally]) -> String {
        tallies.map { "\($0.value) (\(grouped($0.count)))" }.joined(separator: ", ")
    }

    /// `arn:… called iam:CreateUser from 203.0.113.7`.
    static func action(_ finding: Finding) -> String {
        var text = (finding.who ?? "someone") + " called " + qualifiedName(finding)
        if let ip = finding.sourceIPAddress { text += " from " + ip }
        return text
    }

    /// `iam:CreateUser` from `iam.amazonaws.com` and `CreateUser`.
    static func qualifiedName(_ finding: Finding) -> String {
        let name = finding.eventName ?? "an unnamed API"
        guard let source = finding.eventSource, !source.isEmpty else { return name }
        let service = source.hasSuffix(".amazonaws.com") ? String(source.dropLast(".amazonaws.com".count)) : source
        return service + ":" + name
    }

    /// The lines describing one finding.
    static func details(_ finding: Finding) -> [String] {
        var lines = [
            "Who:    " + (finding.who ?? "unknown"),
            "What:   " + qualifiedName(finding),
            "When:   " + timestamp(Date(timeIntervalSince1970: TimeInterval(finding.eventTime))),
            "Where:  " + (finding.sourceIPAddress ?? "unknown source")
                + (finding.region.map { " in " + $0 } ?? ""),
        ]
        if let account = finding.account { lines.append("Account: " + account) }
        lines.append("Event ID: " + finding.eventID)
        lines.append("Origin: " + finding.origin)
        return lines
    }

    /// `2026-11-30T23:10:03Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// `9995` as `9,995`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }
}
