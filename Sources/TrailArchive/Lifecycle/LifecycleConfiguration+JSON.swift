import AWSWire
import Foundation

// The AWS CLI's JSON form (`aws s3api put-bucket-lifecycle-configuration --lifecycle-configuration
// file://lifecycle.json`), read through the same checks as S3's XML.
extension LifecycleConfiguration {
    /// Parses `{"Rules": [{"ID": …, "Filter": {"Prefix": …}, "Status": "Enabled", "Transitions":
    /// [{"Days": 30, "StorageClass": "STANDARD_IA"}], "Expiration": {"Days": 365}}]}`.
    /// Call ``validate()`` for S3's value checks.
    public init(json data: Data, transitionMinimumObjectSize: TransitionMinimumObjectSize = .allStorageClasses128K)
        throws(LifecycleConfigurationError)
    {
        guard let object = try? JSONSerialization.jsonObject(with: data), let document = object as? [String: Any],
            let rules = document["Rules"] as? [Any], Set(document.keys).isSubset(of: ["Rules"])
        else { throw LifecycleConfigurationError.malformed("Not a lifecycle configuration: {\"Rules\": [...]} expected") }
        var parsed: [LifecycleRule] = []
        for rule in rules {
            parsed.append(try Self.rule(try Self.tree(name: "Rule", rule)))
        }
        self.init(rules: parsed, transitionMinimumObjectSize: transitionMinimumObjectSize)
    }

    /// Reads a rules file: S3's XML when it starts with `<`, else the AWS CLI's JSON. Not validated.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LifecycleConfigurationError(.invalidRequest, "cannot read \(path)")
        }
        let first = data.first { !(($0 == 0x20) || ($0 == 0x09) || ($0 == 0x0A) || ($0 == 0x0D)) }
        if first == UInt8(ascii: "<") {
            try self.init(xml: data)
        } else {
            try self.init(json: data)
        }
    }

    /// The element tree the XML form of `value` would have; lists are repeated elements under
    /// their singular names (`Rules` → `Rule`, `Transitions` → `Transition`, `Tags` → `Tag`).
    static func tree(name: String, _ value: Any) throws(LifecycleConfigurationError) -> XMLTree {
        switch value {
        case let map as [String: Any]:
            var children: [XMLTree] = []
            for (key, child) in map.sorted(by: { $0.key < $1.key }) {
                if let list = child as? [Any] {
                    let singular = key.hasSuffix("s") ? String(key.dropLast()) : key
                    for item in list { children.append(try tree(name: singular, item)) }
                } else {
                    children.append(try tree(name: key, child))
                }
            }
            return XMLTree(name: name, text: "", children: children)
        case let text as String:
            // A bare date (`2026-01-01`) is midnight UTC.
            let isDay = name == "Date" && text.count == 10
            return XMLTree(name: name, text: isDay ? text + "T00:00:00Z" : text, children: [])
        case let number as NSNumber:
            let text = name == "ExpiredObjectDeleteMarker" ? (number.boolValue ? "true" : "false") : number.stringValue
            return XMLTree(name: name, text: text, children: [])
        default:
            throw LifecycleConfigurationError.malformed("Unexpected value for \(name)")
        }
    }
}
