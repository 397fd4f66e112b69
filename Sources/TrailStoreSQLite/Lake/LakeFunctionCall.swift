import CTrailNative
import Foundation
import GRDBSQLite

/// One invocation of a `tk_*` SQL function: typed access to its arguments and ways to set its result.
struct LakeFunctionCall {
    let context: OpaquePointer?
    let arguments: UnsafeBufferPointer<OpaquePointer?>

    var count: Int { arguments.count }

    func isNull(_ index: Int) -> Bool { index >= arguments.count || sqlite3_value_type(arguments[index]) == SQLITE_NULL }
    func type(_ index: Int) -> Int32 { sqlite3_value_type(arguments[index]) }
    func int(_ index: Int) -> Int64? { isNull(index) ? nil : sqlite3_value_int64(arguments[index]) }
    func double(_ index: Int) -> Double? { isNull(index) ? nil : sqlite3_value_double(arguments[index]) }
    func text(_ index: Int) -> String? { index < arguments.count ? SQLiteRaw.text(arguments[index]) : nil }
    func value(_ index: Int) -> OpaquePointer? { arguments[index] }

    /// The argument as a number (integers stay exact), nil for NULL or text that is not a number.
    func number(_ index: Int) -> LakeNumber? {
        switch type(index) {
        case SQLITE_INTEGER: return .integer(sqlite3_value_int64(arguments[index]))
        case SQLITE_FLOAT: return .real(sqlite3_value_double(arguments[index]))
        case SQLITE_TEXT:
            guard let text = text(index) else { return nil }
            if let value = Int64(text) { return .integer(value) }
            return Double(text).map(LakeNumber.real)
        default: return nil
        }
    }

    func result(_ text: String?) { SQLiteRaw.result(context, text) }
    func result(_ value: Int64?) { SQLiteRaw.result(context, value) }
    func result(_ value: Double?) { SQLiteRaw.result(context, value) }
    func result(_ value: Bool?) { SQLiteRaw.result(context, value.map { $0 ? 1 : 0 } as Int64?) }
    func result(_ number: LakeNumber?) {
        switch number {
        case .integer(let value): result(value)
        case .real(let value): result(value)
        case nil: sqlite3_result_null(context)
        }
    }
    func resultNull() { sqlite3_result_null(context) }
    func fail(_ message: String) { SQLiteRaw.error(context, message) }

    /// Sets the result to a JSON value found by simdjson: strings as text, numbers as numbers, booleans as 0/1
    /// when `booleansAsIntegers`, else as `true`/`false` text, containers as their JSON text.
    func result(_ value: tk_lake_value, booleansAsIntegers: Bool = false) {
        switch Int(value.kind) {
        case Int(TK_LAKE_ABSENT): resultNull()
        case Int(TK_LAKE_INTEGER): result(value.integer)
        case Int(TK_LAKE_DOUBLE): result(value.real)
        case Int(TK_LAKE_BOOLEAN) where booleansAsIntegers: result(value.integer)
        default: resultText(value.text)
        }
    }

    /// Sets a text result from bytes SQLite copies.
    func resultText(_ text: tk_str) {
        guard let pointer = text.ptr else { return sqlite3_result_text(context, "", 0, SQLiteRaw.transient) }
        sqlite3_result_text(context, pointer, Int32(text.len), SQLiteRaw.transient)
    }
}

/// A number argument, kept exact when it is an integer.
enum LakeNumber {
    case integer(Int64)
    case real(Double)

    var double: Double {
        switch self {
        case .integer(let value): Double(value)
        case .real(let value): value
        }
    }
}

extension tk_str {
    /// The bytes as a Swift string.
    var string: String {
        guard let ptr else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: ptr, count: len), as: UTF8.self)
    }
}
