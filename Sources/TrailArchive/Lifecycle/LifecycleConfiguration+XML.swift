import AWSWire
import Foundation
import ObjectStorage

// S3's XML form of a lifecycle configuration (PutBucketLifecycleConfiguration's body,
// GetBucketLifecycleConfiguration's answer).
extension LifecycleConfiguration {
    /// Parses a `<LifecycleConfiguration>` document as S3 reads it; rules without an `ID` get one.
    /// Call ``validate()`` for S3's value checks.
    ///
    /// - Throws: ``LifecycleConfigurationError`` (`MalformedXML`) for documents S3's schema refuses.
    public init(xml data: Data, transitionMinimumObjectSize: TransitionMinimumObjectSize = .allStorageClasses128K)
        throws(LifecycleConfigurationError)
    {
        guard let root = try? XMLTree.parse(data), root.name == "LifecycleConfiguration" else { throw .malformed() }
        try Self.onlyChildren(of: root, ["Rule"], repeatable: ["Rule"])
        self.init(rules: try root.children("Rule").map(Self.rule), transitionMinimumObjectSize: transitionMinimumObjectSize)
    }

    /// The document S3's GetBucketLifecycleConfiguration answers with.
    public var xml: String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for rule in rules {
            out += "<Rule>"
            Self.element("ID", rule.id, into: &out)
            if rule.filter.isRulePrefix {
                Self.element("Prefix", rule.filter.prefix ?? "", into: &out)
            } else {
                out += "<Filter>" + Self.filterXML(rule.filter) + "</Filter>"
            }
            Self.element("Status", rule.status.rawValue, into: &out)
            for transition in rule.transitions {
                out += "<Transition>" + Self.timingXML(transition.timing)
                Self.element("StorageClass", transition.storageClass.rawValue, into: &out)
                out += "</Transition>"
            }
            if let expiration = rule.expiration {
                out += "<Expiration>" + (expiration.timing.map(Self.timingXML) ?? "")
                if let marker = expiration.expiredObjectDeleteMarker {
                    Self.element("ExpiredObjectDeleteMarker", marker ? "true" : "false", into: &out)
                }
                out += "</Expiration>"
            }
            if let noncurrent = rule.noncurrentVersionExpiration {
                out += "<NoncurrentVersionExpiration>"
                Self.element("NoncurrentDays", String(noncurrent.noncurrentDays), into: &out)
                if let newer = noncurrent.newerNoncurrentVersions {
                    Self.element("NewerNoncurrentVersions", String(newer), into: &out)
                }
                out += "</NoncurrentVersionExpiration>"
            }
            if let days = rule.abortIncompleteMultipartUploadDays {
                out += "<AbortIncompleteMultipartUpload>"
                Self.element("DaysAfterInitiation", String(days), into: &out)
                out += "</AbortIncompleteMultipartUpload>"
            }
            out += "</Rule>"
        }
        return out + "</LifecycleConfiguration>"
    }

    // MARK: writing

    static func element(_ name: String, _ value: String, into out: inout String) {
        out += "<\(name)>"
        XMLTree.escape(value, into: &out)
        out += "</\(name)>"
    }

    static func timingXML(_ timing: LifecycleRule.Timing) -> String {
        var out = ""
        switch timing {
        case .days(let days): element("Days", String(days), into: &out)
        case .date(let date): element("Date", UTCTime.iso8601(date), into: &out)
        }
        return out
    }

    static func filterXML(_ filter: LifecycleRule.Filter) -> String {
        var parts: [String] = []
        if let prefix = filter.prefix {
            var out = ""
            element("Prefix", prefix, into: &out)
            parts.append(out)
        }
        for tag in filter.tags {
            var out = "<Tag>"
            element("Key", tag.key, into: &out)
            element("Value", tag.value, into: &out)
            parts.append(out + "</Tag>")
        }
        if let size = filter.objectSizeGreaterThan { parts.append("<ObjectSizeGreaterThan>\(size)</ObjectSizeGreaterThan>") }
        if let size = filter.objectSizeLessThan { parts.append("<ObjectSizeLessThan>\(size)</ObjectSizeLessThan>") }
        return parts.count > 1 ? "<And>" + parts.joined() + "</And>" : parts.joined()
    }

    // MARK: reading

    static func rule(_ element: XMLTree) throws(LifecycleConfigurationError) -> LifecycleRule {
        try onlyChildren(
            of: element,
            [
                "ID", "Prefix", "Filter", "Status", "Transition", "Expiration", "NoncurrentVersionExpiration",
                "AbortIncompleteMultipartUpload",
            ], repeatable: ["Transition"])
        var filter: LifecycleRule.Filter
        switch (element.child("Filter"), element.child("Prefix")) {
        case (let filterElement?, nil): filter = try self.filter(filterElement)
        case (nil, let prefix?): filter = LifecycleRule.Filter(prefix: prefix.text, isRulePrefix: true)
        default: throw .malformed()
        }
        let status: LifecycleRule.Status
        switch element.child("Status").map({ trimmed($0) }) {
        case "Enabled": status = .enabled
        case "Disabled": status = .disabled
        default: throw .malformed()
        }
        var rule = LifecycleRule(id: LifecycleRule.generatedID(), status: status, filter: filter)
        if let id = element.child("ID")?.text, !id.isEmpty { rule.id = id }
        for transition in element.children("Transition") {
            try onlyChildren(of: transition, ["Days", "Date", "StorageClass"])
            guard let name = transition.child("StorageClass").map({ trimmed($0) }), let storageClass = StorageClass(rawValue: name),
                storageClass.isTransitionTarget
            else { throw .malformed() }
            rule.transitions.append(LifecycleRule.Transition(try timing(transition), to: storageClass))
        }
        if let expiration = element.child("Expiration") {
            try onlyChildren(of: expiration, ["Days", "Date", "ExpiredObjectDeleteMarker"])
            var marker: Bool?
            switch expiration.child("ExpiredObjectDeleteMarker").map({ trimmed($0) }) {
            case nil: marker = nil
            case "true": marker = true
            case "false": marker = false
            default: throw .malformed()
            }
            let timing = expiration.child("Days") == nil && expiration.child("Date") == nil ? nil : try timing(expiration)
            rule.expiration = LifecycleRule.Expiration(timing, expiredObjectDeleteMarker: marker)
        }
        if let noncurrent = element.child("NoncurrentVersionExpiration") {
            try onlyChildren(of: noncurrent, ["NoncurrentDays", "NewerNoncurrentVersions"])
            guard let days = noncurrent.child("NoncurrentDays") else { throw .malformed() }
            rule.noncurrentVersionExpiration = LifecycleRule.NoncurrentVersionExpiration(
                noncurrentDays: try integer(days), newerNoncurrentVersions: try noncurrent.child("NewerNoncurrentVersions").map(integer))
        }
        if let abort = element.child("AbortIncompleteMultipartUpload") {
            try onlyChildren(of: abort, ["DaysAfterInitiation"])
            guard let days = abort.child("DaysAfterInitiation") else { throw .malformed() }
            rule.abortIncompleteMultipartUploadDays = try integer(days)
        }
        return rule
    }

    static func filter(_ element: XMLTree) throws(LifecycleConfigurationError) -> LifecycleRule.Filter {
        let predicates = ["Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan"]
        try onlyChildren(of: element, predicates + ["And"])
        guard element.children.count <= 1 else { throw .malformed() }
        if let and = element.child("And") {
            try onlyChildren(of: and, predicates, repeatable: ["Tag"])
            guard and.children.count >= 2 else { throw .malformed() }
            return try predicatesFilter(and)
        }
        return try predicatesFilter(element)
    }

    static func predicatesFilter(_ element: XMLTree) throws(LifecycleConfigurationError) -> LifecycleRule.Filter {
        var filter = LifecycleRule.Filter(prefix: element.child("Prefix")?.text)
        for tag in element.children("Tag") {
            try onlyChildren(of: tag, ["Key", "Value"])
            guard let key = tag.child("Key")?.text, let value = tag.child("Value")?.text else { throw .malformed() }
            filter.tags.append(LifecycleRule.Tag(key: key, value: value))
        }
        filter.objectSizeGreaterThan = try element.child("ObjectSizeGreaterThan").map { e throws(LifecycleConfigurationError) in
            Int64(try integer(e))
        }
        filter.objectSizeLessThan = try element.child("ObjectSizeLessThan").map { e throws(LifecycleConfigurationError) in
            Int64(try integer(e))
        }
        return filter
    }

    /// `<Days>` or `<Date>`, exactly one.
    static func timing(_ element: XMLTree) throws(LifecycleConfigurationError) -> LifecycleRule.Timing {
        switch (element.child("Days"), element.child("Date")) {
        case (let days?, nil): return .days(try integer(days))
        case (nil, let date?):
            guard let parsed = UTCTime.parseISO8601(trimmed(date)) else {
                throw LifecycleConfigurationError(.invalidArgument, "Invalid Date value: \(trimmed(date))")
            }
            return .date(parsed)
        default: throw .malformed()
        }
    }

    static func integer(_ element: XMLTree) throws(LifecycleConfigurationError) -> Int {
        guard let value = Int(trimmed(element)) else { throw .malformed() }
        return value
    }

    static func trimmed(_ element: XMLTree) -> String {
        element.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Refuses child elements S3's schema does not have there, and repeats of single ones.
    static func onlyChildren(of element: XMLTree, _ names: [String], repeatable: Set<String> = [])
        throws(LifecycleConfigurationError)
    {
        var seen: Set<String> = []
        for child in element.children {
            guard names.contains(child.name) else { throw .malformed() }
            guard seen.insert(child.name).inserted || repeatable.contains(child.name) else { throw .malformed() }
        }
    }
}
