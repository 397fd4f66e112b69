import Foundation
import TrailLake
import TrailModel

/// The CloudTrail Lake query operations (plan §3.3) over AWS JSON 1.1: StartQuery, DescribeQuery,
/// GetQueryResults, CancelQuery and ListQueries, with botocore's shapes, on ``TrailAPIContext/queries``.
struct QueryOperations: Sendable {
    let api: TrailAPIContext

    func register(in table: inout CloudTrailOperations) {
        let ops = self
        table.register("StartQuery") { i, _ in try await LakeQueryErrorMapping.mapping { try await ops.start(i) } }
        table.register("DescribeQuery") { i, _ in try await LakeQueryErrorMapping.mapping { try await ops.describe(i) } }
        table.register("GetQueryResults") { i, _ in try await LakeQueryErrorMapping.mapping { try await ops.results(i) } }
        table.register("CancelQuery") { i, _ in try await LakeQueryErrorMapping.mapping { try await ops.cancel(i) } }
        table.register("ListQueries") { i, _ in try await LakeQueryErrorMapping.mapping { try await ops.list(i) } }
    }

    var service: QueryService {
        get throws {
            guard let queries = api.queries else {
                throw LakeError(.unsupportedOperation, "CloudTrail Lake queries are not enabled on this server.")
            }
            return queries
        }
    }

    /// `EventDataStoreOwnerAccountId`: only this deployment's account owns stores here.
    func ownerAccount(_ input: JSONInput) throws -> String? {
        guard let account = try input.string("EventDataStoreOwnerAccountId") else { return nil }
        guard account.count == 12, account.allSatisfy(\.isNumber) else {
            throw LakeError(.invalidParameter, "EventDataStoreOwnerAccountId must be a 12-digit account ID.")
        }
        guard account == api.identity.accountID else {
            throw LakeError(.eventDataStoreNotFound, "No event data store of account \(account) is available here.")
        }
        return account
    }

    func queryID(_ input: JSONInput) throws -> String {
        guard let id = try input.string("QueryId"), !id.isEmpty else {
            throw LakeError(.invalidParameter, "QueryId is required.")
        }
        return id
    }

    /// The deprecated `EventDataStore` member: when given, it must name a store the query reads.
    func checkStore(_ input: JSONInput, queryID: String) async throws {
        guard let store = try input.string("EventDataStore"), !store.isEmpty else { return }
        try await service.checkStore(store, readBy: queryID)
    }

    func start(_ input: JSONInput) async throws -> JSONOut {
        let statement = try input.string("QueryStatement")
        let alias = try input.string("QueryAlias")
        let parameters = try input.strings("QueryParameters")
        let owner = try ownerAccount(input)
        if statement != nil, alias != nil {
            throw LakeError(.invalidParameter, "Specify either QueryStatement or QueryAlias, not both.")
        }
        if statement != nil, parameters != nil {
            throw LakeError(.invalidParameter, "QueryParameters can only be used with a QueryAlias.")
        }
        guard let statement else {
            if alias != nil {
                throw LakeError(.unsupportedOperation, "Query aliases (dashboard widgets) are not supported; send a QueryStatement.")
            }
            throw LakeError(.invalidParameter, "QueryStatement is required.")
        }
        var uri = try input.string("DeliveryS3Uri")
        if uri?.isEmpty == true { uri = nil }
        let id = try await service.start(statement: statement, deliveryS3Uri: uri)
        var out = JSONOut()
        out.beginObject()
        out.string("QueryId", id)
        out.string("EventDataStoreOwnerAccountId", owner)
        out.endObject()
        return out
    }

    func describe(_ input: JSONInput) async throws -> JSONOut {
        let owner = try ownerAccount(input)
        if try input.string("QueryAlias") != nil || input.isPresent("RefreshId") {
            throw LakeError(.unsupportedOperation, "Query aliases (dashboard widgets) are not supported; describe by QueryId.")
        }
        let id = try queryID(input)
        try await checkStore(input, queryID: id)
        let record = try await service.describe(id: id)
        let elapsed = record.elapsedMillis(now: Int64(api.now()) * 1000)
        var out = JSONOut()
        out.beginObject()
        out.string("QueryId", record.id)
        out.string("QueryString", record.statement)
        out.string("QueryStatus", record.status.rawValue)
        out.beginObject("QueryStatistics")
        out.number("EventsMatched", record.eventsMatched)
        out.number("EventsScanned", record.eventsScanned)
        out.number("BytesScanned", record.bytesScanned)
        out.number("ExecutionTimeInMillis", Swift.min(elapsed, Int64(Int32.max)))
        out.number("CreationTime", record.creationTime / 1000)
        out.endObject()
        out.string("ErrorMessage", record.errorMessage)
        out.string("DeliveryS3Uri", record.deliveryS3Uri)
        out.string("DeliveryStatus", record.deliveryStatus?.rawValue)
        out.string("EventDataStoreOwnerAccountId", owner)
        out.endObject()
        return out
    }

    func results(_ input: JSONInput) async throws -> JSONOut {
        _ = try ownerAccount(input)
        let id = try queryID(input)
        try await checkStore(input, queryID: id)
        var token = try input.string("NextToken")
        if token?.isEmpty == true { token = nil }
        let page = try await service.results(id: id, token: token, maxResults: try input.integer("MaxQueryResults"))
        var out = JSONOut(capacity: 4096 + page.rows.count * 64)
        out.beginObject()
        out.string("QueryStatus", page.status.rawValue)
        out.beginObject("QueryStatistics")
        out.number("ResultsCount", Int64(page.rows.count))
        out.number("TotalResultsCount", Int64(page.totalResultsCount))
        out.number("BytesScanned", page.bytesScanned)
        out.endObject()
        out.beginArray("QueryResultRows")
        for row in page.rows {
            out.beginArray()
            for (column, cell) in zip(page.columns, row) {
                out.beginObject()
                if let cell {
                    out.string(column, cell)
                } else {
                    out.rawJSON(column, Data("null".utf8))
                }
                out.endObject()
            }
            out.endArray()
        }
        out.endArray()
        out.string("NextToken", page.nextToken)
        out.string("ErrorMessage", page.errorMessage)
        out.endObject()
        return out
    }

    func cancel(_ input: JSONInput) async throws -> JSONOut {
        let owner = try ownerAccount(input)
        let id = try queryID(input)
        try await checkStore(input, queryID: id)
        let status = try await service.cancel(id: id)
        var out = JSONOut()
        out.beginObject()
        out.string("QueryId", id.lowercased())
        out.string("QueryStatus", status.rawValue)
        out.string("EventDataStoreOwnerAccountId", owner)
        out.endObject()
        return out
    }

    func list(_ input: JSONInput) async throws -> JSONOut {
        guard let store = try input.string("EventDataStore"), !store.isEmpty else {
            throw LakeError(.invalidParameter, "EventDataStore is required.")
        }
        var token = try input.string("NextToken")
        if token?.isEmpty == true { token = nil }
        let page = try await service.list(
            store: store, start: try input.timestamp("StartTime"), end: try input.timestamp("EndTime"),
            status: try input.string("QueryStatus"), maxResults: try input.integer("MaxResults"), token: token)
        var out = JSONOut()
        out.beginObject()
        out.beginArray("Queries")
        for record in page.queries {
            out.beginObject()
            out.string("QueryId", record.id)
            out.string("QueryStatus", record.status.rawValue)
            out.number("CreationTime", record.creationTime / 1000)
            out.endObject()
        }
        out.endArray()
        out.string("NextToken", page.nextToken)
        out.endObject()
        return out
    }
}
