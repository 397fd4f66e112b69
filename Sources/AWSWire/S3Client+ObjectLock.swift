import Foundation
import NIOHTTP1

extension S3Client {
    /// A retention as S3 Object Lock has it: a mode (`COMPLIANCE` or `GOVERNANCE`) and a date.
    public struct Retention: Sendable, Hashable {
        public var mode: String
        public var retainUntil: Date

        public init(mode: String, retainUntil: Date) {
            self.mode = mode
            self.retainUntil = retainUntil
        }
    }

    /// A bucket's Object Lock configuration: enabled, with an optional default retention of
    /// `days` or `years`.
    public struct ObjectLockConfiguration: Sendable, Hashable {
        public var enabled: Bool
        /// The default retention's mode, if the bucket has one.
        public var mode: String?
        public var days: Int?
        public var years: Int?

        public init(enabled: Bool = true, mode: String? = nil, days: Int? = nil, years: Int? = nil) {
            self.enabled = enabled
            self.mode = mode
            self.days = days
            self.years = years
        }

        var xml: String {
            var xml = "<ObjectLockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            if enabled { xml += "<ObjectLockEnabled>Enabled</ObjectLockEnabled>" }
            if let mode {
                xml += "<Rule><DefaultRetention><Mode>\(S3Client.xmlEscaped(mode))</Mode>"
                if let days { xml += "<Days>\(days)</Days>" }
                if let years { xml += "<Years>\(years)</Years>" }
                xml += "</DefaultRetention></Rule>"
            }
            return xml + "</ObjectLockConfiguration>"
        }
    }

    /// Creates a bucket with Object Lock enabled (`x-amz-bucket-object-lock-enabled: true`), which
    /// also enables its versioning, in `region` (the client's when nil).
    public func createBucket(_ bucket: String, region: String? = nil, objectLockEnabled: Bool) async throws {
        guard objectLockEnabled else { return try await createBucket(bucket, region: region) }
        let region = region ?? self.region
        var body = Data()
        if region != "us-east-1" {
            body = Data(
                ("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>").utf8
            )
        }
        _ = try await send(.PUT, path(bucket), headers: [("x-amz-bucket-object-lock-enabled", "true")], body: body)
    }

    /// The bucket's Object Lock configuration (`GetObjectLockConfiguration`).
    ///
    /// - Throws: ``AWSError`` `ObjectLockConfigurationNotFoundError` when Object Lock is not enabled.
    public func objectLockConfiguration(_ bucket: String) async throws -> ObjectLockConfiguration {
        let body = try await send(.GET, path(bucket), query: [("object-lock", "")]).body
        guard let root = try? XMLTree.parse(body), root.name == "ObjectLockConfiguration" else {
            throw AWSError(code: "MalformedResponse", message: "not an ObjectLockConfiguration document", status: 200)
        }
        let retention = root.child("Rule")?.child("DefaultRetention")
        func number(_ name: String) -> Int? { retention?.child(name).flatMap { Int($0.text.trimmingCharacters(in: .whitespaces)) } }
        return ObjectLockConfiguration(
            enabled: root.child("ObjectLockEnabled")?.text.trimmingCharacters(in: .whitespaces) == "Enabled",
            mode: retention?.child("Mode")?.text.trimmingCharacters(in: .whitespaces), days: number("Days"),
            years: number("Years"))
    }

    /// Sets the bucket's Object Lock configuration (`PutObjectLockConfiguration`).
    public func putObjectLockConfiguration(_ bucket: String, _ configuration: ObjectLockConfiguration) async throws {
        let xml = configuration.xml
        _ = try await send(.PUT, path(bucket), query: [("object-lock", "")], headers: Self.md5Header(xml), body: Data(xml.utf8))
    }

    /// A version's retention (`GetObjectRetention`).
    ///
    /// - Throws: ``AWSError`` `NoSuchObjectLockConfiguration` when it has none.
    public func objectRetention(bucket: String, key: String, versionId: String? = nil) async throws -> Retention {
        let body = try await send(.GET, path(bucket, key), query: [("retention", "")] + Self.versionQuery(versionId)).body
        guard let root = try? XMLTree.parse(body), root.name == "Retention",
            let mode = root.child("Mode")?.text.trimmingCharacters(in: .whitespaces),
            let until = root.child("RetainUntilDate").flatMap({ UTCTime.parseISO8601($0.text.trimmingCharacters(in: .whitespaces)) })
        else {
            throw AWSError(code: "MalformedResponse", message: "not a Retention document", status: 200)
        }
        return Retention(mode: mode, retainUntil: until)
    }

    /// Sets (or with nil removes) a version's retention (`PutObjectRetention`).
    public func putObjectRetention(
        bucket: String, key: String, versionId: String? = nil, _ retention: Retention?, bypassGovernanceRetention: Bool = false
    ) async throws {
        var xml = "<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        if let retention {
            xml += "<Mode>\(Self.xmlEscaped(retention.mode))</Mode><RetainUntilDate>\(UTCTime.iso8601(retention.retainUntil))</RetainUntilDate>"
        }
        xml += "</Retention>"
        var headers = Self.md5Header(xml)
        if bypassGovernanceRetention { headers.append(("x-amz-bypass-governance-retention", "true")) }
        _ = try await send(
            .PUT, path(bucket, key), query: [("retention", "")] + Self.versionQuery(versionId), headers: headers, body: Data(xml.utf8))
    }

    /// Whether a version is under a legal hold (`GetObjectLegalHold`).
    ///
    /// - Throws: ``AWSError`` `NoSuchObjectLockConfiguration` when none was ever set.
    public func objectLegalHold(bucket: String, key: String, versionId: String? = nil) async throws -> Bool {
        let body = try await send(.GET, path(bucket, key), query: [("legal-hold", "")] + Self.versionQuery(versionId)).body
        guard let root = try? XMLTree.parse(body), root.name == "LegalHold" else {
            throw AWSError(code: "MalformedResponse", message: "not a LegalHold document", status: 200)
        }
        return root.child("Status")?.text.trimmingCharacters(in: .whitespaces) == "ON"
    }

    /// Places or removes a version's legal hold (`PutObjectLegalHold`).
    public func putObjectLegalHold(bucket: String, key: String, versionId: String? = nil, on: Bool) async throws {
        let xml = "<LegalHold xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>\(on ? "ON" : "OFF")</Status></LegalHold>"
        _ = try await send(
            .PUT, path(bucket, key), query: [("legal-hold", "")] + Self.versionQuery(versionId), headers: Self.md5Header(xml),
            body: Data(xml.utf8))
    }

    static func versionQuery(_ versionId: String?) -> [(String, String)] {
        versionId.map { [("versionId", $0)] } ?? []
    }
}
