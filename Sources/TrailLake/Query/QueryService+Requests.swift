import Foundation
import Logging
import TrailLakeSQL
import TrailStore

/// A page of GetQueryResults.
public struct QueryResultsPage: Sendable, Hashable {
    public var status: QueryStatus
    /// The result's column names.
    public var columns: [String]
    /// The rows of this page (nil = SQL NULL).
    public var rows: [[String?]]
    /// Rows spooled so far (all rows once the query is terminal).
    public var totalResultsCount: Int
    public var bytesScanned: Int64
    /// Present when more rows exist now, or may still come.
    public var nextToken: String?
    public var errorMessage: String?
}

/// A page of ListQueries.
public struct QueryListPage: Sendable, Hashable {
    /// Newest first.
    public var queries: [QueryRecord]
    public var nextToken: String?
}

extension QueryService {
    /// StartQuery: checks and plans `statement` now (so syntax, column and store errors are StartQuery's), then queues it.
    ///
    /// - Returns: the new query's ID (a lower-case UUID).
    /// - Throws: ``LakeError``: InvalidParameterException (length), InvalidQueryStatementException,
    ///   EventDataStoreNotFoundException, EventDataStoreARNInvalidException, InactiveEventDataStoreException,
    ///   MaxConcurrentQueriesException, the DeliveryS3Uri errors.
    public func start(statement: String, deliveryS3Uri: String? = nil) async throws(LakeError) -> String {
        guard (1...10_000).contains(statement.count) else {
            throw LakeError(.invalidParameter, "QueryStatement must be between 1 and 10000 characters long.")
        }
        let plan = try await plan(statement)
        if let deliveryS3Uri {
            guard let delivery else {
                throw LakeError(.unsupportedOperation, "Delivery of query results to S3 is not configured on this server.")
            }
            try await delivery.validate(deliveryS3Uri)
        }
        let active = records.values.filter { !$0.status.isTerminal }.count
        guard active < configuration.maxActiveQueries else {
            throw LakeError(
                .maxConcurrentQueries, "You already have \(active) queries queued or running; the limit is \(configuration.maxActiveQueries).")
        }
        let id = UUID().uuidString.lowercased()
        let record = QueryRecord(
            id: id, statement: statement, storeIDs: plan.stores.map(\.id), columns: plan.columns.map(\.name),
            creationTime: now(), deliveryS3Uri: deliveryS3Uri)
        plans[id] = plan
        update(record)
        queue.append(id)
        wake.yield()
        return id
    }

    /// DescribeQuery.
    /// - Throws: QueryIdNotFoundException; InactiveEventDataStoreException when one of its stores is pending deletion.
    public func describe(id: String) async throws(LakeError) -> QueryRecord {
        let record = try known(id)
        try await checkStoresActive(record)
        return record
    }

    /// GetQueryResults: up to `maxResults` rows from the page `token` points at (the first when nil), also while
    /// the query runs.
    public func results(id: String, token: String?, maxResults: Int?) async throws(LakeError) -> QueryResultsPage {
        let record = try known(id)
        let limit = maxResults ?? 1000
        guard (1...1000).contains(limit) else {
            throw LakeError(.invalidMaxResults, "MaxQueryResults must be between 1 and 1000.")
        }
        let offset = try token.map { token throws(LakeError) in try tokens.decode(token, scope: id) } ?? 0
        try await checkStoresActive(record)
        var extent = ResultSpoolExtent(rows: record.resultRows, bytes: record.resultBytes)
        var index: [Int64] = []
        if let writer = writers[id] {
            if let visible = try? writer.visibleExtent() {
                extent = visible.extent
                index = visible.index
            }
        } else if record.status.isTerminal {
            index = spool.index(id: id)
        }
        guard offset <= extent.rows else { throw LakeError(.invalidNextToken, "The NextToken is not valid.") }
        let rows: [[String?]]
        do {
            rows = try spool.rows(id: id, columns: record.columns.count, extent: extent, index: index, from: offset, limit: limit)
        } catch {
            logger.error("query results unreadable", metadata: ["trail.query": "\(id)", "trail.error": "\(String(reflecting: error))"])
            rows = []
        }
        let next = offset + rows.count
        let more = next < extent.rows || !record.status.isTerminal
        return QueryResultsPage(
            status: record.status, columns: record.columns, rows: rows, totalResultsCount: extent.rows,
            bytesScanned: record.bytesScanned, nextToken: more ? tokens.encode(scope: id, offset: next) : nil,
            errorMessage: record.errorMessage)
    }

    /// CancelQuery: a queued query is CANCELLED at once, a running one is told to stop (its partial rows stay).
    /// - Throws: QueryIdNotFoundException; InactiveQueryException when it already ended; InactiveEventDataStoreException
    ///   when one of its stores is pending deletion.
    public func cancel(id: String) async throws(LakeError) -> QueryStatus {
        try await checkStoresActive(try known(id))
        var record = try known(id)
        guard !record.status.isTerminal else {
            throw LakeError(.inactiveQuery, "Query \(id) is \(record.status.rawValue) and cannot be cancelled.")
        }
        if record.status == .queued {
            queue.removeAll { $0 == id }
            plans[id] = nil
            record.endTime = now()
            if record.deliveryS3Uri != nil { record.deliveryStatus = .cancelled }
        } else {
            controls[id]?.cancel()
        }
        record.status = .cancelled
        update(record)
        return .cancelled
    }

    /// ListQueries of one store (ID, ARN or alias), newest first.
    ///
    /// - Parameters:
    ///   - start, end: epoch seconds bounds of CreationTime.
    ///   - status: a QueryStatus name.
    /// - Throws: EventDataStoreNotFoundException / EventDataStoreARNInvalidException / InactiveEventDataStoreException,
    ///   InvalidDateRangeException, InvalidQueryStatusException, InvalidMaxResultsException, InvalidNextTokenException.
    public func list(
        store: String, start: Int64?, end: Int64?, status: String?, maxResults: Int?, token: String?
    ) async throws(LakeError) -> QueryListPage {
        let resolver = try await resolver()
        let entry: LakeStoreEntry
        do {
            entry = try resolver.entry(named: store)
        } catch {
            throw LakeError(error)
        }
        if let start, let end, start > end {
            throw LakeError(.invalidDateRange, "StartTime must be before EndTime.")
        }
        var wanted: QueryStatus?
        if let status {
            guard let parsed = QueryStatus(rawValue: status) else {
                throw LakeError(.invalidQueryStatus, "\(status) is not a query status.")
            }
            wanted = parsed
        }
        let limit = maxResults ?? 1000
        guard (1...1000).contains(limit) else { throw LakeError(.invalidMaxResults, "MaxResults must be between 1 and 1000.") }
        let scope = "list|\(entry.id)|\(start.map(String.init) ?? "")|\(end.map(String.init) ?? "")|\(status ?? "")"
        let offset = try token.map { token throws(LakeError) in try tokens.decode(token, scope: scope) } ?? 0
        let matching = records.values.filter { record in
            record.storeIDs.contains(entry.id) && (wanted.map { record.status == $0 } ?? true)
                && (start.map { record.creationTime >= $0 * 1000 } ?? true)
                && (end.map { record.creationTime <= $0 * 1000 + 999 } ?? true)
        }.sorted { ($0.creationTime, $0.id) > ($1.creationTime, $1.id) }
        guard offset <= matching.count else { throw LakeError(.invalidNextToken, "The NextToken is not valid.") }
        let page = Array(matching[offset..<Swift.min(matching.count, offset + limit)])
        let next = offset + page.count
        return QueryListPage(queries: page, nextToken: next < matching.count ? tokens.encode(scope: scope, offset: next) : nil)
    }

    func known(_ id: String) throws(LakeError) -> QueryRecord {
        guard let record = records[id.lowercased()] else {
            throw LakeError(.queryIdNotFound, "Query \(id) was not found.")
        }
        return record
    }

    /// Refuses queries on stores that are pending deletion (AWS: InactiveEventDataStoreException).
    func checkStoresActive(_ record: QueryRecord) async throws(LakeError) {
        guard let entries = try? await directory.storeEntries() else { return }
        for id in record.storeIDs {
            if let entry = entries.first(where: { $0.id == id }), !entry.isActive {
                throw LakeError(.inactiveEventDataStore, "Event data store \(entry.arn) is pending deletion.")
            }
        }
    }

    /// Rows spooled so far for a query (tests and tools).
    public func spooledRows(id: String) throws(LakeError) -> Int {
        let record = try known(id)
        if let writer = writers[id], let visible = try? writer.visibleExtent() { return visible.extent.rows }
        return record.resultRows
    }
}

extension QueryService {
    /// Checks the deprecated `EventDataStore` member of DescribeQuery, GetQueryResults and CancelQuery: it must name
    /// (by ID, ARN or alias) a store that query `id` reads.
    /// - Throws: the store resolution errors; QueryIdNotFoundException when the query does not read that store.
    public func checkStore(_ reference: String, readBy id: String) async throws(LakeError) {
        let record = try known(id)
        let resolver = try await resolver()
        let entry: LakeStoreEntry
        do {
            entry = try resolver.entry(named: reference)
        } catch {
            throw LakeError(error)
        }
        guard record.storeIDs.contains(entry.id) else {
            throw LakeError(.queryIdNotFound, "Query \(id) was not found in event data store \(reference).")
        }
    }
}
