import Foundation

/// A bucket's versioning and Object Lock, as `buckets/<bucket>.json` holds them besides its name,
/// region, creation date and tags: `"versioning":"Enabled"|"Suspended"` (absent while never
/// enabled) and `"objectLock":{"mode":"COMPLIANCE","days":30}` (present, maybe `{}`, once Object
/// Lock is on).
struct BucketSettings: Equatable {
    var versioning: BucketVersioning = .unversioned
    var objectLock: ObjectLockConfiguration?

    /// Reads the fields of a bucket file's JSON object; missing or damaged ones keep their defaults.
    init(document: [String: Any]) {
        if let status = document["versioning"] as? String, let versioning = BucketVersioning(status: status) {
            self.versioning = versioning
        }
        if let lock = document["objectLock"] as? [String: Any] {
            var configuration = ObjectLockConfiguration()
            if let mode = (lock["mode"] as? String).flatMap(ObjectLockMode.init(rawValue:)) {
                if let days = lock["days"] as? Int {
                    configuration.defaultRetention = DefaultRetention(mode: mode, period: .days(days))
                } else if let years = lock["years"] as? Int {
                    configuration.defaultRetention = DefaultRetention(mode: mode, period: .years(years))
                }
            }
            objectLock = configuration
        }
    }

    /// Writes the fields into a bucket file's JSON object.
    func write(into document: inout [String: Any]) {
        document["versioning"] = versioning.status
        guard let objectLock else {
            document["objectLock"] = nil
            return
        }
        var lock: [String: Any] = [:]
        if let retention = objectLock.defaultRetention {
            lock["mode"] = retention.mode.rawValue
            switch retention.period {
            case .days(let n): lock["days"] = n
            case .years(let n): lock["years"] = n
            }
        }
        document["objectLock"] = lock
    }
}

extension FileObjectStore {
    /// The versioning and Object Lock of an existing bucket.
    func settings(_ bucket: String) throws -> BucketSettings {
        try requireBucket(bucket)
        return BucketSettings(document: try bucketDocument(bucket))
    }

    /// Changes a bucket's settings under the bucket file's lock, keeping its other fields.
    func updateSettings(_ bucket: String, _ change: @Sendable @escaping (inout BucketSettings) throws -> Void) async throws {
        try await perform { [self] in
            try requireBucket(bucket)
            // The empty key is no object's: this lock serialises the bucket file's writers.
            try locks.withLock(bucket, "") {
                var document = try bucketDocument(bucket)
                var settings = BucketSettings(document: document)
                try change(&settings)
                settings.write(into: &document)
                try writeBucketDocument(document, bucket: bucket)
            }
        }
    }

    public func versioning(ofBucket bucket: String) async throws -> BucketVersioning {
        try await perform { [self] in try settings(bucket).versioning }
    }

    public func setVersioning(_ versioning: BucketVersioning, ofBucket bucket: String) async throws {
        try await updateSettings(bucket) { settings in
            try VersionRules.checkChange(to: versioning, objectLockEnabled: settings.objectLock != nil)
            settings.versioning = versioning
        }
    }

    public func objectLockConfiguration(ofBucket bucket: String) async throws -> ObjectLockConfiguration? {
        try await perform { [self] in try settings(bucket).objectLock }
    }

    public func setObjectLockConfiguration(_ configuration: ObjectLockConfiguration, ofBucket bucket: String) async throws {
        try await updateSettings(bucket) { settings in
            try VersionRules.checkLockConfiguration(versioning: settings.versioning, objectLockEnabled: settings.objectLock != nil)
            settings.objectLock = configuration
        }
    }
}
