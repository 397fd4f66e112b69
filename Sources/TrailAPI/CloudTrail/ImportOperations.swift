import TrailLake
import TrailModel

/// StartImport, GetImport, ListImports, ListImportFailures and StopImport (plan §3.4).
struct ImportOperations: Sendable {
    let lake: LakeServices

    func register(in table: inout CloudTrailOperations) {
        let ops = self
        table.register("StartImport", LakeErrorMapping.handler { try await ops.start($0) })
        table.register("GetImport", LakeErrorMapping.handler { i in
            Self.job(try await ops.lake.catalog.importJob(try LakeShapes.required(i, "ImportId")), statistics: true)
        })
        table.register("StopImport", LakeErrorMapping.handler { i in
            Self.job(try await ops.lake.catalog.stopImport(try LakeShapes.required(i, "ImportId")), statistics: true)
        })
        table.register("ListImports", LakeErrorMapping.handler { try await ops.list($0) })
        table.register("ListImportFailures", LakeErrorMapping.handler { try await ops.failures($0) })
    }

    func start(_ input: JSONInput) async throws -> JSONOut {
        let destinations = try input.strings("Destinations")
        if let id = try input.string("ImportId"), !id.isEmpty {
            guard destinations == nil, input.object["ImportSource"] == nil else {
                throw LakeError(.invalidParameter, "Give either ImportId alone (to retry an import) or Destinations and ImportSource.")
            }
            return Self.job(try await lake.catalog.retryImport(id), statistics: false)
        }
        guard let destinations, !destinations.isEmpty else {
            throw LakeError(.invalidParameter, "Destinations is required.")
        }
        guard let importSource = input.object["ImportSource"] as? [String: Any], let s3 = importSource["S3"] as? [String: Any] else {
            throw LakeError(.invalidParameter, "ImportSource with S3 is required.")
        }
        let location = JSONInput(object: s3)
        let request = ImportRequest(
            destinations: destinations, s3LocationURI: try LakeShapes.required(location, "S3LocationUri", .invalidImportSource),
            s3BucketRegion: try LakeShapes.required(location, "S3BucketRegion"),
            s3BucketAccessRoleARN: try LakeShapes.required(location, "S3BucketAccessRoleArn"),
            startEventTime: try input.timestamp("StartEventTime"), endEventTime: try input.timestamp("EndEventTime"))
        return Self.job(try await lake.imports.start(request), statistics: false)
    }

    func list(_ input: JSONInput) async throws -> JSONOut {
        var status: ImportStatus?
        if let text = try input.string("ImportStatus") {
            guard let s = ImportStatus(rawValue: text) else {
                throw LakeError(.invalidParameter, "ImportStatus \(text) is not valid.")
            }
            status = s
        }
        let page = try await lake.catalog.listImports(
            maxResults: try input.integer("MaxResults"), destination: try input.string("Destination"), status: status,
            nextToken: try input.string("NextToken"))
        var out = JSONOut()
        out.beginObject()
        out.beginArray("Imports")
        for j in page.items {
            out.beginObject()
            out.string("ImportId", j.id)
            out.string("ImportStatus", j.status.rawValue)
            out.beginArray("Destinations")
            for d in j.destinations { out.string(nil, d) }
            out.endArray()
            out.number("CreatedTimestamp", j.createdAt)
            out.number("UpdatedTimestamp", j.updatedAt)
            out.endObject()
        }
        out.endArray()
        out.string("NextToken", page.nextToken)
        out.endObject()
        return out
    }

    func failures(_ input: JSONInput) async throws -> JSONOut {
        let page = try await lake.catalog.importFailures(
            try LakeShapes.required(input, "ImportId"), maxResults: try input.integer("MaxResults"),
            nextToken: try input.string("NextToken"))
        var out = JSONOut()
        out.beginObject()
        out.beginArray("Failures")
        for f in page.items {
            out.beginObject()
            out.string("Location", f.location)
            out.string("Status", f.status.rawValue)
            out.string("ErrorType", f.errorType)
            out.string("ErrorMessage", f.errorMessage)
            out.number("LastUpdatedTime", f.lastUpdated)
            out.endObject()
        }
        out.endArray()
        out.string("NextToken", page.nextToken)
        out.endObject()
        return out
    }

    /// StartImport/GetImport/StopImport's answer.
    static func job(_ j: ImportJob, statistics: Bool) -> JSONOut {
        var out = JSONOut()
        out.beginObject()
        out.string("ImportId", j.id)
        out.beginArray("Destinations")
        for d in j.destinations { out.string(nil, d) }
        out.endArray()
        out.beginObject("ImportSource")
        out.beginObject("S3")
        out.string("S3LocationUri", j.s3LocationURI)
        out.string("S3BucketRegion", j.s3BucketRegion)
        out.string("S3BucketAccessRoleArn", j.s3BucketAccessRoleARN)
        out.endObject()
        out.endObject()
        out.number("StartEventTime", j.startEventTime)
        out.number("EndEventTime", j.endEventTime)
        out.string("ImportStatus", j.status.rawValue)
        out.number("CreatedTimestamp", j.createdAt)
        out.number("UpdatedTimestamp", j.updatedAt)
        if statistics {
            out.beginObject("ImportStatistics")
            out.number("PrefixesFound", j.statistics.prefixesFound)
            out.number("PrefixesCompleted", j.statistics.prefixesCompleted)
            out.number("FilesCompleted", j.statistics.filesCompleted)
            out.number("EventsCompleted", j.statistics.eventsCompleted)
            out.number("FailedEntries", j.statistics.failedEntries)
            out.endObject()
        }
        out.endObject()
        return out
    }
}
