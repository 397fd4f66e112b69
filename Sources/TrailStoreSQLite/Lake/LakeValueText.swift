import Foundation
import GRDBSQLite
import TrailLakeSQL

/// Trino text of typed SQLite values (`tk_render`) and Trino casts (`tk_cast`, `tk_try_cast`).
enum LakeValueText {
    /// The Trino text of argument `index` of `call`, typed `type`; nil for NULL.
    static func render(_ call: LakeFunctionCall, _ index: Int, as type: LakeType) -> String? {
        guard !call.isNull(index) else { return nil }
        switch type {
        case .timestamp: return TrinoFormat.timestamp(milliseconds: call.int(index)!)
        case .timestampWithTimeZone: return TrinoFormat.timestampWithTimeZone(milliseconds: call.int(index)!)
        case .date: return TrinoFormat.date(days: call.int(index)!)
        case .boolean: return TrinoFormat.boolean(call.int(index)! != 0)
        case .double: return TrinoFormat.double(call.double(index)!)
        case .bigint:
            return call.type(index) == SQLITE_FLOAT ? String(Int64(call.double(index)!.rounded(.towardZero))) : String(call.int(index)!)
        case .intervalDayToSecond: return interval(milliseconds: call.int(index)!)
        case .intervalYearToMonth:
            let months = call.int(index)!
            return (months < 0 ? "-" : "") + "\(Swift.abs(months) / 12)-\(Swift.abs(months) % 12)"
        case .map, .array, .row:
            let text = call.text(index)!
            return TrinoFormat.render(json: text, as: type) ?? text
        case .varchar, .json, .unknown:
            return renderPlain(call, index)
        }
    }

    /// SQLite's own text of a value, doubles in Java's form.
    static func renderPlain(_ call: LakeFunctionCall, _ index: Int) -> String? {
        switch call.type(index) {
        case SQLITE_NULL: nil
        case SQLITE_FLOAT: TrinoFormat.double(call.double(index)!)
        case SQLITE_INTEGER: String(call.int(index)!)
        default: call.text(index)
        }
    }

    /// `1 02:03:04.005`.
    static func interval(milliseconds: Int64) -> String {
        let sign = milliseconds < 0 ? "-" : ""
        let ms = Swift.abs(milliseconds)
        let days = ms / 86_400_000
        let rest = ms % 86_400_000
        return sign + "\(days) \(LakeTime.pad(rest / 3_600_000, 2)):\(LakeTime.pad(rest / 60_000 % 60, 2)):"
            + "\(LakeTime.pad(rest / 1000 % 60, 2)).\(LakeTime.pad(rest % 1000, 3))"
    }

    enum CastResult {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case failure(String)
    }

    /// `CAST(value AS target)` where the value has Trino type `source`.
    static func cast(_ call: LakeFunctionCall, _ index: Int, from source: LakeType, to target: LakeType) -> CastResult {
        guard !call.isNull(index) else { return .null }
        let shown = renderPlain(call, index) ?? ""
        let failure = CastResult.failure("Cannot cast \(source) '\(shown)' to \(target)")
        switch target {
        case .varchar:
            switch source {
            case .map, .array, .row, .varchar, .json, .unknown: return .text(renderPlain(call, index) ?? "")
            default: return .text(render(call, index, as: source) ?? "")
            }
        case .bigint:
            switch source {
            case .double:
                let value = call.double(index)!
                guard value.isFinite, Swift.abs(value) < 9.2e18 else { return failure }
                return .integer(Int64(value.rounded(.toNearestOrAwayFromZero)))
            case .boolean, .bigint: return .integer(call.int(index)!)
            case .varchar, .json, .unknown:
                let text = shown.trimmingCharacters(in: .whitespaces)
                return Int64(text).map(CastResult.integer) ?? failure
            default: return failure
            }
        case .double:
            switch source {
            case .double, .bigint, .boolean: return .real(call.double(index)!)
            case .varchar, .json, .unknown:
                return Double(shown.trimmingCharacters(in: .whitespaces)).map(CastResult.real) ?? failure
            default: return failure
            }
        case .boolean:
            switch source {
            case .boolean, .bigint: return .integer(call.int(index)! != 0 ? 1 : 0)
            case .double: return .integer(call.double(index)! != 0 ? 1 : 0)
            case .varchar, .json, .unknown:
                switch shown.trimmingCharacters(in: .whitespaces).lowercased() {
                case "true", "t", "1": return .integer(1)
                case "false", "f", "0": return .integer(0)
                default: return failure
                }
            default: return failure
            }
        case .timestamp, .timestampWithTimeZone:
            switch source {
            case .timestamp, .timestampWithTimeZone: return .integer(call.int(index)!)
            case .date: return .integer(call.int(index)! * LakeTime.msPerDay)
            case .varchar, .unknown: return LakeTime.parseTimestamp(shown).map(CastResult.integer) ?? failure
            default: return failure
            }
        case .date:
            switch source {
            case .date: return .integer(call.int(index)!)
            case .timestamp, .timestampWithTimeZone: return .integer(LakeTime.floorDiv(call.int(index)!, LakeTime.msPerDay))
            case .varchar, .unknown:
                return LakeTime.parseTimestamp(shown).map { .integer(LakeTime.floorDiv($0, LakeTime.msPerDay)) } ?? failure
            default: return failure
            }
        case .json:
            switch source {
            case .varchar, .unknown: return .text(LakeJSON.quoted(shown))
            case .boolean: return .text(call.int(index)! != 0 ? "true" : "false")
            case .double, .bigint: return .text(shown)
            case .map, .array, .row, .json: return .text(shown)
            default: return failure
            }
        default:
            return failure
        }
    }
}
