import Foundation
import TrailModel

/// Why a trail operation was refused, with CloudTrail's exception name.
public struct TrailError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `TrailNotFoundException`, `TrailAlreadyExistsException`, …
    public var type: String
    public var message: String
    public init(_ type: String, _ message: String) {
        self.type = type
        self.message = message
    }
    public var description: String { "\(type): \(message)" }
}

/// The trails: one JSON file per trail in `DIR/trails/<name>.json`, written atomically, cached
/// in memory. Files use DescribeTrails' field names, so tools can read them.
public actor TrailCatalog {
    let directory: String
    private var trails: [String: Trail] = [:]
    /// Most trails per region, as CloudTrail allows.
    public static let maximumTrails = 5

    public init(directory: String) throws {
        self.directory = directory
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: directory) where name.hasSuffix(".json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            let trail = try JSONDecoder().decode(Trail.self, from: data)
            trails[trail.name] = trail
        }
    }

    /// Every trail, by name.
    public func all() -> [Trail] {
        trails.values.sorted { $0.name < $1.name }
    }

    /// The trail a name or ARN refers to.
    ///
    /// - Throws: `CloudTrailARNInvalidException` for a malformed ARN, `InvalidTrailNameException`
    ///   for an invalid name, `TrailNotFoundException` when there is no such trail.
    public func trail(_ reference: String, accountID: String) throws(TrailError) -> Trail {
        let name = try Self.name(from: reference, accountID: accountID)
        guard let trail = trails[name] else {
            throw TrailError(
                "TrailNotFoundException",
                "Unknown trail: \(reference) for the user: \(accountID)")
        }
        if reference.hasPrefix("arn:"), reference != trail.trailARN {
            throw TrailError("TrailNotFoundException", "Unknown trail: \(reference) for the user: \(accountID)")
        }
        return trail
    }

    /// The trail name in a name-or-ARN reference.
    public static func name(from reference: String, accountID: String) throws(TrailError) -> String {
        if reference.hasPrefix("arn:") {
            guard let arn = TrailName.ARN(reference) else {
                throw TrailError("CloudTrailARNInvalidException", "\(reference) is not a valid trail ARN.")
            }
            return arn.name
        }
        guard TrailName.isValid(reference) else {
            throw TrailError(
                "InvalidTrailNameException",
                "Trail name must be 3-128 characters of letters, numbers, periods, underscores and dashes, start and end with a letter or number, have no adjacent periods, underscores or dashes, and not look like an IP address.")
        }
        return reference
    }

    /// Adds a new trail.
    public func create(_ trail: Trail) throws -> Trail {
        guard trails[trail.name] == nil else {
            throw TrailError("TrailAlreadyExistsException", "Trail \(trail.name) already exists for customer: \(trail.trailARN.split(separator: ":")[4])")
        }
        guard trails.count < Self.maximumTrails else {
            throw TrailError("MaximumNumberOfTrailsExceededException", "User already has \(Self.maximumTrails) trails in this region.")
        }
        try save(trail)
        return trail
    }

    /// Replaces a trail's configuration.
    @discardableResult
    public func update(_ name: String, _ change: @Sendable (inout Trail) throws -> Void) throws -> Trail {
        guard var trail = trails[name] else { throw TrailError("TrailNotFoundException", "Unknown trail: \(name)") }
        try change(&trail)
        try save(trail)
        return trail
    }

    /// Removes a trail.
    public func delete(_ name: String) throws {
        guard trails[name] != nil else { throw TrailError("TrailNotFoundException", "Unknown trail: \(name)") }
        let path = directory + "/" + name + ".json"
        if unlink(path) != 0 && errno != ENOENT { throw CocoaError(.fileWriteUnknown) }
        Self.syncDirectory(directory)
        trails[name] = nil
    }

    private func save(_ trail: Trail) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(trail)
        let path = directory + "/" + trail.name + ".json"
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { throw CocoaError(.fileWriteUnknown) }
        let fd = open(temporary, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        Self.syncDirectory(directory)
        trails[trail.name] = trail
    }

    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}
