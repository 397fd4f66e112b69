import Foundation
import Testing
import TrailModel
import TrailStore

@testable import TrailDetection

@Suite struct RuleTestReportTests {
    @Test func reportsMatchesCountsAndRejectsOverGzipAndPlainFilesInAFolder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rules-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let gz = try Data(contentsOf: try Fixtures.resource("invictus/records.jsonl.gz"))
        try gz.write(to: dir.appendingPathComponent("a.json.gz"))
        let wrapped = #"{"Records":[{"eventTime":"2024-05-01T12:00:00Z","eventID":"x1","eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","userIdentity":{"arn":"arn:aws:iam::1:user/eve"}},{"eventName":"NoTime"}]}"#
        try Data(wrapped.utf8).write(to: dir.appendingPathComponent("b.json"))
        try Data("ignored".utf8).write(to: dir.appendingPathComponent("notes.txt"))

        let report = try RuleTestReport.run(try RuleSet.load(["cis-aws-foundations"]), over: [dir.path])
        #expect(report.events == 2901)
        #expect(report.rejected.count == 1)
        #expect(report.countsByRule.count == 17)
        #expect(report.countsByRule["cis-5-cloudtrail-configuration-changes"] == 14)
        #expect(report.matches.count == report.countsByRule.values.reduce(0, +))
        let last = try #require(report.matches.last)
        #expect(last == RuleTestReport.Match(
            file: dir.appendingPathComponent("b.json").path, eventTime: "2024-05-01T12:00:00Z", eventName: "StopLogging",
            eventID: "x1", who: "arn:aws:iam::1:user/eve", rule: "cis-5-cloudtrail-configuration-changes", severity: .high))
        let lines = report.lines()
        #expect(lines.contains("2024-05-01T12:00:00Z  StopLogging  arn:aws:iam::1:user/eve  cis-5-cloudtrail-configuration-changes  HIGH"))
        #expect(lines.contains { $0.hasPrefix("2901 events, ") })
        let decoded = try JSONDecoder().decode(RuleTestReport.self, from: try report.json())
        #expect(decoded.matches == report.matches)
    }

    @Test func missingEventFilesAreErrors() throws {
        #expect(throws: DetectionError.self) {
            _ = try RuleTestReport.run(RuleSet(rules: []), over: ["/nonexistent/file.json"])
        }
    }
}

@Suite struct RuleBenchmarkTests {
    @Test func benchmarkCountsRecordsAndFindings() throws {
        let records = try Fixtures.invictusRecords()
        let result = RuleBenchmark.run(try RuleSet.load(["cis-aws-foundations"]), over: records, rounds: 2)
        #expect(result.records == 5800)
        #expect(result.findings == 2 * 247)
    }
}
