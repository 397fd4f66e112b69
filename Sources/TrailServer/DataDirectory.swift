import Foundation
import TrailModel

/// The data directory: identity, credentials, the journal, and (later) objects.
///
/// Layout (contract, DESIGN.md):
/// - `credentials` — AWS shared-credentials file with the admin key, mode 0600, written at first start.
/// - `identity.json` — account ID and default channel, generated once.
/// - `journal.sqlite` — the event store.
/// - `objects/<bucket>/<key>` — the embedded object store.
public struct DataDirectory: Sendable {
    public var path: String

    public init(path: String) {
        self.path = path
    }

    public var credentialsPath: String { path + "/credentials" }
    public var identityPath: String { path + "/identity.json" }
    public var journalPath: String { path + "/journal.sqlite" }
    /// Delivery state: positions, undigested files, chain heads, intents, the embedded queue.
    public var deliveryStatePath: String { path + "/delivery.sqlite" }
    /// Trail definitions, one JSON file each.
    public var trailsPath: String { path + "/trails" }
    /// Digest signing keys (0600 files in a 0700 directory).
    public var signingKeysPath: String { path + "/signing-keys" }
    /// Lifecycle configurations set through the S3 API, one file per bucket (`TrailArchive.BucketLifecycleStore`).
    public var lifecyclePath: String { path + "/lifecycle" }
    /// Scheduled backup jobs' state: `<job>.json` with the last run's report.
    public var backupsPath: String { path + "/backups" }
    /// CloudTrail Lake: the catalog and the event data stores' files.
    public var lakePath: String { path + "/lake" }
    /// The Lake catalog (event data stores, channels, imports).
    public var lakeCatalogPath: String { lakePath + "/lake.sqlite" }
    /// One file per event data store: `<id>.sqlite`.
    public var lakeStoresPath: String { lakePath + "/stores" }
    /// The Insights analyzer's counts, detector state and position (`TrailStoreSQLite.SQLiteInsightStateStore`).
    public var insightsStatePath: String { path + "/insights.sqlite" }

    /// Creates the directory when missing.
    public func prepare() throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError("cannot create the data directory \(path)")
        }
    }

    /// The identity, generated and saved on first use.
    public func identity(accountID override: String?, region: String) throws -> ServiceIdentity {
        struct Stored: Codable {
            var accountId: String
            var defaultChannelId: String
        }
        var stored: Stored
        if let data = FileManager.default.contents(atPath: identityPath) {
            guard let s = try? JSONDecoder().decode(Stored.self, from: data) else {
                throw ConfigurationError("\(identityPath) is corrupt")
            }
            stored = s
        } else {
            var account = String(Int.random(in: 1...9))
            for _ in 0..<11 { account += String(Int.random(in: 0...9)) }
            stored = Stored(accountId: account, defaultChannelId: UUID().uuidString.lowercased())
            let data = try JSONEncoder().encode(stored)
            try Self.writeAtomically(data, to: identityPath, mode: 0o644)
        }
        let account = override ?? stored.accountId
        let channel = Channel(
            arn: "arn:aws:cloudtrail:\(region):\(account):channel/\(stored.defaultChannelId)",
            name: "trailkeeper-default")
        return ServiceIdentity(accountID: account, region: region, defaultChannel: channel)
    }

    /// The access keys this server accepts: every profile of `credentials`, created with a new
    /// admin key on first start.
    public func credentials() throws -> [String: String] {
        if !FileManager.default.fileExists(atPath: credentialsPath) {
            let keyID = "AKIA" + Self.random(16, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
            let secret = Self.random(40, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
            let text = "[default]\naws_access_key_id = \(keyID)\naws_secret_access_key = \(secret)\n"
            try Self.writeAtomically(Data(text.utf8), to: credentialsPath, mode: 0o600)
        }
        guard let text = try? String(contentsOfFile: credentialsPath, encoding: .utf8) else {
            throw ConfigurationError("cannot read \(credentialsPath)")
        }
        var keys: [String: String] = [:]
        var currentID: String?
        var currentSecret: String?
        func flush() {
            if let id = currentID, let secret = currentSecret { keys[id] = secret }
            currentID = nil
            currentSecret = nil
        }
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") {
                flush()
                continue
            }
            let parts = trimmed.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "aws_access_key_id": currentID = parts[1]
            case "aws_secret_access_key": currentSecret = parts[1]
            default: break
            }
        }
        flush()
        guard !keys.isEmpty else { throw ConfigurationError("\(credentialsPath) holds no access key") }
        return keys
    }

    static func random(_ count: Int, from alphabet: String) -> String {
        let chars = Array(alphabet)
        var rng = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in chars[Int(rng.next(upperBound: UInt(chars.count)))] })
    }

    /// Writes through a temporary file, fsync and rename, so a crash leaves the old or the new file.
    static func writeAtomically(_ data: Data, to path: String, mode: mode_t) throws {
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw ConfigurationError("cannot write \(path)") }
        let ok = data.withUnsafeBytes { buf -> Bool in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress!.advanced(by: offset), buf.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return fsync(fd) == 0
        }
        fchmod(fd, mode)
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            unlink(temp)
            throw ConfigurationError("cannot write \(path)")
        }
    }
}
