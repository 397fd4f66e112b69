import CoreMetrics
import Logging
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat
import TrailModel
import TrailStore

/// The native batch API: `POST /v1/events` with CloudTrail records (`{"Records":[…]}`, an
/// array, or JSON lines), answered per record after the stored ones are durable; and reads
/// of single records and store statistics.
struct EventBatchHandler: Sendable {
    let api: TrailAPIContext
    let metrics: IngestMetrics

    func ingest(_ request: Request, context: TrailRequestContext) async throws -> Response {
        var request = request
        let limit = api.configuration.batchBodyLimit
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(
                style: .native, status: .contentTooLarge, type: "", message: "The body exceeds the limit of \(limit) bytes")
        }
        let body = Data(buffer: buffer)
        let parser = RecordParser(maximumRecordSize: api.configuration.maximumRecordSize)
        let results: [Result<AuditRecord, RecordRejection>]
        do {
            results = try parser.records(in: body)
        } catch {
            throw APIError(style: .native, type: "", message: String(describing: error))
        }
        guard !results.isEmpty else {
            throw APIError(style: .native, type: "", message: "The body holds no records")
        }
        var records: [AuditRecord] = []
        records.reserveCapacity(results.count)
        for case .success(let r) in results { records.append(r) }
        let outcomes: [AppendOutcome]
        do {
            outcomes = try await api.store.append(records)
        } catch {
            context.logger.error("journal append failed", metadata: ["trail.error": "\(String(reflecting: error))"])
            throw APIError(
                style: .native, status: .serviceUnavailable, type: "",
                message: "The events could not be stored; nothing from this request was acknowledged")
        }
        var stored = 0
        var duplicates = 0
        var rejected = 0
        var out = JSONOut(capacity: results.count * 100 + 100)
        out.beginObject()
        out.beginArray("results")
        var next = 0
        for (index, result) in results.enumerated() {
            out.beginObject()
            out.number("index", Int64(index))
            switch result {
            case .success(let r):
                out.string("eventID", r.eventID)
                switch outcomes[next] {
                case .stored:
                    stored += 1
                    out.string("status", "stored")
                case .duplicate:
                    duplicates += 1
                    out.string("status", "duplicate")
                }
                next += 1
            case .failure(let rejection):
                rejected += 1
                out.string("status", "rejected")
                out.string("reason", rejection.reason)
            }
            out.endObject()
        }
        out.endArray()
        out.number("stored", Int64(stored))
        out.number("duplicates", Int64(duplicates))
        out.number("rejected", Int64(rejected))
        out.endObject()
        metrics.ingested.increment(by: stored)
        if duplicates > 0 { metrics.duplicates.increment(by: duplicates) }
        if rejected > 0 { metrics.rejected.increment(by: rejected) }
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: out.bytes)))
    }

    func event(_ request: Request, context: TrailRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let record = try await api.store.record(eventID: id) else {
            throw APIError(style: .native, status: .notFound, type: "", message: "No event with ID \(id)")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: record.raw)))
    }

    func statistics(_ request: Request, context: TrailRequestContext) async throws -> Response {
        let s = try await api.store.statistics()
        var out = JSONOut()
        out.beginObject()
        out.number("eventCount", Int64(s.eventCount))
        out.number("lastSequence", s.lastSequence)
        out.endObject()
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: out.bytes)))
    }
}
