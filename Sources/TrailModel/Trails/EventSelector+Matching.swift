import CTrailNative
import Foundation

/// Reads record fields that ``AuditRecord`` does not index (`userIdentity.arn`,
/// `sessionCredentialFromConsole`, `vpcEndpointId`, …) straight from the raw JSON with simdjson.
///
/// Not thread-safe: one per task.
public final class RecordFieldReader {
    private let parser: OpaquePointer

    public init() { parser = tk_parser_create() }
    deinit { tk_parser_destroy(parser) }

    /// The value at a dotted path (`userIdentity.arn`) as a string (booleans as `true`/`false`).
    public func value(_ dottedPath: String, in raw: Data) -> String? {
        let pointer = "/" + dottedPath.replacingOccurrences(of: "~", with: "~0").split(separator: ".").joined(separator: "/")
        var out = tk_str()
        let found = raw.withUnsafeBytes { buffer in
            pointer.withCString { p in
                tk_value_at_pointer(parser, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count, p, &out)
            }
        }
        guard found == 1, let ptr = out.ptr else { return nil }
        return ptr.withMemoryRebound(to: UInt8.self, capacity: out.len) {
            String(decoding: UnsafeBufferPointer(start: $0, count: out.len), as: UTF8.self)
        }
    }
}

extension EventSelection {
    /// Whether a trail with this selection records `record`.
    ///
    /// Insights events and CloudTrail Lake external events (`ActivityAuditLog`) are never
    /// selected: they do not go to a trail's `CloudTrail/` log files.
    public func matches(_ record: AuditRecord, reader: RecordFieldReader) -> Bool {
        switch record.eventCategory {
        case EventCategory.insight, EventCategory.activityAuditLog: return false
        default: break
        }
        switch self {
        case .basic(let selectors):
            return selectors.contains { $0.matches(record) }
        case .advanced(let selectors):
            return selectors.contains { $0.matches(record, reader: reader) }
        }
    }
}

extension BasicEventSelector {
    func matchesReadWrite(_ record: AuditRecord) -> Bool {
        switch readWriteType {
        case .all: return true
        // Events without readOnly are write events for selection, as CloudTrail treats them.
        case .readOnly: return record.readOnly == true
        case .writeOnly: return record.readOnly != true
        }
    }

    public func matches(_ record: AuditRecord) -> Bool {
        guard matchesReadWrite(record) else { return false }
        switch record.eventCategory {
        case EventCategory.management:
            guard includeManagementEvents else { return false }
            if let source = record.eventSource, excludeManagementEventSources.contains(source) { return false }
            return true
        case EventCategory.data:
            for resource in dataResources {
                for r in record.resources where r.type == resource.type {
                    guard let arn = r.name else { continue }
                    if resource.values.contains(where: { Self.dataValue($0, matches: arn, type: resource.type) }) { return true }
                }
            }
            return false
        default:
            return false
        }
    }

    /// `arn:aws:s3` selects every bucket; S3 values are prefixes; Lambda and DynamoDB values are a
    /// bare service prefix (all) or an exact ARN.
    static func dataValue(_ value: String, matches arn: String, type: String) -> Bool {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count <= 3 || (parts.count == 6 && parts[3...].allSatisfy(\.isEmpty)) {
            return arn.hasPrefix(value)
        }
        if type == "AWS::S3::Object" { return arn.hasPrefix(value) }
        return arn == value
    }
}

extension AdvancedEventSelector {
    public func matches(_ record: AuditRecord, reader: RecordFieldReader) -> Bool {
        fieldSelectors.allSatisfy { $0.matches(record, reader: reader) }
    }
}

extension AdvancedFieldSelector {
    /// Positive operators: any value matches. Negative operators: no value may match.
    /// A field whose record value is absent matches only negative conditions.
    public func matches(_ record: AuditRecord, reader: RecordFieldReader) -> Bool {
        let values: [String]
        switch field {
        case "eventCategory": values = [record.eventCategory]
        case "eventSource": values = record.eventSource.map { [$0] } ?? []
        case "eventName": values = record.eventName.map { [$0] } ?? []
        case "eventType": values = record.eventType.map { [$0] } ?? []
        case "errorCode": values = record.errorCode.map { [$0] } ?? []
        case "readOnly": values = [record.readOnly == true ? "true" : "false"]
        case "resources.type": values = record.resources.compactMap(\.type)
        case "resources.ARN": values = record.resources.compactMap(\.name)
        case "sessionCredentialFromConsole":
            values = [reader.value("sessionCredentialFromConsole", in: record.raw) ?? "false"]
        default: values = reader.value(field, in: record.raw).map { [$0] } ?? []
        }
        return Self.evaluate(conditions, values: values)
    }

    static func evaluate(_ conditions: [Operator: [String]], values: [String]) -> Bool {
        var hasPositive = false
        var positiveMatched = false
        for (op, operands) in conditions {
            if op.isNegative {
                for v in values where operands.contains(where: { Self.test(op, $0, v) }) { return false }
            } else {
                hasPositive = true
                if values.contains(where: { v in operands.contains(where: { Self.test(op, $0, v) }) }) { positiveMatched = true }
            }
        }
        return !hasPositive || positiveMatched
    }

    static func test(_ op: Operator, _ operand: String, _ value: String) -> Bool {
        switch op {
        case .equals, .notEquals: value == operand
        case .startsWith, .notStartsWith: value.hasPrefix(operand)
        case .endsWith, .notEndsWith: value.hasSuffix(operand)
        }
    }
}
