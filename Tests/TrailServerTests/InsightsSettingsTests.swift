import Foundation
import Testing
import TrailInsights
import TrailServer

@Suite("Insights settings")
struct InsightsSettingsTests {
    @Test("Defaults are plan §3.6's")
    func defaults() throws {
        let c = try ServerConfiguration.resolve(commandLine: [:], environment: [:], file: nil)
        #expect(c.insights.enabled)
        #expect(c.insights.callRate.minimumPerMinute == 10 && c.insights.callRate.ratio == 3 && c.insights.callRate.sigma == 4)
        #expect(c.insights.errorRate.minimumPerMinute == 5)
        #expect(c.insights.endQuietMinutes == 2 && c.insights.lateness == 300 && c.insights.warmup == 36 * 3600)
        #expect(c.insights.backfill == 0 && c.insights.attributionScanLimit == 1_000_000)
        let analyzer = c.insights.analyzer
        #expect(analyzer.callRate.endQuietMinutes == 2 && analyzer.errorRate.lateness == 300)
    }

    @Test("The insights: section and TRAILKEEPER_INSIGHTS_* variables set the analyzer; the environment wins")
    func section() throws {
        let file = NSTemporaryDirectory() + "tk-insights-\(UUID().uuidString).yaml"
        try """
            insights:
              backfill: 30d
              warmup: 0s
              lateness: 1m
              call-rate:
                minimum-per-minute: 5
                sigma: 2.5
              error-rate.ratio: 4
            """.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let c = try ServerConfiguration.resolve(
            commandLine: [:], environment: ["TRAILKEEPER_INSIGHTS_END_QUIET_MINUTES": "3"], file: file)
        #expect(c.insights.backfill == 30 * 86_400 && c.insights.warmup == 0 && c.insights.lateness == 60)
        #expect(c.insights.callRate.minimumPerMinute == 5 && c.insights.callRate.sigma == 2.5)
        #expect(c.insights.errorRate.ratio == 4)
        #expect(c.insights.endQuietMinutes == 3)
        #expect(c.insights.analyzer.backfill == 30 * 86_400)
        #expect(c.insights.analyzer.callRate.warmup == 0)

        let off = try ServerConfiguration.resolve(
            commandLine: [:], environment: ["TRAILKEEPER_INSIGHTS_ENABLED": "false"], file: nil)
        #expect(!off.insights.enabled)
    }

    @Test("Bad values and unknown keys are refused", arguments: ["sigma: 3", "call-rate: {minimum-per-minute: 0}", "warmup: soon", "enabled: maybe"])
    func refused(_ body: String) throws {
        let file = NSTemporaryDirectory() + "tk-insights-\(UUID().uuidString).yaml"
        try "insights: {\(body)}\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(commandLine: [:], environment: [:], file: file)
        }
    }
}
