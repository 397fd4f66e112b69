import CTrailNative
import Foundation

/// A CloudTrail Lake external (non-AWS) event sent through `PutAuditEvents`.
///
/// ``validate(_:channelAccount:)`` checks the caller's `eventData` against the schema of
/// CloudTrail Lake integrations; ``makeRecord(eventID:region:channelARN:ingestionTime:)`` wraps it
/// as CloudTrail stores it (`eventCategory` `ActivityAuditLog`, `metadata`, `eventData`).
public struct ExternalEvent: Sendable {
    /// A per-event failure, with the error codes of `PutAuditEvents`.
    public struct Failure: Error, Sendable, Hashable {
        public var errorCode: String
        public var errorMessage: String
        public init(errorCode: String, errorMessage: String) {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
        }
    }

    /// The caller's JSON text, embedded unchanged in the stored record.
    public var eventData: Data
    public var eventTime: Int64
    public var eventName: String
    public var eventSource: String
    public var uid: String
    public var principalID: String
    public var recipientAccountID: String
    public var errorCode: String?

    /// Field limits of the Lake integrations schema (characters for strings, bytes for JSON).
    static let stringLimits: [(String, Int)] = [
        ("version", 256), ("userAgent", 1024), ("eventSource", 1024), ("eventName", 1024),
        ("eventTime", 64), ("UID", 1024), ("errorCode", 256), ("errorMessage", 256),
        ("sourceIPAddress", 64), ("recipientAccountId", 12),
    ]

    /// Validates `eventData`.
    ///
    /// - Parameters:
    ///   - eventData: the `eventData` string of one audit event.
    ///   - channelAccount: the account that owns the channel; `recipientAccountId` must equal it.
    ///   - parser: a parser reused across events.
    public static func validate(
        _ eventData: Data, channelAccount: String, parser: RecordParser
    ) -> Result<ExternalEvent, Failure> {
        var f = tk_external()
        parser.parseExternal(eventData, into: &f)
        if f.parse_error != 0 || f.is_object != 1 {
            return .failure(Failure(errorCode: "InvalidData", errorMessage: "eventData is not a JSON object"))
        }
        if f.wrong_type_field > 0 {
            let name = stringLimits[Int(f.wrong_type_field) - 1].0
            return .failure(Failure(errorCode: "InvalidData", errorMessage: "Field \(name) must be a string"))
        }
        let s = RecordParser.string
        let values: [String?] = [
            s(f.version), s(f.user_agent), s(f.event_source), s(f.event_name), s(f.event_time), s(f.uid),
            s(f.error_code), s(f.error_message), s(f.source_ip), s(f.recipient_account_id),
        ]
        let required: [(String, String?)] = [
            ("version", values[0]), ("userIdentity.type", s(f.ui_type)),
            ("userIdentity.principalId", s(f.ui_principal_id)), ("eventSource", values[2]),
            ("eventName", values[3]), ("eventTime", values[4]), ("UID", values[5]),
            ("recipientAccountId", values[9]),
        ]
        for (name, value) in required where value == nil || value!.isEmpty {
            return .failure(Failure(errorCode: "FieldNotFound", errorMessage: "Required field \(name) is missing"))
        }
        for (i, (name, limit)) in stringLimits.enumerated() {
            if let v = values[i], v.count > limit {
                return .failure(
                    Failure(errorCode: "FieldTooLong", errorMessage: "Field \(name) exceeds \(limit) characters"))
            }
        }
        if let t = s(f.ui_type), t.count > 128 {
            return .failure(Failure(errorCode: "FieldTooLong", errorMessage: "Field userIdentity.type exceeds 128 characters"))
        }
        if let p = s(f.ui_principal_id), p.count > 1024 {
            return .failure(
                Failure(errorCode: "FieldTooLong", errorMessage: "Field userIdentity.principalId exceeds 1024 characters"))
        }
        if f.ui_details_kind == 2 {
            return .failure(Failure(errorCode: "InvalidData", errorMessage: "Field userIdentity.details must be an object"))
        }
        let jsonLimits: [(String, Int64, Int64)] = [
            ("requestParameters", Int64(f.request_parameters_size), 100 * 1024),
            ("responseElements", Int64(f.response_elements_size), 100 * 1024),
            ("additionalEventData", Int64(f.additional_event_data_size), 28 * 1024),
        ]
        for (name, size, limit) in jsonLimits where size > limit {
            return .failure(Failure(errorCode: "FieldTooLong", errorMessage: "Field \(name) exceeds \(limit) bytes"))
        }
        guard let time = EventTime.parse(values[4]!) else {
            return .failure(
                Failure(errorCode: "InvalidData", errorMessage: "Field eventTime must be yyyy-MM-ddTHH:mm:ssZ in UTC"))
        }
        guard values[9] == channelAccount else {
            return .failure(
                Failure(
                    errorCode: "InvalidRecipient",
                    errorMessage: "recipientAccountId must be the channel owner's account \(channelAccount)"))
        }
        return .success(
            ExternalEvent(
                eventData: eventData, eventTime: time, eventName: values[3]!, eventSource: values[2]!,
                uid: values[5]!, principalID: s(f.ui_principal_id)!, recipientAccountID: values[9]!,
                errorCode: values[6]))
    }

    /// The record CloudTrail stores for this event.
    public func makeRecord(eventID: String, region: String, channelARN: String, ingestionTime: Int64) -> AuditRecord {
        var raw = Data()
        raw.reserveCapacity(eventData.count + 400)
        func append(_ s: String) { raw.append(contentsOf: Array(s.utf8)) }
        append("{\"eventVersion\":\"0.01\",\"eventCategory\":\"ActivityAuditLog\",\"eventType\":\"ActivityLog\",")
        append("\"eventID\":\"\(eventID)\",\"eventTime\":\"\(EventTime.format(eventTime))\",")
        append("\"awsRegion\":\(JSONText.quoted(region)),\"recipientAccountId\":\(JSONText.quoted(recipientAccountID)),")
        append("\"metadata\":{\"ingestionTime\":\"\(EventTime.format(ingestionTime))\",")
        append("\"channelARN\":\(JSONText.quoted(channelARN))},\"eventData\":")
        raw.append(eventData)
        append("}")
        return AuditRecord(
            eventID: eventID, eventTime: eventTime, eventName: eventName, eventSource: eventSource, readOnly: nil,
            username: principalID, accessKeyID: nil, resources: [], eventCategory: EventCategory.activityAuditLog,
            managementEvent: nil, awsRegion: region, recipientAccountID: recipientAccountID, errorCode: errorCode,
            eventType: "ActivityLog", eventVersion: "0.01", raw: raw)
    }
}

extension RecordParser {
    func parseExternal(_ data: Data, into f: inout tk_external) {
        data.withUnsafeBytes { buffer in
            tk_parse_external(parser, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count, &f)
        }
    }
}
