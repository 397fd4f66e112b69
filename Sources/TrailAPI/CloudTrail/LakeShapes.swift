import TrailLake
import TrailModel

/// Writers and readers of the Lake shapes shared by several operations (botocore `cloudtrail` 2013-11-01).
enum LakeShapes {
    /// The members every event data store answer has.
    static func eventDataStoreFields(_ s: EventDataStore, into out: inout JSONOut, status: EventDataStoreStatus? = nil) {
        out.string("EventDataStoreArn", s.arn)
        out.string("Name", s.name)
        out.string("Status", (status ?? s.status).rawValue)
        advancedSelectors(s.advancedEventSelectors, into: &out)
        out.bool("MultiRegionEnabled", s.multiRegionEnabled)
        out.bool("OrganizationEnabled", s.organizationEnabled)
        out.number("RetentionPeriod", Int64(s.retentionPeriod))
        out.bool("TerminationProtectionEnabled", s.terminationProtectionEnabled)
        out.number("CreatedTimestamp", s.createdAt)
        out.number("UpdatedTimestamp", s.updatedAt)
    }

    static func advancedSelectors(_ selectors: [AdvancedEventSelector], into out: inout JSONOut) {
        out.beginArray("AdvancedEventSelectors")
        for s in selectors {
            out.beginObject()
            out.string("Name", s.name)
            out.beginArray("FieldSelectors")
            for f in s.fieldSelectors {
                out.beginObject()
                out.string("Field", f.field)
                for op in AdvancedFieldSelector.Operator.allCases {
                    guard let values = f.conditions[op] else { continue }
                    out.beginArray(op.rawValue)
                    for v in values { out.string(nil, v) }
                    out.endArray()
                }
                out.endObject()
            }
            out.endArray()
            out.endObject()
        }
        out.endArray()
    }

    static func tags(_ key: String, _ tags: [Tag], into out: inout JSONOut) {
        out.beginArray(key)
        for t in tags {
            out.beginObject()
            out.string("Key", t.key)
            out.string("Value", t.value)
            out.endObject()
        }
        out.endArray()
    }

    static func destinations(_ destinations: [Channel.Destination], into out: inout JSONOut) {
        out.beginArray("Destinations")
        for d in destinations {
            out.beginObject()
            out.string("Type", d.type)
            out.string("Location", d.location)
            out.endObject()
        }
        out.endArray()
    }

    /// `TagsList`/`Tags` of a request, checked for shape (the catalog checks the rules).
    static func tags(_ input: JSONInput, _ key: String) throws -> [Tag] {
        guard let list = try input.objects(key) else { return [] }
        return try list.map { t in
            guard let k = try t.string("Key") else {
                throw LakeErrorMapping.apiError(LakeError(.invalidTagParameter, "Each tag needs a Key."))
            }
            return Tag(key: k, value: try t.string("Value"))
        }
    }

    /// A required string member.
    static func required(_ input: JSONInput, _ key: String, _ code: LakeError.Code = .invalidParameter) throws -> String {
        guard let v = try input.string(key), !v.isEmpty else {
            throw LakeErrorMapping.apiError(LakeError(code, "\(key) is required."))
        }
        return v
    }

    static let empty: JSONOut = {
        var out = JSONOut()
        out.beginObject()
        out.endObject()
        return out
    }()
}
