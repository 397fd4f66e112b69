import CTrailNative
import Foundation

extension LakeFunctions {
    static let jsonFunctions: [(String, Int32, Bool, LakeFunctionBody)] = [
        ("tk_element_at", 2, true, elementAt),
        ("tk_row_field", 2, true, { context, call in
            guard let name = call.text(1), context.loadText(call.value(0)), let members = LakeJSON.children(context.textDoc) else {
                return call.resultNull()
            }
            guard let member = members.first(where: { $0.key.lowercased() == name }) else { return call.resultNull() }
            call.result(member.value, booleansAsIntegers: true)
        }),
        ("tk_cardinality", 1, true, { context, call in
            guard context.loadText(call.value(0)) else { return call.resultNull() }
            let count = tk_lake_children(context.textDoc, "", 0)
            call.result(count >= 0 ? Int64(count) : nil)
        }),
        ("tk_map_keys", 1, true, { context, call in
            guard context.loadText(call.value(0)), let members = LakeJSON.children(context.textDoc) else { return call.resultNull() }
            call.result("[" + members.map { LakeJSON.quoted($0.key) }.joined(separator: ",") + "]")
        }),
        ("tk_map_values", 1, true, { context, call in
            guard context.loadText(call.value(0)), let members = LakeJSON.children(context.textDoc) else { return call.resultNull() }
            call.result("[" + members.map(\.json).joined(separator: ",") + "]")
        }),
        ("tk_contains", 2, true, { context, call in contains(context, call) }),
        ("tk_json_array_contains", 2, true, { context, call in contains(context, call) }),
        ("tk_array_distinct", 1, true, { context, call in
            guard context.loadText(call.value(0)), let items = LakeJSON.children(context.textDoc) else { return call.resultNull() }
            var seen = Set<String>()
            let kept = items.map(\.json).filter { seen.insert($0).inserted }
            call.result("[" + kept.joined(separator: ",") + "]")
        }),
        ("tk_array_max", 1, true, { context, call in extreme(context, call, max: true) }),
        ("tk_array_min", 1, true, { context, call in extreme(context, call, max: false) }),
        ("tk_slice", 3, true, { context, call in
            guard let start = call.int(1), let length = call.int(2), context.loadText(call.value(0)),
                let items = LakeJSON.children(context.textDoc)
            else { return call.resultNull() }
            guard start != 0 else { return call.fail("SQL array indices start at 1") }
            guard length >= 0 else { return call.fail("length must be greater than or equal to 0") }
            let from = start > 0 ? Int(start) - 1 : items.count + Int(start)
            guard from >= 0, from < items.count else { return call.result("[]") }
            let to = Swift.min(items.count, from + Int(Swift.min(length, Int64(items.count))))
            call.result("[" + items[from..<to].map(\.json).joined(separator: ",") + "]")
        }),
        ("tk_json_parse", 1, true, { context, call in
            guard !call.isNull(0) else { return call.resultNull() }
            guard context.loadText(call.value(0)) else { return call.fail("Cannot convert value to JSON: '\(call.text(0) ?? "")'") }
            var value = tk_lake_value()
            let kind = tk_lake_get(context.textDoc, "", 0, 0, &value)
            call.result(Int(kind) == Int(TK_LAKE_ABSENT) ? "null" : LakeJSON.jsonText(value))
        }),
        ("tk_json_format", 1, true, { context, call in
            guard !call.isNull(0) else { return call.resultNull() }
            guard context.loadText(call.value(0)) else { return call.result(call.text(0)) }
            var value = tk_lake_value()
            let kind = tk_lake_get(context.textDoc, "", 0, 0, &value)
            call.result(Int(kind) == Int(TK_LAKE_ABSENT) ? "null" : LakeJSON.jsonText(value))
        }),
        ("tk_is_json_scalar", 1, true, { context, call in
            guard !call.isNull(0) else { return call.resultNull() }
            guard context.loadText(call.value(0)) else { return call.fail("Cannot convert value to JSON: '\(call.text(0) ?? "")'") }
            let kind = Int(tk_lake_kind(context.textDoc, "", 0))
            call.result(kind != Int(TK_LAKE_OBJECT) && kind != Int(TK_LAKE_ARRAY))
        }),
        ("tk_json_extract", 2, true, { context, call in extract(context, call, scalar: false) }),
        ("tk_json_extract_scalar", 2, true, { context, call in extract(context, call, scalar: true) }),
        ("tk_json_array_get", 2, true, { context, call in
            guard let index = call.int(1), context.loadText(call.value(0)), let items = LakeJSON.children(context.textDoc),
                Int(tk_lake_kind(context.textDoc, "", 0)) == Int(TK_LAKE_ARRAY)
            else { return call.resultNull() }
            let position = index >= 0 ? Int(index) : items.count + Int(index)
            guard position >= 0, position < items.count else { return call.resultNull() }
            call.result(items[position].json)
        }),
        ("tk_json_array_length", 1, true, { context, call in
            guard context.loadText(call.value(0)), Int(tk_lake_kind(context.textDoc, "", 0)) == Int(TK_LAKE_ARRAY) else {
                return call.resultNull()
            }
            call.result(Int64(tk_lake_children(context.textDoc, "", 0)))
        }),
    ]

    /// `element_at(map, key)` / `element_at(array, index)` over JSON text: 1-based, negative from the end,
    /// out of range or a missing key → NULL.
    static func elementAt(_ context: LakeQueryContext, _ call: LakeFunctionCall) {
        guard !call.isNull(1), context.loadText(call.value(0)) else { return call.resultNull() }
        let pointer: String
        switch Int(tk_lake_kind(context.textDoc, "", 0)) {
        case Int(TK_LAKE_OBJECT):
            pointer = "/" + LakeJSON.pointerToken(call.text(1) ?? "")
        case Int(TK_LAKE_ARRAY):
            guard let index = call.int(1) else { return call.resultNull() }
            guard index != 0 else { return call.fail("SQL array indices start at 1") }
            let count = Int64(tk_lake_children(context.textDoc, "", 0))
            let position = index > 0 ? index - 1 : count + index
            guard position >= 0, position < count else { return call.resultNull() }
            pointer = "/\(position)"
        default:
            return call.resultNull()
        }
        var value = tk_lake_value()
        _ = pointer.withCString { tk_lake_get(context.textDoc, $0, strlen($0), 0, &value) }
        call.result(value)
    }

    /// `contains(array, value)` / `json_array_contains(json, value)`: NULL when not found but the array holds a null.
    static func contains(_ context: LakeQueryContext, _ call: LakeFunctionCall) {
        guard !call.isNull(1), context.loadText(call.value(0)), Int(tk_lake_kind(context.textDoc, "", 0)) == Int(TK_LAKE_ARRAY),
            let items = LakeJSON.children(context.textDoc)
        else { return call.resultNull() }
        let needle = call.number(1)
        let isText = call.type(1) == 3  // SQLITE_TEXT
        let text = call.text(1) ?? ""
        var sawNull = false
        for item in items {
            switch Int(item.value.kind) {
            case Int(TK_LAKE_ABSENT): sawNull = true
            case Int(TK_LAKE_STRING): if isText, item.value.text.string == text { return call.result(true) }
            case Int(TK_LAKE_INTEGER), Int(TK_LAKE_DOUBLE):
                if !isText, let needle, needle.double == item.value.real { return call.result(true) }
            case Int(TK_LAKE_BOOLEAN):
                if !isText, let needle, needle.double == Double(item.value.integer) { return call.result(true) }
            default: if isText, item.json == text { return call.result(true) }
            }
        }
        sawNull ? call.resultNull() : call.result(false)
    }

    static func extreme(_ context: LakeQueryContext, _ call: LakeFunctionCall, max: Bool) {
        guard context.loadText(call.value(0)), let items = LakeJSON.children(context.textDoc), !items.isEmpty,
            !items.contains(where: { Int($0.value.kind) == Int(TK_LAKE_ABSENT) })
        else { return call.resultNull() }
        var best = items[0].value
        for item in items.dropFirst() where max ? LakeJSON.less(best, item.value) : LakeJSON.less(item.value, best) {
            best = item.value
        }
        call.result(best)
    }

    static func extract(_ context: LakeQueryContext, _ call: LakeFunctionCall, scalar: Bool) {
        guard let path = call.text(1) else { return call.resultNull() }
        guard let pointer = LakeJSON.pointer(ofPath: path) else { return call.fail("Invalid JSON path: '\(path)'") }
        guard context.loadText(call.value(0)) else { return call.resultNull() }
        var value = tk_lake_value()
        let kind = Int(pointer.withCString { tk_lake_get(context.textDoc, $0, strlen($0), 0, &value) })
        guard kind != Int(TK_LAKE_ABSENT) else { return call.resultNull() }
        if scalar {
            guard kind != Int(TK_LAKE_OBJECT), kind != Int(TK_LAKE_ARRAY) else { return call.resultNull() }
            call.resultText(value.text)
        } else {
            call.result(LakeJSON.jsonText(value))
        }
    }
}
