import AWSWire
import ArgumentParser
import Foundation
import ObjectStorage
import TrailArchive

/// `trailkeeper vault create BUCKET [--mode M (--days N | --years N)]`.
struct VaultCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a bucket with Object Lock (and so versioning) enabled, optionally with a default retention.")

    @OptionGroup var connection: VaultConnectionOptions
    @Argument(help: "The bucket's name.") var bucket: String
    @Option(name: .customLong("bucket-region"), help: "The bucket's region (LocationConstraint).") var bucketRegion: String?
    @Option(help: "Default retention mode: compliance (nobody can delete before the date) or governance.") var mode: String?
    @Option(help: "Default retention in days.") var days: Int?
    @Option(help: "Default retention in years (365 days each).") var years: Int?

    func run() async throws {
        let retention = try VaultText.defaultRetention(mode: mode, days: days, years: years)
        let bucket = self.bucket
        let region = bucketRegion ?? connection.configuration.region
        try await connection.withStore { store, _ in
            try await store.createBucket(bucket, region: region, objectLockEnabled: true)
            if let retention {
                try await store.setObjectLockConfiguration(ObjectLockConfiguration(defaultRetention: retention), ofBucket: bucket)
            }
        }
        print("created \(bucket): versioning Enabled, Object Lock Enabled" + (retention.map { ", " + Self.describe($0) } ?? ""))
    }

    static func describe(_ retention: DefaultRetention) -> String {
        switch retention.period {
        case .days(let n): "default retention \(retention.mode.rawValue) \(n) days"
        case .years(let n): "default retention \(retention.mode.rawValue) \(n) years"
        }
    }
}

/// `trailkeeper vault configure BUCKET --mode M (--days N | --years N)`.
struct VaultConfigure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure",
        abstract: "Set a bucket's default retention; enables Object Lock on a bucket whose versioning is enabled.")

    @OptionGroup var connection: VaultConnectionOptions
    @Argument(help: "The bucket.") var bucket: String
    @Option(help: "compliance or governance.") var mode: String
    @Option(help: "Default retention in days.") var days: Int?
    @Option(help: "Default retention in years (365 days each).") var years: Int?

    func run() async throws {
        let retention = try VaultText.defaultRetention(mode: mode, days: days, years: years)
        let bucket = self.bucket
        try await connection.withStore { store, _ in
            try await store.setObjectLockConfiguration(ObjectLockConfiguration(defaultRetention: retention), ofBucket: bucket)
        }
        print("\(bucket): Object Lock Enabled" + (retention.map { ", " + VaultCreate.describe($0) } ?? ""))
    }
}

/// `trailkeeper vault versioning BUCKET enable|suspend`.
struct VaultVersioning: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versioning", abstract: "Enable or suspend a bucket's versioning (PutBucketVersioning).")

    @OptionGroup var connection: VaultConnectionOptions
    @Argument(help: "The bucket.") var bucket: String
    @Argument(help: "enable or suspend.") var state: String

    func run() async throws {
        let versioning: BucketVersioning
        switch state.lowercased() {
        case "enable", "enabled": versioning = .enabled
        case "suspend", "suspended": versioning = .suspended
        default: throw ValidationError("the state is enable or suspend")
        }
        let bucket = self.bucket
        try await connection.withStore { store, _ in try await store.setVersioning(versioning, ofBucket: bucket) }
        print("\(bucket): versioning \(versioning.status ?? "")")
    }
}

/// `trailkeeper vault status BUCKET`: versioning, Object Lock, and what the versions add up to.
struct VaultStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a bucket's versioning and Object Lock, and count its versions, delete markers and locks.")

    @OptionGroup var connection: VaultConnectionOptions
    @Argument(help: "The bucket.") var bucket: String
    @Option(help: "Count only keys under this prefix.") var prefix = ""
    @Option(name: .customLong("max-versions"), help: "Stop counting after this many versions.") var maxVersions = 100_000
    @Flag(help: "Print JSON.") var json = false

    struct Report: Encodable {
        var bucket: String
        var versioning: String
        var objectLock: Bool
        var defaultRetention: String?
        var inventory: VaultInventory.Summary
        var isPartial: Bool
    }

    func run() async throws {
        let (bucket, prefix, limit) = (self.bucket, self.prefix, maxVersions)
        let report = try await connection.withStore { store, _ in
            let versioning = try await store.versioning(ofBucket: bucket)
            let lock = try await store.objectLockConfiguration(ofBucket: bucket)
            let inventory = try await VaultInventory.scan(store: store, bucket: bucket, prefix: prefix, limit: limit)
            return Report(
                bucket: bucket, versioning: versioning.status ?? "Unversioned", objectLock: lock != nil,
                defaultRetention: lock?.defaultRetention.map(VaultCreate.describe), inventory: inventory.summary,
                isPartial: inventory.isTruncated)
        }
        if json { return try VaultText.printJSON(report) }
        let s = report.inventory
        print("bucket:            \(report.bucket)")
        print("versioning:        \(report.versioning)")
        print("object lock:       \(report.objectLock ? "Enabled" : "not enabled")" + (report.defaultRetention.map { ", \($0)" } ?? ""))
        print("keys:              \(s.keys) (\(s.deletedKeys) deleted)" + (report.isPartial ? " — first \(limit) versions only" : ""))
        print("versions:          \(s.versions) (\(s.noncurrentVersions) noncurrent), \(s.bytes) bytes")
        print("delete markers:    \(s.deleteMarkers)")
        print("locked versions:   \(s.compliance) compliance, \(s.governance) governance, \(s.legalHolds) legal holds")
        if s.earliestRetainUntil != nil {
            print("retained until:    \(VaultText.time(s.earliestRetainUntil)) … \(VaultText.time(s.latestRetainUntil))")
        }
    }
}
