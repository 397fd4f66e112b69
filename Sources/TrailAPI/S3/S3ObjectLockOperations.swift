import AWSWire
import Foundation
import HTTPTypes
import Hummingbird
import ObjectStorage

// MARK: - Object Lock: bucket configuration, retention, legal hold

extension S3Operations {
    /// `GET /bucket?object-lock`; `ObjectLockConfigurationNotFoundError` without Object Lock.
    func objectLockConfiguration(_ bucket: String) async throws -> Response {
        guard let configuration = try await objects.objectLockConfiguration(ofBucket: bucket) else {
            throw S3Error(
                .notFound, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket",
                details: [("BucketName", bucket)])
        }
        var xml = S3XML(root: "ObjectLockConfiguration")
        xml.element("ObjectLockEnabled", "Enabled")
        if let retention = configuration.defaultRetention {
            xml.open("Rule")
            xml.open("DefaultRetention")
            xml.element("Mode", retention.mode.rawValue)
            switch retention.period {
            case .days(let n): xml.element("Days", String(n))
            case .years(let n): xml.element("Years", String(n))
            }
            xml.close("DefaultRetention")
            xml.close("Rule")
        }
        return Self.xmlResponse(xml.finished(closing: "ObjectLockConfiguration"))
    }

    /// `PUT /bucket?object-lock`: `ObjectLockEnabled` must say `Enabled`; an optional default
    /// retention of a mode and either `Days` (1–36500) or `Years` (1–100).
    func putObjectLockConfiguration(_ bucket: String, body: Data) async throws -> Response {
        let root = try Self.xmlBody(body, root: "ObjectLockConfiguration")
        guard root.value("ObjectLockEnabled") == "Enabled" else { throw Self.malformedXML() }
        var configuration = ObjectLockConfiguration()
        if let rule = root.child("Rule") {
            guard let retention = rule.child("DefaultRetention") else { throw Self.malformedXML() }
            guard let mode = retention.value("Mode").flatMap(ObjectLockMode.init(rawValue:)) else {
                throw Self.malformedXML()
            }
            let days = retention.value("Days")
            let years = retention.value("Years")
            let period: DefaultRetention.Period
            switch (days, years) {
            case (let text?, nil):
                guard let n = Int(text), (1...36_500).contains(n) else {
                    throw S3Error.invalidArgument("Default retention period must be a positive integer value for 'Days'")
                }
                period = .days(n)
            case (nil, let text?):
                guard let n = Int(text), (1...100).contains(n) else {
                    throw S3Error.invalidArgument("Default retention period must be a positive integer value for 'Years'")
                }
                period = .years(n)
            default:
                throw Self.malformedXML()
            }
            configuration.defaultRetention = DefaultRetention(mode: mode, period: period)
        }
        try await objects.setObjectLockConfiguration(configuration, ofBucket: bucket)
        return Response(status: .ok)
    }

    /// `GET /bucket/key?retention[&versionId=…]`.
    func objectRetention(_ bucket: String, _ key: String, query: S3Query) async throws -> Response {
        let info = try await lockableVersion(bucket, key, query: query)
        guard let retention = info.retention else { throw S3Error(ObjectStoreError.noSuchObjectLockConfiguration) }
        var xml = S3XML(root: "Retention")
        xml.element("Mode", retention.mode.rawValue)
        xml.element("RetainUntilDate", S3Text.iso8601(retention.retainUntil))
        return Self.xmlResponse(xml.finished(closing: "Retention"))
    }

    /// `PUT /bucket/key?retention[&versionId=…]`: a mode and a date, or neither (removes the
    /// retention); `x-amz-bypass-governance-retention` honoured when `bypassGovernance`.
    func putObjectRetention(
        _ bucket: String, _ key: String, query: S3Query, body: Data, bypassGovernance: Bool
    ) async throws -> Response {
        let root = try Self.xmlBody(body, root: "Retention")
        let retention: ObjectRetention?
        switch (root.value("Mode"), root.value("RetainUntilDate")) {
        case (nil, nil):
            retention = nil
        case (let modeText?, let untilText?):
            guard let mode = ObjectLockMode(rawValue: modeText) else { throw Self.malformedXML() }
            guard let until = UTCTime.parseISO8601(untilText) else { throw Self.malformedXML() }
            retention = ObjectRetention(mode: mode, retainUntil: until)
        default:
            throw Self.malformedXML()
        }
        let version = try await objects.setRetention(
            retention, bucket: bucket, key: key, versionId: query["versionId"], bypassGovernanceRetention: bypassGovernance)
        return Response(status: .ok, headers: Self.versionHeader(version))
    }

    /// `GET /bucket/key?legal-hold[&versionId=…]`.
    func objectLegalHold(_ bucket: String, _ key: String, query: S3Query) async throws -> Response {
        let info = try await lockableVersion(bucket, key, query: query)
        guard let hold = info.legalHold else { throw S3Error(ObjectStoreError.noSuchObjectLockConfiguration) }
        var xml = S3XML(root: "LegalHold")
        xml.element("Status", hold ? "ON" : "OFF")
        return Self.xmlResponse(xml.finished(closing: "LegalHold"))
    }

    /// `PUT /bucket/key?legal-hold[&versionId=…]` with `<LegalHold><Status>ON|OFF</Status>`.
    func putObjectLegalHold(_ bucket: String, _ key: String, query: S3Query, body: Data) async throws -> Response {
        let root = try Self.xmlBody(body, root: "LegalHold")
        let on: Bool
        switch root.value("Status") {
        case "ON": on = true
        case "OFF": on = false
        default: throw Self.malformedXML()
        }
        let version = try await objects.setLegalHold(on, bucket: bucket, key: key, versionId: query["versionId"])
        return Response(status: .ok, headers: Self.versionHeader(version))
    }

    /// The version whose lock settings are asked for, in a bucket that has Object Lock.
    func lockableVersion(_ bucket: String, _ key: String, query: S3Query) async throws -> ObjectInfo {
        guard try await objects.objectLockConfiguration(ofBucket: bucket) != nil else {
            throw S3Error(ObjectStoreError.objectLockNotEnabled(bucket))
        }
        return try await objects.headObject(bucket: bucket, key: key, versionId: query["versionId"])
    }

    // MARK: headers

    /// A PutObject's `x-amz-object-lock-mode`, `-retain-until-date` (both or neither) and `-legal-hold`.
    static func lockOptions(_ headers: HTTPFields) throws -> ObjectLockOptions {
        var options = ObjectLockOptions()
        switch (headers[S3Header.objectLockMode], headers[S3Header.objectLockRetainUntil]) {
        case (nil, nil):
            break
        case (let modeText?, let untilText?):
            guard let mode = ObjectLockMode(rawValue: modeText) else {
                throw S3Error.invalidArgument("Unknown wormMode directive.", name: "x-amz-object-lock-mode", value: modeText)
            }
            guard let until = UTCTime.parseISO8601(untilText) else {
                throw S3Error.invalidArgument(
                    "The retain until date must be provided in ISO 8601 format", name: "x-amz-object-lock-retain-until-date",
                    value: untilText)
            }
            options.retention = ObjectRetention(mode: mode, retainUntil: until)
        default:
            throw S3Error.invalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
        }
        switch headers[S3Header.objectLockLegalHold] {
        case nil: break
        case "ON": options.legalHold = true
        case "OFF": options.legalHold = false
        case let other?:
            throw S3Error.invalidArgument(
                "Legal Hold must be either of 'ON' or 'OFF'", name: "x-amz-object-lock-legal-hold", value: other)
        }
        return options
    }

    /// `x-amz-version-id`, and the Object Lock headers GET and HEAD answer with.
    static func versionHeaders(_ info: ObjectInfo) -> HTTPFields {
        var headers = versionHeader(info.versionId)
        if let retention = info.retention {
            headers[S3Header.objectLockMode] = retention.mode.rawValue
            headers[S3Header.objectLockRetainUntil] = S3Text.iso8601(retention.retainUntil)
        }
        if let hold = info.legalHold { headers[S3Header.objectLockLegalHold] = hold ? "ON" : "OFF" }
        return headers
    }

    static func versionHeader(_ versionId: String?) -> HTTPFields {
        var headers = HTTPFields()
        if let versionId { headers[S3Header.versionID] = versionId }
        return headers
    }
}
