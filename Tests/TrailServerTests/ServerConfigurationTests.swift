import Foundation
import Testing
import TrailArchive
import TrailModel
import TrailServer

@Suite struct ServerConfigurationTests {
    @Test func defaultsNeedNoConfiguration() throws {
        let c = try ServerConfiguration.resolve(commandLine: [:], environment: [:], file: nil)
        #expect(c.host == "127.0.0.1")
        #expect(c.port == 4600)
        #expect(c.dataDirectory == "./trailkeeper-data")
        #expect(c.region == "us-east-1")
        #expect(c.retentionDays == 90)
        #expect(c.accountID == nil)
    }

    @Test func commandLineBeatsEnvironmentBeatsFile() throws {
        let file = NSTemporaryDirectory() + "tk-config-\(UUID().uuidString).yaml"
        try "port: 5000\nregion: eu-west-1\nretention-days: 30\naccount-id: '123456789012'\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let c = try ServerConfiguration.resolve(
            commandLine: ["port": "6000"], environment: ["TRAILKEEPER_PORT": "5500", "TRAILKEEPER_REGION": "ap-south-1"],
            file: file)
        #expect(c.port == 6000)
        #expect(c.region == "ap-south-1")
        #expect(c.retentionDays == 30)
        #expect(c.accountID == "123456789012")
    }

    @Test(arguments: [
        ["port": "99999"], ["account-id": "12345"], ["retention-days": "0"], ["log-level": "loud"], ["region": "us east"],
        ["delivery-interval": "soon"], ["digest-interval": "0s"], ["signing-key-rotation": "30s"], ["organization-id": "org-1"],
    ])
    func badValuesAreRefused(_ values: [String: String]) {
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(commandLine: values, environment: [:], file: nil)
        }
    }

    @Test func trailTimingKnobs() throws {
        let defaults = try ServerConfiguration.resolve(commandLine: [:], environment: [:], file: nil)
        #expect(defaults.deliveryInterval == 300)
        #expect(defaults.digestInterval == 3600)
        #expect(defaults.signingKeyRotation == 30 * 86400)
        let c = try ServerConfiguration.resolve(
            commandLine: ["delivery-interval": "2s", "digest-interval": "1m"],
            environment: ["TRAILKEEPER_SIGNING_KEY_ROTATION": "7d", "TRAILKEEPER_ORGANIZATION_ID": "o-exampleorgid"], file: nil)
        #expect(c.deliveryInterval == 2)
        #expect(c.digestInterval == 60)
        #expect(c.signingKeyRotation == 7 * 86400)
        #expect(c.organizationID == "o-exampleorgid")
        #expect(try ServerConfiguration.seconds("90", key: "x") == 90)
        #expect(try ServerConfiguration.seconds("3h", key: "x") == 10800)
    }

    @Test func backupJobsFromYAML() throws {
        let file = NSTemporaryDirectory() + "tk-config-\(UUID().uuidString).yaml"
        try """
            backups:
              - name: nightly
                source: s3://trail-bucket/AWSLogs
                destination: /var/backups/cloudtrail
                threshold-days: 85
                age-from: key-date
                schedule: cron(0 2 * * ? *)
                notify: [https://hooks.slack.com/services/T/B/x]
              - name: weekly
                source: /srv/trails
                destination: s3://vault
                threshold-days: 7
                schedule: rate(7 days)
                recompress: 9
            """.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let c = try ServerConfiguration.resolve(commandLine: [:], environment: [:], file: file)
        #expect(c.backups.map(\.name) == ["nightly", "weekly"])
        #expect(c.backups[0].schedule.expression == "cron(0 2 * * ? *)")
        #expect(c.backups[0].notify == ["https://hooks.slack.com/services/T/B/x"])
        #expect(c.backups[1].recompressionLevel == 9)

        try "backups:\n  - name: x\n    source: /a\n".write(toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(commandLine: [:], environment: [:], file: file)
        }
        #expect(error?.description == "backups.x: 'destination' is required")
    }

    @Test func unknownFileKeysAreRefused() throws {
        let file = NSTemporaryDirectory() + "tk-config-\(UUID().uuidString).yaml"
        try "prot: 5000\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(commandLine: [:], environment: [:], file: file)
        }
    }
}

@Suite struct DataDirectoryTests {
    @Test func firstStartWritesCredentialsAndAStableIdentity() throws {
        let path = NSTemporaryDirectory() + "tk-dir-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let dir = DataDirectory(path: path)
        try dir.prepare()
        let keys = try dir.credentials()
        #expect(keys.count == 1)
        let (id, secret) = try #require(keys.first)
        #expect(id.hasPrefix("AKIA") && id.count == 20)
        #expect(secret.count == 40)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.credentialsPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: dir.credentialsPath, encoding: .utf8)
        #expect(text.hasPrefix("[default]\naws_access_key_id = \(id)\naws_secret_access_key = "))
        #expect(try dir.credentials() == keys)

        let first = try dir.identity(accountID: nil, region: "us-east-1")
        #expect(first.accountID.count == 12 && first.accountID.allSatisfy(\.isNumber))
        let second = try dir.identity(accountID: nil, region: "us-east-1")
        #expect(first == second)
        #expect(first.defaultChannel.arn.hasPrefix("arn:aws:cloudtrail:us-east-1:\(first.accountID):channel/"))
        #expect(try dir.identity(accountID: "123456789012", region: "us-east-1").accountID == "123456789012")
    }
}
