/// An EventBridge event pattern (spec §10.2), compiled.
///
/// Keys are ANDed, nested objects recurse, leaf arrays list alternatives (ORed), and an event
/// array matches when any element does. Supported: literal strings, numbers, `true`, `false`,
/// `null`; `prefix`, `suffix` (both also with `equals-ignore-case`), `equals-ignore-case`,
/// `wildcard`, `anything-but` (values, numbers, lists, `prefix`, `suffix`, `equals-ignore-case`,
/// `wildcard`), `numeric`, `exists`, `cidr` and `$or`.
///
/// A pattern whose top level names an envelope key (`source`, `detail-type`, `detail`, `account`,
/// `region`, `time`, `id`, `version`) is matched against the EventBridge envelope of the record
/// (spec §5.4); any other pattern against the bare CloudTrail record.
public struct EventPattern: Sendable {
    let root: ObjectPattern
    /// Whether the pattern is matched against the EventBridge envelope.
    public let targetsEnvelope: Bool

    static let envelopeKeys: Set<String> = ["source", "detail-type", "detail", "account", "region", "time", "id", "version"]

    /// Compiles a pattern given as JSON text.
    /// - Throws: ``DetectionError`` with `.invalidEventPattern` (or `.invalidJSON`).
    public init(json: String) throws(DetectionError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(json)
        } catch {
            throw DetectionError(.invalidEventPattern, "event pattern is not JSON: \(error.message)")
        }
        try self.init(value)
    }

    /// Compiles a pattern given as a JSON value.
    public init(_ value: JSONValue) throws(DetectionError) {
        guard case .object(let members) = value, !members.isEmpty else {
            throw DetectionError(.invalidEventPattern, "an event pattern must be a non-empty JSON object")
        }
        let root = try ObjectPattern(members, path: "")
        self.root = root
        self.targetsEnvelope = root.topLevelKeys.contains { Self.envelopeKeys.contains($0) }
    }

    /// Whether the pattern matches `node` (`nil`: unknown, when `node` is partial).
    func matches(_ node: RecordNode, raw: RawText? = nil) -> Bool? {
        root.matches(node, raw)
    }

    /// The values the string field at `path` must equal for the pattern to match, when the pattern pins it.
    func pinnedValues(_ path: [String]) -> Set<String>? {
        root.pinnedValues(path[...])
    }
}

/// One object level of a pattern: fields (ANDed) and `$or` groups.
struct ObjectPattern: Sendable {
    var fields: [(key: String, pattern: FieldPattern)] = []
    var alternatives: [[ObjectPattern]] = []

    indirect enum FieldPattern: Sendable {
        case nested(ObjectPattern)
        case leaf([ValueMatcher])
    }

    init(_ members: [String: JSONValue], path: String) throws(DetectionError) {
        for key in members.keys.sorted() {
            let value = members[key]!
            let here = path.isEmpty ? key : path + "." + key
            if key == "$or" {
                guard case .array(let branches) = value, branches.count >= 2 else {
                    throw DetectionError(.invalidEventPattern, "\(here): $or needs an array of at least two patterns")
                }
                var group: [ObjectPattern] = []
                for branch in branches {
                    guard case .object(let m) = branch, !m.isEmpty else {
                        throw DetectionError(.invalidEventPattern, "\(here): each $or branch must be a non-empty object")
                    }
                    group.append(try ObjectPattern(m, path: path))
                }
                alternatives.append(group)
                continue
            }
            switch value {
            case .object(let m):
                guard !m.isEmpty else {
                    throw DetectionError(.invalidEventPattern, "\(here): an empty object matches nothing")
                }
                fields.append((key, .nested(try ObjectPattern(m, path: here))))
            case .array(let elements):
                guard !elements.isEmpty else {
                    throw DetectionError(.invalidEventPattern, "\(here): empty arrays are not allowed")
                }
                var matchers: [ValueMatcher] = []
                for element in elements { matchers.append(try ValueMatcher(element, path: here)) }
                if path.isEmpty && key == "detail-type" {
                    // EventBridge's docs spell the sign-in detail-type two ways (spec §5.4): accept both.
                    for case .string("AWS Console Signin via CloudTrail") in matchers {
                        matchers.append(.string("AWS Console Sign In via CloudTrail"))
                    }
                }
                fields.append((key, .leaf(matchers)))
            default:
                throw DetectionError(
                    .invalidEventPattern, "\(here): a pattern value must be an array of alternatives or an object")
            }
        }
    }

    var topLevelKeys: [String] {
        fields.map(\.key) + alternatives.flatMap { $0.flatMap(\.topLevelKeys) }
    }

    func matches(_ node: RecordNode, _ raw: RawText? = nil) -> Bool? {
        var unknown = false
        for (key, pattern) in fields {
            switch Self.match(pattern, node.member(key), raw) {
            case false: return false
            case nil: unknown = true
            case true: break
            }
        }
        for group in alternatives {
            switch Tri.or(group.lazy.map { $0.matches(node, raw) }) {
            case false: return false
            case nil: unknown = true
            case true: break
            }
        }
        return unknown ? nil : true
    }

    static func match(_ pattern: FieldPattern, _ lookup: RecordNode.Lookup, _ raw: RawText?) -> Bool? {
        switch (pattern, lookup) {
        case (.leaf(let matchers), .unknown):
            if let raw, let needles = Self.needles(matchers), raw.excludes(anyOf: needles) { return false }
            return nil
        case (_, .unknown):
            return nil
        case (.nested, .missing):
            return false
        case (.leaf(let matchers), .missing):
            return matchers.contains { $0.matchesAbsence }
        case (.nested, .found(.absentOrNull)):
            return false
        case (.leaf(let matchers), .found(.absentOrNull)):
            let ifAbsent = matchers.contains { $0.matchesAbsence }
            let ifNull = matchers.contains { $0.matches(.null) }
            return ifAbsent == ifNull ? ifAbsent : nil
        case (.nested(let object), .found(let node)):
            switch node {
            case .absentOrNull: return false
            case .partial: return object.matches(node, raw)
            case .value(.object): return object.matches(node)
            case .value(.array(let elements)):
                return elements.contains { element in
                    if case .object = element { return object.matches(.value(element)) == true }
                    return false
                }
            case .value: return false
            }
        case (.leaf(let matchers), .found(let node)):
            guard case .value(let value) = node else { return nil }
            switch value {
            case .object:
                return false
            case .array(let elements):
                return elements.contains { element in matchers.contains { $0.matches(element) } }
            default:
                return matchers.contains { $0.matches(value) }
            }
        }
    }

    /// Bytes one of which must occur in the record for the leaf to match, when every alternative has one.
    static func needles(_ matchers: [ValueMatcher]) -> [[UInt8]]? {
        var out: [[UInt8]] = []
        for matcher in matchers {
            let needle: [UInt8]?
            switch matcher {
            case .string(let s): needle = RawText.needle(s)
            case .prefix(let p, ignoringCase: false), .suffix(let p, ignoringCase: false): needle = RawText.needle(p)
            case .wildcard(let w): needle = w.pieces.max { $0.utf8.count < $1.utf8.count }.flatMap { RawText.needle($0) }
            default: needle = nil
            }
            guard let needle else { return nil }
            out.append(needle)
        }
        return out
    }

    func pinnedValues(_ path: ArraySlice<String>) -> Set<String>? {
        guard let first = path.first else { return nil }
        var result: Set<String>?
        func narrow(_ set: Set<String>) {
            result = result.map { $0.intersection(set) } ?? set
        }
        for (key, pattern) in fields where key == first {
            switch pattern {
            case .leaf(let matchers) where path.count == 1:
                var values: Set<String> = []
                var pinned = true
                for m in matchers {
                    if case .string(let s) = m { values.insert(s) } else { pinned = false }
                }
                if pinned { narrow(values) }
            case .nested(let object) where path.count > 1:
                if let set = object.pinnedValues(path.dropFirst()) { narrow(set) }
            default:
                break
            }
        }
        for group in alternatives {
            var union: Set<String> = []
            var pinned = true
            for branch in group {
                if let set = branch.pinnedValues(path) { union.formUnion(set) } else { pinned = false }
            }
            if pinned { narrow(union) }
        }
        return result
    }
}
