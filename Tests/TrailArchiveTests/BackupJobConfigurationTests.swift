import Foundation
import Testing
import TrailArchive

@Suite struct BackupJobConfigurationTests {
    static var valid: [String: Any] {
        [
            "name": "nightly", "source": "s3://trail/AWSLogs", "destination": "/var/backups/ct", "threshold-days": 85,
            "schedule": "cron(0 2 * * ? *)",
        ]
    }

    func entry(_ changes: [String: Any?]) -> [String: Any] {
        var entry = Self.valid
        for (key, value) in changes { entry[key] = value }
        return entry
    }

    @Test func aFullEntry() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let keyFile = folder.path + "/backup.key"
        try Data(repeating: 1, count: 32).write(to: URL(fileURLWithPath: keyFile))
        let jobs = try BackupJobConfiguration.list([
            entry([
                "age-from": "key-date", "include": "**/*.json.gz", "exclude": ["**/CloudTrail-Insight/**"],
                "notify": ["https://hooks.slack.com/services/T/B/x"], "concurrency": 32, "recompress": true,
                "encrypt-key": keyFile, "dry-run": "false",
            ]),
            entry(["name": "weekly", "schedule": "rate(7 days)", "recompress": 6]),
        ])
        #expect(jobs.count == 2)
        let nightly = jobs[0]
        #expect(nightly.source == .s3(bucket: "trail", prefix: "AWSLogs/"))
        #expect(nightly.destination == .folder("/var/backups/ct"))
        #expect(nightly.thresholdDays == 85)
        #expect(nightly.ageFrom == .keyDate)
        #expect(nightly.include == ["**/*.json.gz"])
        #expect(nightly.exclude == ["**/CloudTrail-Insight/**"])
        #expect(nightly.schedule == (try Schedule("cron(0 2 * * ? *)")))
        #expect(nightly.concurrency == 32)
        #expect(nightly.recompressionLevel == 12)
        #expect(nightly.encryptionKeyFile == keyFile)
        #expect(try nightly.options().transform.encryption?.id == (try BackupEncryptionKey(bytes: Data(repeating: 1, count: 32))).id)
        #expect(jobs[1].recompressionLevel == 6)
        #expect(jobs[1].concurrency == 16)
        #expect(jobs[1].encryptionKeyFile == nil)
    }

    @Test func mistakesNameTheKey() {
        func message(_ value: Any) -> String? {
            do {
                _ = try BackupJobConfiguration.list(value)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(message("nightly") == "'backups' must be a list of jobs")
        #expect(message([entry(["schedule": nil])]) == "backups.nightly: 'schedule' is required")
        #expect(message([entry(["schedule": "cron(0 2 * * * *)"])])?.hasPrefix("backups.nightly: invalid schedule expression") == true)
        #expect(message([entry(["threshold-days": -1])]) == "backups.nightly: 'threshold-days' must be an integer ≥ 0")
        #expect(message([entry(["name": "../etc"])]) == "backups.../etc: 'name' must be 1–64 letters, digits, '.', '_' or '-'")
        #expect(message([entry(["age-from": "birth"])]) == "backups.nightly: 'age-from' must be last-modified or key-date")
        #expect(message([entry(["recompress": 13])]) == "backups.nightly: 'recompress' must be true, false or a libdeflate level 1–12")
        #expect(message([entry(["encrypt-key": "/nonexistent.key"])])?.contains("cannot read the key file") == true)
        #expect(message([entry(["color": "blue"])])?.hasPrefix("backups.nightly: unknown key 'color'") == true)
        #expect(message([entry(["destination": "s3://trail/AWSLogs/"])]) == "backups.nightly: source and destination are the same location")
        #expect(message([Self.valid, Self.valid]) == "backups: the name 'nightly' is used twice")
        #expect(message([entry(["include": ""])]) == "backups.nightly: invalid pattern: ")
    }
}
