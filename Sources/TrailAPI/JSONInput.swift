import Foundation

/// A decoded AWS JSON 1.1 request body with typed, error-reporting accessors.
///
/// Control-plane bodies are small, so Foundation's `JSONSerialization` is used here; hot
/// paths (PutAuditEvents, the native batch API) parse with simdjson instead.
struct JSONInput {
    let object: [String: Any]

    /// Parses `body`; an empty body is an empty object, as AWS JSON allows.
    init(_ body: Data, style: APIError.Style) throws {
        if body.isEmpty || body.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) {
            object = [:]
            return
        }
        guard let parsed = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            throw APIError(style: style, type: "SerializationException", message: "The request body is not valid JSON")
        }
        guard let dict = parsed as? [String: Any] else {
            throw APIError(style: style, type: "SerializationException", message: "The request body must be a JSON object")
        }
        object = dict
    }

    init(object: [String: Any]) {
        self.object = object
    }

    private func wrongType(_ key: String, _ expected: String) -> APIError {
        APIError(
            style: .awsJSON, type: "SerializationException",
            message: "Field \(key) must be \(expected)")
    }

    func isPresent(_ key: String) -> Bool {
        guard let v = object[key] else { return false }
        return !(v is NSNull)
    }

    func string(_ key: String) throws -> String? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard let s = v as? String else { throw wrongType(key, "a string") }
        return s
    }

    func integer(_ key: String) throws -> Int? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        if let n = v as? NSNumber, !Self.isBoolean(n) {
            let d = n.doubleValue
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return Int(d) }
        }
        throw wrongType(key, "an integer")
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, Self.isBoolean(n) else { throw wrongType(key, "a boolean") }
        return n.boolValue
    }

    /// JSON `true`/`false` arrive as NSNumbers whose type code is `c` (char), unlike numbers.
    static func isBoolean(_ n: NSNumber) -> Bool {
        String(cString: n.objCType) == "c"
    }

    /// A JSON 1.1 timestamp: epoch seconds (number), or an ISO-8601 string.
    func timestamp(_ key: String) throws -> Int64? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        if let n = v as? NSNumber, !Self.isBoolean(n) {
            let d = n.doubleValue
            guard d.isFinite, abs(d) < 1e13 else { throw wrongType(key, "a timestamp") }
            return Int64(d.rounded(.down))
        }
        if let s = v as? String {
            if let t = Int64(s) { return t }
            if let t = TimestampText.parse(s) { return t }
        }
        throw wrongType(key, "a timestamp")
    }

    func objects(_ key: String) throws -> [JSONInput]? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard let list = v as? [Any] else { throw wrongType(key, "a list") }
        return try list.map { item in
            guard let o = item as? [String: Any] else { throw wrongType(key, "a list of objects") }
            return JSONInput(object: o)
        }
    }

    func strings(_ key: String) throws -> [String]? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard let list = v as? [Any] else { throw wrongType(key, "a list") }
        return try list.map { item in
            guard let s = item as? String else { throw wrongType(key, "a list of strings") }
            return s
        }
    }
}
