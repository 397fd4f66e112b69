import ArgumentParser
import Foundation
import ObjectStorage
import TrailArchive

/// `trailkeeper vault versions s3://bucket[/prefix]`.
struct VaultVersions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions", abstract: "List the versions and delete markers under a prefix, with their locks.")

    @OptionGroup var connection: VaultConnectionOptions
    @Argument(help: "s3://bucket[/prefix]") var location: S3ObjectURL
    @Flag(name: .customLong("no-locks"), help: "Do not read each version's retention and legal hold.") var noLocks = false
    @Option(name: .customLong("max-items"), help: "At most this many versions.") var maxItems = 10_000
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let (location, readLocks, limit) = (self.location, !noLocks, maxItems)
        let inventory = try await connection.withStore { store, _ in
            try await VaultInventory.scan(store: store, bucket: location.bucket, prefix: location.key, readLocks: readLocks, limit: limit)
        }
        if json { return try VaultText.printJSON(inventory.rows) }
        let now = Date()
        let rows = inventory.rows.map { row in
            [
                row.key, row.versionId, row.isLatest ? "latest" : "", row.isDeleteMarker ? "delete-marker" : String(row.size),
                VaultText.time(row.lastModified),
                row.lockMode.map { "\($0) until \(VaultText.time(row.retainUntil))" + (row.isProtected(at: now) ? "" : " (expired)") }
                    ?? "-",
                row.legalHold ? "ON" : "-",
            ]
        }
        Table.print(header: ["Key", "VersionId", "Latest", "Size", "LastModified", "Retention", "LegalHold"], rows: rows)
        if inventory.isTruncated { print("… more versions follow (raise --max-items)") }
    }
}

/// `trailkeeper vault lock s3://bucket/key (--until DATE | --days N)`.
struct VaultLock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Set a version's retention (PutObjectRetention): it cannot be deleted before the date.",
        discussion: """
            A compliance-mode retention can then only be extended, by anyone; a governance-mode one can be \
            shortened or removed with --bypass-governance by a key the server allows (governance-bypass-keys).
            """)

    @OptionGroup var connection: VaultConnectionOptions
    @Argument(help: "s3://bucket/key") var object: S3ObjectURL
    @Option(name: .customLong("version-id"), help: "The version (default: the latest).") var versionId: String?
    @Option(help: "Retain until this date (2030-01-01 or 2030-01-01T00:00:00Z).") var until: String?
    @Option(help: "Retain for this many days from now.") var days: Int?
    @Option(help: "compliance (default) or governance.") var mode = "compliance"
    @Flag(name: .customLong("bypass-governance"), help: "Send x-amz-bypass-governance-retention.") var bypassGovernance = false

    func run() async throws {
        let retention = try VaultText.retention(mode: try VaultText.mode(mode), until: until, days: days)
        let (object, versionId, bypass) = (self.object, self.versionId, bypassGovernance)
        guard !object.key.isEmpty else { throw ValidationError("name an object: s3://bucket/key") }
        try await connection.withStore { store, _ in
            try await store.setRetention(
                retention, bucket: object.bucket, key: object.key, versionId: versionId, bypassGovernanceRetention: bypass)
        }
        print(
            "s3://\(object.bucket)/\(object.key)" + (versionId.map { " (\($0))" } ?? "")
                + ": \(retention.mode.rawValue) until \(VaultText.time(retention.retainUntil))")
    }
}

/// `trailkeeper vault hold s3://bucket/key on|off`.
struct VaultHold: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold", abstract: "Place or remove a legal hold on a version (PutObjectLegalHold).")

    @OptionGroup var connection: VaultConnectionOptions
    @Argument(help: "s3://bucket/key") var object: S3ObjectURL
    @Argument(help: "on or off.") var state: String
    @Option(name: .customLong("version-id"), help: "The version (default: the latest).") var versionId: String?

    func run() async throws {
        let on: Bool
        switch state.lowercased() {
        case "on": on = true
        case "off": on = false
        default: throw ValidationError("the state is on or off")
        }
        let (object, versionId) = (self.object, self.versionId)
        try await connection.withStore { store, _ in
            try await store.setLegalHold(on, bucket: object.bucket, key: object.key, versionId: versionId)
        }
        print("s3://\(object.bucket)/\(object.key)" + (versionId.map { " (\($0))" } ?? "") + ": legal hold \(on ? "ON" : "OFF")")
    }
}

/// `trailkeeper vault delete s3://bucket/key [--version-id V]`.
struct VaultDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete an object (a delete marker in a versioned bucket) or, with --version-id, one version for good.",
        discussion: "A locked version is refused (AccessDenied), as through the S3 API. Exit status 1 on refusal.")

    @OptionGroup var connection: VaultConnectionOptions
    @Argument(help: "s3://bucket/key") var object: S3ObjectURL
    @Option(name: .customLong("version-id"), help: "Delete this version permanently.") var versionId: String?
    @Flag(name: .customLong("bypass-governance"), help: "Send x-amz-bypass-governance-retention.") var bypassGovernance = false

    func run() async throws {
        let (object, versionId, bypass) = (self.object, self.versionId, bypassGovernance)
        let deletion = try await connection.withStore { store, _ in
            try await store.deleteObject(bucket: object.bucket, key: object.key, versionId: versionId, bypassGovernanceRetention: bypass)
        }
        if deletion.isDeleteMarker && versionId == nil {
            print("s3://\(object.bucket)/\(object.key): delete marker \(deletion.versionId ?? "null")")
        } else {
            print("s3://\(object.bucket)/\(object.key): deleted" + (deletion.versionId.map { " version \($0)" } ?? ""))
        }
    }
}

/// `trailkeeper vault restore s3://bucket/key --version-id V`: an old version becomes the latest again.
struct VaultRestore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Make an older version the latest again by writing its bytes and metadata as a new version.",
        discussion: "Nothing is removed: the versions in between stay, as in S3 (and as Object Lock requires).")

    @OptionGroup var connection: VaultConnectionOptions
    @Argument(help: "s3://bucket/key") var object: S3ObjectURL
    @Option(name: .customLong("version-id"), help: "The version to bring back.") var versionId: String

    func run() async throws {
        let (object, versionId) = (self.object, self.versionId)
        let info = try await connection.withStore { store, _ in
            let old = try await store.getObject(bucket: object.bucket, key: object.key, versionId: versionId, range: nil)
            return try await store.putObject(
                bucket: object.bucket, key: object.key, body: old.body, contentType: old.info.contentType,
                metadata: old.info.metadata)
        }
        print("s3://\(object.bucket)/\(object.key): version \(versionId) restored as \(info.versionId ?? "the current object")")
    }
}
