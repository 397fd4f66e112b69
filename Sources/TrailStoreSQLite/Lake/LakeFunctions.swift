import CTrailNative
import Foundation
import GRDBSQLite
import TrailLakeSQL

/// The body of one `tk_*` SQL function.
typealias LakeFunctionBody = @Sendable (LakeQueryContext, LakeFunctionCall) -> Void

/// What `sqlite3_user_data` of a registered function points at.
final class LakeFunctionBox {
    let context: LakeQueryContext
    let body: LakeFunctionBody

    init(context: LakeQueryContext, body: @escaping LakeFunctionBody) {
        self.context = context
        self.body = body
    }
}

/// Registers the `tk_*` functions the lowered SQL calls (plan §2.5) on a query connection, with raw
/// `sqlite3_create_function_v2` and C callbacks (no per-call boxing of arguments).
enum LakeFunctions {
    /// `SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY`.
    static let pureFlags: Int32 = 0x800 | 0x80000
    /// `SQLITE_DIRECTONLY` only (functions with side effects such as `tk_match`).
    static let impureFlags: Int32 = 0x80000

    /// Name, argument count (-1 = variable), deterministic, body.
    static var all: [(String, Int32, Bool, LakeFunctionBody)] {
        coreFunctions + dateFunctions + jsonFunctions + stringFunctions
    }

    /// Registers every function on `context.db`; returns an error message on failure.
    static func register(_ context: LakeQueryContext) -> String? {
        let callback: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { context, count, values in
            let box = Unmanaged<LakeFunctionBox>.fromOpaque(sqlite3_user_data(context)!).takeUnretainedValue()
            box.body(box.context, LakeFunctionCall(context: context, arguments: UnsafeBufferPointer(start: values, count: Int(count))))
        }
        let destroy: @convention(c) (UnsafeMutableRawPointer?) -> Void = { pointer in
            if let pointer { Unmanaged<LakeFunctionBox>.fromOpaque(pointer).release() }
        }
        for (name, arity, isPure, body) in all {
            let box = Unmanaged.passRetained(LakeFunctionBox(context: context, body: body)).toOpaque()
            let flags = SQLITE_UTF8 | (isPure ? pureFlags : impureFlags)
            let code = sqlite3_create_function_v2(context.db, name, arity, flags, box, callback, nil, nil, destroy)
            guard code == SQLITE_OK else { return "cannot register \(name): \(SQLiteRaw.message(context.db))" }
        }
        return nil
    }

    /// Calls `body` with the UTF-8 bytes of argument `index` (empty for NULL).
    static func withBytes<T>(_ call: LakeFunctionCall, _ index: Int, _ body: (UnsafeBufferPointer<CChar>) -> T) -> T {
        let count = Int(sqlite3_value_bytes(call.value(index)))
        guard let bytes = sqlite3_value_text(call.value(index)) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return bytes.withMemoryRebound(to: CChar.self, capacity: count) { body(UnsafeBufferPointer(start: $0, count: count)) }
    }

    // MARK: Core

    static let coreFunctions: [(String, Int32, Bool, LakeFunctionBody)] = [
        (LakeSQLFunctionName.match, 1, false, { context, call in
            context.matched += 1
            call.result(Int64(1))
        }),
        (LakeSQLFunctionName.symbol, 2, true, { context, call in
            guard let store = call.int(0), let id = call.int(1) else { return call.resultNull() }
            call.result(context.symbol(store: Int(store), id: id))
        }),
        (LakeSQLFunctionName.json, 4, true, jsonValue),
        (LakeSQLFunctionName.mapGet, 4, true, mapGet),
        (LakeSQLFunctionName.record, 2, true, { context, call in
            guard let store = call.int(0), let seq = call.int(1) else { return call.resultNull() }
            let found: Void? = context.withRecord(store: Int(store), seq: seq) { bytes in
                call.resultText(tk_str(ptr: bytes.baseAddress?.assumingMemoryBound(to: CChar.self), len: bytes.count))
            }
            if found == nil { call.resultNull() }
        }),
        (LakeSQLFunctionName.recordChecksum, 2, true, { context, call in
            guard let store = call.int(0), let seq = call.int(1) else { return call.resultNull() }
            let digest: [UInt8]? = context.withRecord(store: Int(store), seq: seq) { bytes in
                var digest = [UInt8](repeating: 0, count: 32)
                tk_lake_sha256(bytes.baseAddress, bytes.count, &digest)
                return digest
            }
            call.result(digest.map { Data($0).base64EncodedString() })
        }),
        (LakeSQLFunctionName.render, 2, true, { context, call in
            guard let kind = call.text(0) else { return call.resultNull() }
            guard let type = context.type(named: kind) else { return call.fail("Unknown type: \(kind)") }
            call.result(LakeValueText.render(call, 1, as: type))
        }),
        (LakeSQLFunctionName.like, 3, true, like),
        (LakeSQLFunctionName.divide, 2, true, { _, call in arithmetic(call, isDivision: true) }),
        (LakeSQLFunctionName.modulo, 2, true, { _, call in arithmetic(call, isDivision: false) }),
        (LakeSQLFunctionName.cast, 3, true, { context, call in cast(context, call, isTry: false) }),
        (LakeSQLFunctionName.tryCast, 3, true, { context, call in cast(context, call, isTry: true) }),
        ("tk_ceil", 1, true, { _, call in rounding(call) { $0.rounded(.up) } }),
        ("tk_floor", 1, true, { _, call in rounding(call) { $0.rounded(.down) } }),
        ("tk_starts_with", 2, true, { _, call in
            guard let text = call.text(0), let prefix = call.text(1) else { return call.resultNull() }
            call.result(text.utf8.starts(with: prefix.utf8))
        }),
    ]

    /// `tk_json(store, seq, pointer, kind)`: the value at a JSON pointer of a raw record, typed by `kind`.
    static func jsonValue(_ context: LakeQueryContext, _ call: LakeFunctionCall) {
        guard let store = call.int(0), let seq = call.int(1) else { return call.resultNull() }
        let wanted = withBytes(call, 3) { bytes -> (CChar, Int) in (bytes.first ?? 0, bytes.count) }
        // Join keys: the inner side's values are asked for again for every outer row.
        var memoKey: LakeQueryContext.MemoKey?
        if context.memoizesText, wanted == (CChar(UInt8(ascii: "t")), 4) {
            let key = withBytes(call, 2) { pointer in LakeQueryContext.MemoKey(store: Int(store), seq: seq, pointer: LakeQueryContext.hash(pointer)) }
            if let cached = context.textMemo[key] { return call.result(cached) }
            memoKey = key
        }
        guard let doc = context.loadRecord(store: Int(store), seq: seq) else { return call.resultNull() }
        var value = tk_lake_value()
        let kind = withBytes(call, 2) { pointer in tk_lake_get(doc, pointer.baseAddress, pointer.count, 0, &value) }
        if let memoKey {
            let text: String? = Int(kind) == Int(TK_LAKE_ABSENT) ? nil : value.text.string
            context.remember(memoKey, text)
            return call.result(text)
        }
        guard Int(kind) != Int(TK_LAKE_ABSENT) else { return call.resultNull() }
        switch wanted {
        case (CChar(UInt8(ascii: "b")), 6):  // bigint
            switch Int(kind) {
            case Int(TK_LAKE_INTEGER), Int(TK_LAKE_BOOLEAN): call.result(value.integer)
            case Int(TK_LAKE_DOUBLE): call.result(Int64(exactly: value.real.rounded(.towardZero)))
            case Int(TK_LAKE_STRING): call.result(Int64(value.text.string))
            default: call.resultNull()
            }
        case (CChar(UInt8(ascii: "d")), 6):  // double
            switch Int(kind) {
            case Int(TK_LAKE_INTEGER), Int(TK_LAKE_DOUBLE): call.result(value.real)
            case Int(TK_LAKE_STRING): call.result(Double(value.text.string))
            default: call.resultNull()
            }
        case (CChar(UInt8(ascii: "b")), 7):  // boolean
            switch Int(kind) {
            case Int(TK_LAKE_BOOLEAN): call.result(value.integer)
            case Int(TK_LAKE_STRING):
                let text = value.text.string
                call.result(text == "true" ? Int64(1) : text == "false" ? Int64(0) : nil)
            default: call.resultNull()
            }
        case (CChar(UInt8(ascii: "t")), 9):  // timestamp
            guard Int(kind) == Int(TK_LAKE_STRING) else { return call.resultNull() }
            call.result(TimestampLiteral.milliseconds(value.text.string))
        case (CChar(UInt8(ascii: "j")), 4):  // json
            if Int(kind) == Int(TK_LAKE_STRING) { call.result(LakeJSON.quoted(value.text.string)) } else { call.resultText(value.text) }
        default:  // text
            call.resultText(value.text)
        }
    }

    /// `tk_map_get(store, seq, pointer, key)`: `element_at` on a raw-backed map.
    static func mapGet(_ context: LakeQueryContext, _ call: LakeFunctionCall) {
        guard let store = call.int(0), let seq = call.int(1), let key = call.text(3), let base = call.text(2),
            let doc = context.loadRecord(store: Int(store), seq: seq)
        else { return call.resultNull() }
        let isObject = base.withCString { tk_lake_kind(doc, $0, strlen($0)) } == Int32(TK_LAKE_OBJECT)
        guard isObject else { return call.resultNull() }
        let pointer = base + "/" + LakeJSON.pointerToken(key)
        var value = tk_lake_value()
        let kind = pointer.withCString { tk_lake_get(doc, $0, strlen($0), 0, &value) }
        guard Int(kind) != Int(TK_LAKE_ABSENT) else { return call.resultNull() }
        call.resultText(value.text)
    }

    static func like(_ context: LakeQueryContext, _ call: LakeFunctionCall) {
        guard let text = call.text(0), let pattern = call.text(1) else { return call.resultNull() }
        var escape: Character?
        if !call.isNull(2) {
            let escapeText = call.text(2) ?? ""
            guard escapeText.count == 1 else { return call.fail("Escape string must be a single character") }
            escape = escapeText.first
        }
        let key = pattern + "\u{0}" + (escape.map(String.init) ?? "")
        let predicate: SymbolPredicate
        if let cached = context.likePatterns[key] {
            predicate = cached
        } else {
            if let escape, !LakeStrings.isValidLike(pattern, escape: escape) {
                return call.fail("Escape character must be followed by '%', '_' or the escape character itself")
            }
            predicate = .like(pattern: pattern, escape: escape)
            context.likePatterns[key] = predicate
        }
        call.result(predicate.matches(text))
    }

    static func arithmetic(_ call: LakeFunctionCall, isDivision: Bool) {
        guard let left = call.number(0), let right = call.number(1) else { return call.resultNull() }
        switch (left, right) {
        case (.integer(let a), .integer(let b)):
            guard b != 0 else { return call.fail("Division by zero") }
            guard !(a == Int64.min && b == -1) else { return call.fail("bigint division overflow") }
            call.result(isDivision ? a / b : a % b)
        default:
            let a = left.double
            let b = right.double
            call.result(isDivision ? a / b : fmod(a, b))
        }
    }

    static func rounding(_ call: LakeFunctionCall, _ function: (Double) -> Double) {
        switch call.number(0) {
        case .integer(let value): call.result(value)
        case .real(let value): call.result(function(value))
        case nil: call.resultNull()
        }
    }

    static func cast(_ context: LakeQueryContext, _ call: LakeFunctionCall, isTry: Bool) {
        guard let targetName = call.text(0), let sourceName = call.text(1), let target = context.type(named: targetName),
            let source = context.type(named: sourceName)
        else { return call.fail("Unknown type in CAST") }
        switch LakeValueText.cast(call, 2, from: source, to: target) {
        case .null: call.resultNull()
        case .integer(let value): call.result(value)
        case .real(let value): call.result(value)
        case .text(let text): call.result(text)
        case .failure(let message): isTry ? call.resultNull() : call.fail(message)
        }
    }
}

extension LakeQueryContext {
    /// A type spelled as in lowered SQL, parsed once per query.
    func type(named name: String) -> LakeType? {
        if let type = renderTypes[name] { return type }
        guard let type = LakeTypeName.parse(name) else { return nil }
        renderTypes[name] = type
        return type
    }
}
