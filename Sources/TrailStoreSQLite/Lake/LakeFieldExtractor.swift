import CTrailNative
import Foundation
import TrailLakeSQL
import TrailModel

/// The physical columns of one record (plan §2.2 "Column extraction"), read in one simdjson parse.
struct LakeRecordFields {
    /// `eventTime` in epoch milliseconds, nil when the record has none that parses.
    var eventTime: Int64?
    /// Values of ``LakePhysicalSchema/symbolColumns``, in that order (nil = absent or JSON null).
    var symbols: [String?]
    /// `readonly`, `managementevent`: 0/1, nil when absent.
    var flags: [Int64?]
}

/// Reads the physical columns of records of one store family: the JSON pointers of each column differ by
/// family (CloudTrail events, Insights events, ActivityAuditLog events with their fields under `eventData`).
///
/// Not thread-safe: one extractor per writer.
final class LakeFieldExtractor {
    let family: LakeStoreFamily
    private let doc: OpaquePointer
    /// For each symbol column, the pointers tried in order (the first present wins).
    private let symbolPointers: [[String]]
    private let flagPointers: [String]

    init(family: LakeStoreFamily) {
        self.family = family
        self.doc = tk_lake_doc_create()
        let map = Self.pointers(for: family)
        symbolPointers = LakePhysicalSchema.symbolColumns.map { map[$0] ?? [] }
        let flags = ["readonly": "/readOnly", "managementevent": "/managementEvent"]
        flagPointers = LakePhysicalSchema.flagColumns.map { family == .cloudTrail ? flags[$0] ?? "" : "" }
    }

    deinit { tk_lake_doc_destroy(doc) }

    /// The pointers of each symbol column, as `LakeSchema` maps them for the family (plus the Insight event's
    /// `insightDetails` fields the plan's table lists).
    static func pointers(for family: LakeStoreFamily) -> [String: [String]] {
        let common: [String: [String]] = [
            "s_eventcategory": ["/eventCategory"], "s_eventtype": ["/eventType"], "s_awsregion": ["/awsRegion"],
            "s_recipientaccountid": ["/recipientAccountId"], "s_eventversion": ["/eventVersion"],
        ]
        switch family {
        case .cloudTrail:
            return common.merging([
                "s_eventname": ["/eventName"], "s_eventsource": ["/eventSource"], "s_errorcode": ["/errorCode"],
                "s_ui_type": ["/userIdentity/type"], "s_ui_principalid": ["/userIdentity/principalId"],
                "s_ui_arn": ["/userIdentity/arn"], "s_ui_accountid": ["/userIdentity/accountId"],
                "s_ui_accesskeyid": ["/userIdentity/accessKeyId"], "s_ui_username": ["/userIdentity/userName"],
                "s_ui_invokedby": ["/userIdentity/invokedBy"], "s_sourceipaddress": ["/sourceIPAddress"],
                "s_useragent": ["/userAgent"], "s_tlsversion": ["/tlsDetails/tlsVersion"],
                "s_sessioncredentialfromconsole": ["/sessionCredentialFromConsole"], "s_vpcendpointid": ["/vpcEndpointId"],
            ]) { $1 }
        case .activityAuditLog:
            return common.merging([
                "s_eventname": ["/eventData/eventName"], "s_eventsource": ["/eventData/eventSource"],
                "s_ui_type": ["/eventData/userIdentity/type"], "s_ui_principalid": ["/eventData/userIdentity/principalId"],
                "s_useragent": ["/eventData/userAgent"], "s_sourceipaddress": ["/eventData/sourceIPAddress"],
                "s_errorcode": ["/eventData/errorCode"],
            ]) { $1 }
        case .insight:
            return common.merging([
                "s_eventname": ["/insightDetails/eventName"], "s_eventsource": ["/insightDetails/eventSource"],
                "s_errorcode": ["/insightDetails/errorCode"],
            ]) { $1 }
        }
    }

    /// The fields of `raw`, or nil when it is not a JSON object.
    func fields(of raw: Data) -> LakeRecordFields? {
        let loaded = raw.withUnsafeBytes { buffer in
            tk_lake_doc_load(doc, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count)
        }
        guard loaded == 0 else { return nil }
        guard tk_lake_kind(doc, "", 0) == Int32(TK_LAKE_OBJECT) else { return nil }
        var value = tk_lake_value()
        var symbols: [String?] = []
        symbols.reserveCapacity(symbolPointers.count)
        for pointers in symbolPointers {
            var found: String?
            for pointer in pointers {
                if let text = scalarText(pointer, &value) {
                    found = text
                    break
                }
            }
            symbols.append(found)
        }
        var flags: [Int64?] = []
        for pointer in flagPointers {
            guard !pointer.isEmpty else {
                flags.append(nil)
                continue
            }
            let kind = pointer.withCString { tk_lake_get(doc, $0, strlen($0), 0, &value) }
            switch Int(kind) {
            case Int(TK_LAKE_BOOLEAN): flags.append(value.integer)
            case Int(TK_LAKE_STRING):
                let text = String(decoding: UnsafeRawBufferPointer(start: value.text.ptr, count: value.text.len), as: UTF8.self)
                flags.append(text == "true" ? 1 : text == "false" ? 0 : nil)
            default: flags.append(nil)
            }
        }
        var eventTime: Int64?
        if tk_lake_get(doc, "/eventTime", 10, 0, &value) == Int32(TK_LAKE_STRING) {
            let bytes = UnsafeRawBufferPointer(start: value.text.ptr, count: value.text.len)
            eventTime = Self.cloudTrailTime(bytes) ?? TimestampLiteral.milliseconds(String(decoding: bytes, as: UTF8.self))
        }
        return LakeRecordFields(eventTime: eventTime, symbols: symbols, flags: flags)
    }

    /// Epoch milliseconds of CloudTrail's own form, `YYYY-MM-DDTHH:MM:SS[.f…]Z`, without building a String;
    /// nil for anything else (the caller falls back to the general parser).
    static func cloudTrailTime(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[bytes.count - 1] == UInt8(ascii: "Z")
        else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for index in start..<start + count {
                let digit = Int64(bytes[index]) - 48
                guard digit >= 0, digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2), let hour = digits(11, 2),
            let minute = digits(14, 2), let second = digits(17, 2), (1...12).contains(month), day >= 1,
            day <= LakeTime.monthLength(year, month), hour < 24, minute < 60, second < 60
        else { return nil }
        var milliseconds: Int64 = 0
        if bytes.count > 20 {
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 21 else { return nil }
            let fraction = bytes.count - 21
            guard let value = digits(20, Swift.min(fraction, 3)) else { return nil }
            milliseconds = value * [100, 10, 1][Swift.min(fraction, 3) - 1]
            if fraction > 3 { guard digits(23, fraction - 3) != nil else { return nil } }
        } else if bytes[19] != UInt8(ascii: "Z") {
            return nil
        }
        return LakeTime.days(year, month, day) * LakeTime.msPerDay + ((hour * 60 + minute) * 60 + second) * 1000 + milliseconds
    }

    /// A string, number or boolean at `pointer` as text; nil for absent, null, objects and arrays.
    private func scalarText(_ pointer: String, _ value: inout tk_lake_value) -> String? {
        let kind = pointer.withCString { tk_lake_get(doc, $0, strlen($0), 0, &value) }
        switch Int(kind) {
        case Int(TK_LAKE_STRING), Int(TK_LAKE_INTEGER), Int(TK_LAKE_DOUBLE), Int(TK_LAKE_BOOLEAN):
            return String(decoding: UnsafeRawBufferPointer(start: value.text.ptr, count: value.text.len), as: UTF8.self)
        default:
            return nil
        }
    }
}
