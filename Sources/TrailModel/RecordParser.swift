import CTrailNative
import Crypto
import Foundation

/// Why a record could not be stored.
public struct RecordRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The position of the record in its batch or file.
    public var index: Int
    /// A reason safe to show a client; never the record's content.
    public var reason: String
    public var description: String { "record \(index): \(reason)" }

    public init(index: Int, reason: String) {
        self.index = index
        self.reason = reason
    }
}

/// A document that is not JSON at all.
public struct DocumentError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Splits CloudTrail documents into records and extracts their indexed fields with simdjson.
///
/// Not thread-safe: use one parser per task. Foundation's `JSONDecoder` is never used here
/// (it runs at ~21 MB/s on this machine; simdjson at several hundred).
public final class RecordParser {
    let parser: OpaquePointer
    /// The largest record accepted, in bytes (CloudTrail caps delivered events at 256 KB).
    public var maximumRecordSize: Int

    public init(maximumRecordSize: Int = 256 * 1024) {
        self.parser = tk_parser_create()
        self.maximumRecordSize = maximumRecordSize
    }

    deinit { tk_parser_destroy(parser) }

    /// The records of a document: `{"Records":[…]}`, a bare array, one object, or JSON lines.
    ///
    /// - Returns: for each record in document order, the parsed record or the reason it was rejected.
    /// - Throws: ``DocumentError`` when the document is not JSON.
    public func records(in document: Data) throws -> [Result<AuditRecord, RecordRejection>] {
        let count = document.withUnsafeBytes { buffer -> Int in
            tk_split(parser, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count)
        }
        guard count >= 0 else {
            throw DocumentError(description: "not a CloudTrail JSON document: \(Self.message(count))")
        }
        var results: [Result<AuditRecord, RecordRejection>] = []
        results.reserveCapacity(count)
        for index in 0..<count {
            let slice = tk_slice(parser, index)
            let raw = Data(bytes: slice.ptr, count: slice.len)
            var fields = tk_record()
            tk_parse_slice(parser, index, &fields)
            results.append(Self.record(from: fields, raw: raw, index: index, limit: maximumRecordSize))
        }
        return results
    }

    /// Parses one record given as its JSON text.
    public func record(_ raw: Data, index: Int = 0) -> Result<AuditRecord, RecordRejection> {
        var fields = tk_record()
        raw.withUnsafeBytes { buffer in
            tk_parse_record(parser, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count, &fields)
        }
        return Self.record(from: fields, raw: raw, index: index, limit: maximumRecordSize)
    }

    static func message(_ code: Int) -> String {
        String(cString: tk_error_message(Int32(-code)))
    }

    static func string(_ s: tk_str) -> String? {
        guard let ptr = s.ptr else { return nil }
        return ptr.withMemoryRebound(to: UInt8.self, capacity: s.len) {
            String(decoding: UnsafeBufferPointer(start: $0, count: s.len), as: UTF8.self)
        }
    }

    static func record(
        from f: tk_record, raw: Data, index: Int, limit: Int
    ) -> Result<AuditRecord, RecordRejection> {
        if f.parse_error != 0 {
            let text = String(cString: tk_error_message(f.parse_error))
            return .failure(RecordRejection(index: index, reason: "malformed JSON: \(text)"))
        }
        guard f.is_object == 1 else {
            return .failure(RecordRejection(index: index, reason: "record is not a JSON object"))
        }
        guard raw.count <= limit else {
            return .failure(
                RecordRejection(index: index, reason: "record is \(raw.count) bytes; the limit is \(limit)"))
        }
        guard let timeText = string(f.event_time) else {
            return .failure(RecordRejection(index: index, reason: "eventTime is missing"))
        }
        guard let time = EventTime.parse(timeText) else {
            return .failure(RecordRejection(index: index, reason: "eventTime is not an ISO-8601 UTC timestamp"))
        }
        var eventID = string(f.event_id) ?? ""
        if eventID.isEmpty || eventID.utf8.count > 256 {
            eventID = derivedEventID(raw)
        }
        let eventType = string(f.event_type)
        let managementEvent: Bool? = f.management_event < 0 ? nil : f.management_event == 1
        let category: String
        if let given = string(f.event_category), !given.isEmpty {
            category = given
        } else if eventType == "AwsCloudTrailInsight" {
            category = EventCategory.insight
        } else if managementEvent == false {
            category = EventCategory.data
        } else {
            category = EventCategory.management
        }
        var resources: [AuditRecord.Resource] = []
        if f.resource_count > 0 {
            resources.reserveCapacity(f.resource_count)
            for i in 0..<f.resource_count {
                resources.append(
                    AuditRecord.Resource(type: string(f.resource_types[i]), name: string(f.resource_names[i])))
            }
        }
        let isInsight = category == EventCategory.insight
        let identity = EventHistoryUsername.Identity(
            type: string(f.ui_type), userName: string(f.ui_user_name), arn: string(f.ui_arn),
            principalID: string(f.ui_principal_id), issuerUserName: string(f.ui_issuer_user_name))
        return .success(
            AuditRecord(
                eventID: eventID,
                eventTime: time,
                eventName: isInsight ? (string(f.insight_event_name) ?? string(f.event_name)) : string(f.event_name),
                eventSource: isInsight
                    ? (string(f.insight_event_source) ?? string(f.event_source)) : string(f.event_source),
                readOnly: f.read_only < 0 ? nil : f.read_only == 1,
                username: EventHistoryUsername.derive(identity),
                accessKeyID: string(f.ui_access_key_id).flatMap { $0.isEmpty ? nil : $0 },
                resources: resources,
                eventCategory: category,
                managementEvent: managementEvent,
                awsRegion: string(f.aws_region),
                recipientAccountID: string(f.recipient_account_id) ?? string(f.ui_account_id),
                errorCode: string(f.error_code),
                eventType: eventType,
                eventVersion: string(f.event_version),
                raw: raw
            ))
    }

    /// A stable eventID for records that carry none: a UUID-shaped digest of the record's bytes,
    /// so that importing the same file twice stores the record once.
    public static func derivedEventID(_ raw: Data) -> String {
        let digest = Array(SHA256.hash(data: raw))
        let hex = digest.prefix(16).map { b -> String in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-"
            + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}

/// One entry of a `PutAuditEvents` body.
public struct AuditEventEntry: Sendable {
    public var id: String?
    /// The `eventData` string's content (unescaped JSON text).
    public var eventData: Data?
    public var checksum: String?
    /// Whether the entry is not an object or one of its fields is not a string.
    public var hasWrongType: Bool
}

extension RecordParser {
    /// Parses a `PutAuditEvents` body, `{"auditEvents":[{"id","eventData","eventDataChecksum"}]}`.
    /// - Throws: ``DocumentError`` when the body is not such an object.
    public func auditEvents(in body: UnsafeRawBufferPointer) throws -> [AuditEventEntry] {
        let count = tk_parse_audit_events(parser, body.baseAddress?.assumingMemoryBound(to: CChar.self), body.count)
        guard count >= 0 else { throw DocumentError(description: Self.message(count)) }
        return (0..<count).map { i in
            let e = tk_audit_event_at(parser, i)
            return AuditEventEntry(
                id: Self.string(e.id), eventData: e.event_data.ptr.map { Data(bytes: $0, count: e.event_data.len) },
                checksum: Self.string(e.checksum), hasWrongType: e.wrong_type != 0)
        }
    }
}
