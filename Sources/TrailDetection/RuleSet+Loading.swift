import Foundation
import TrailStore
import Yams

extension RuleSet {
    /// The names of the built-in rule packs.
    public static let builtInPacks = ["cis-aws-foundations", "insights"]

    /// The name of the single rule a seed `monitored_events.json` file becomes.
    public static let monitoredEventsRuleName = "monitored-events"

    /// Loads rule files (YAML/JSON/monitored_events.json) and/or built-in pack names.
    ///
    /// Each source is a path to a file or the name of a built-in pack (``builtInPacks``). A file holds
    /// a list of rules (or `{"rules": [...]}`), YAML or JSON; each rule has `name`, `severity`
    /// (INFO/LOW/MEDIUM/HIGH/CRITICAL, default MEDIUM), `description`, optional `enabled`, and
    /// exactly one of `eventNames`, `eventPattern` (object or JSON string) or `filterPattern`.
    /// A seed `{"monitoredEvents": [...]}` file becomes one rule named `monitored-events` (MEDIUM).
    /// - Throws: ``DetectionError`` naming the source and rule at fault; rule names must be unique.
    public static func load(_ sources: [String]) throws -> RuleSet {
        var rules: [Rule] = []
        var seen: Set<String> = []
        for source in sources {
            for rule in try loadSource(source) {
                guard seen.insert(rule.name).inserted else {
                    throw DetectionError(.invalidRule, "\(source): rule name \"\(rule.name)\" is used twice")
                }
                rules.append(rule)
            }
        }
        return RuleSet(rules: rules)
    }

    /// Parses rules from the text of a rule file; `origin` names it in errors.
    public static func parseRules(_ text: String, origin: String) throws(DetectionError) -> [Rule] {
        let document = try document(text, origin: origin)
        return try rules(from: document, origin: origin)
    }

    static func loadSource(_ source: String) throws(DetectionError) -> [Rule] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), !isDirectory.boolValue {
            guard let data = FileManager.default.contents(atPath: source) else {
                throw DetectionError(.unknownSource, "\(source): cannot read the file")
            }
            return try parseRules(String(decoding: data, as: UTF8.self), origin: source)
        }
        if builtInPacks.contains(source) {
            guard let url = Bundle.module.url(forResource: source, withExtension: "yaml", subdirectory: "Packs"),
                let data = try? Data(contentsOf: url)
            else {
                throw DetectionError(.unknownSource, "built-in pack \(source) is missing from the installation")
            }
            return try parseRules(String(decoding: data, as: UTF8.self), origin: source)
        }
        throw DetectionError(
            .unknownSource,
            "\(source): no such rule file, and not a built-in pack (\(builtInPacks.joined(separator: ", ")))")
    }

    /// JSON text when it looks like JSON (exact numbers and strings), YAML otherwise.
    static func document(_ text: String, origin: String) throws(DetectionError) -> JSONValue {
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if trimmed.first == "{" || trimmed.first == "[" {
            do {
                return try JSONValue.parse(String(trimmed))
            } catch {
                throw DetectionError(.invalidRule, "\(origin): invalid JSON: \(error.message)")
            }
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw DetectionError(.invalidRule, "\(origin): invalid YAML: \(error)")
        }
        guard let node else { throw DetectionError(.invalidRule, "\(origin): the file is empty") }
        return try jsonValue(node, origin: origin)
    }

    static func jsonValue(_ node: Node, origin: String) throws(DetectionError) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            // YAML 1.2 core schema only: `yes`, `no`, `on`, `off` stay strings (a rule named `off`).
            switch scalar.string {
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            case "null", "Null", "NULL", "~", "": return .null
            default: break
            }
            if node.int != nil || node.float != nil, let d = node.float ?? node.int.map(Double.init) {
                return .number(d, text: scalar.string)
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            var out: [JSONValue] = []
            for element in sequence { out.append(try jsonValue(element, origin: origin)) }
            return .array(out)
        case .mapping(let mapping):
            var out: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.string else { throw DetectionError(.invalidRule, "\(origin): a key is not a string") }
                out[name] = try jsonValue(value, origin: origin)
            }
            return .object(out)
        case .alias:
            throw DetectionError(.invalidRule, "\(origin): YAML aliases are not supported in rule files")
        }
    }

    static func rules(from document: JSONValue, origin: String) throws(DetectionError) -> [Rule] {
        if case .array(let entries)? = document["monitoredEvents"] {
            var names: Set<String> = []
            for entry in entries {
                guard case .string(let s) = entry else {
                    throw DetectionError(.invalidRule, "\(origin): monitoredEvents holds eventName strings")
                }
                names.insert(s)
            }
            return [
                Rule(
                    name: monitoredEventsRuleName, severity: .medium,
                    description: "An event named in monitored_events.json", condition: .eventNames(names))
            ]
        }
        let entries: [JSONValue]
        if case .array(let list) = document {
            entries = list
        } else if case .array(let list)? = document["rules"] {
            entries = list
        } else {
            throw DetectionError(
                .invalidRule, "\(origin): expected a list of rules, {\"rules\": [...]} or {\"monitoredEvents\": [...]}")
        }
        var rules: [Rule] = []
        for (i, entry) in entries.enumerated() {
            rules.append(try rule(from: entry, origin: "\(origin): rule \(i + 1)"))
        }
        return rules
    }

    static let ruleKeys: Set<String> = [
        "name", "severity", "description", "enabled", "eventNames", "eventPattern", "filterPattern",
    ]

    static func rule(from entry: JSONValue, origin: String) throws(DetectionError) -> Rule {
        guard case .object(let m) = entry else { throw DetectionError(.invalidRule, "\(origin): a rule is an object") }
        guard case .string(let name)? = m["name"], !name.isEmpty else {
            throw DetectionError(.invalidRule, "\(origin): name is required")
        }
        let here = "\(origin) (\(name))"
        if let unknown = m.keys.sorted().first(where: { !ruleKeys.contains($0) }) {
            throw DetectionError(
                .invalidRule, "\(here): unknown key \"\(unknown)\" (known: \(ruleKeys.sorted().joined(separator: ", ")))")
        }
        var severity = Severity.medium
        if let given = m["severity"] {
            guard case .string(let text) = given, let parsed = Severity(parsing: text) else {
                throw DetectionError(.invalidRule, "\(here): severity must be INFO, LOW, MEDIUM, HIGH or CRITICAL")
            }
            severity = parsed
        }
        var description = ""
        if let given = m["description"] {
            guard case .string(let text) = given else { throw DetectionError(.invalidRule, "\(here): description is text") }
            description = text
        }
        var isEnabled = true
        if let given = m["enabled"] {
            guard case .bool(let b) = given else { throw DetectionError(.invalidRule, "\(here): enabled is true or false") }
            isEnabled = b
        }
        let conditions = ["eventNames", "eventPattern", "filterPattern"].filter { m[$0] != nil }
        guard conditions.count == 1 else {
            throw DetectionError(
                .invalidRule, "\(here): give exactly one of eventNames, eventPattern, filterPattern")
        }
        let condition: Rule.Condition
        do throws(DetectionError) {
            switch conditions[0] {
            case "eventNames":
                guard case .array(let list)? = m["eventNames"], !list.isEmpty else {
                    throw DetectionError(.invalidRule, "eventNames is a non-empty list of strings")
                }
                var names: Set<String> = []
                for v in list {
                    guard case .string(let s) = v else {
                        throw DetectionError(.invalidRule, "eventNames is a non-empty list of strings")
                    }
                    names.insert(s)
                }
                condition = .eventNames(names)
            case "eventPattern":
                switch m["eventPattern"]! {
                case .string(let json): condition = .eventPattern(try EventPattern(json: json))
                case let value: condition = .eventPattern(try EventPattern(value))
                }
            default:
                guard case .string(let text)? = m["filterPattern"] else {
                    throw DetectionError(.invalidRule, "filterPattern is a string such as \"{ $.eventName = X }\"")
                }
                condition = .filterPattern(try FilterPattern(text))
            }
        } catch {
            throw DetectionError(error.code, "\(here): \(error.message)")
        }
        return Rule(name: name, severity: severity, description: description, condition: condition, isEnabled: isEnabled)
    }
}
