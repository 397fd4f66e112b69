import Foundation
import Testing
import TrailServer

@Suite struct LakeSettingsTests {
    @Test func defaultsFileAndEnvironment() throws {
        let defaults = try ServerConfiguration.resolve(commandLine: [:], environment: [:], file: nil)
        #expect(defaults.lake.maxEventDataStores == 10)
        #expect(defaults.lake.pendingDeletionPeriod == 7 * 86400)
        #expect(defaults.lake.maxChannels == 25)

        let file = NSTemporaryDirectory() + "tk-lake-\(UUID().uuidString).yaml"
        try "lake:\n  pending-deletion-period: 2s\n  max-event-data-stores: 3\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let c = try ServerConfiguration.resolve(
            commandLine: [:], environment: ["TRAILKEEPER_LAKE_MAX_EVENT_DATA_STORES": "5"], file: file)
        #expect(c.lake.pendingDeletionPeriod == 2)
        #expect(c.lake.maxEventDataStores == 5, "the environment wins over the file")
    }

    @Test func badValuesAreRefused() {
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(commandLine: [:], environment: ["TRAILKEEPER_LAKE_MAX_EVENT_DATA_STORES": "0"], file: nil)
        }
        #expect(throws: ConfigurationError.self) {
            try LakeSettings(section: ["pending-deletion-period": "soon"], environment: [:])
        }
    }
}
