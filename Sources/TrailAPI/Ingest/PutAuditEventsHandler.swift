import CoreMetrics
import Crypto
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat
import TrailLake
import TrailModel
import TrailStore

/// CloudTrail Data `PutAuditEvents` (REST-JSON): external events into the journal.
///
/// Request-level problems (unknown channel, duplicate ids, bad shape) refuse the whole call;
/// event-level problems become `failed` entries and the other events are stored. The response
/// is sent only after the stored events are durable.
struct PutAuditEventsHandler: Sendable {
    let api: TrailAPIContext
    let metrics: IngestMetrics

    static let idPattern: Set<UInt8> = Set(Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".utf8))

    func handle(_ request: Request, context: TrailRequestContext) async throws -> Response {
        func fail(_ type: String, _ message: String, status: HTTPResponse.Status = .badRequest) -> APIError {
            APIError(style: .restJSON, status: status, type: type, message: message)
        }
        guard context.caller != nil else {
            throw fail("MissingAuthenticationTokenException", "Missing Authentication Token", status: .forbidden)
        }
        let parameters = request.uri.queryParameters
        guard let channelReference = parameters["channelArn"].map(String.init), !channelReference.isEmpty else {
            throw fail("InvalidChannelARN", "channelArn is required")
        }
        if channelReference.hasPrefix("arn:") && !channelReference.contains(":channel/") {
            throw fail("InvalidChannelARN", "\(channelReference) is not a channel ARN")
        }
        let channel: TrailModel.Channel
        if let catalog = api.lake?.catalog {
            // Channels created through CreateChannel, and the default one.
            do {
                channel = try await catalog.channelForIngest(channelReference)
            } catch let e as LakeError where e.code == .channelARNInvalid {
                throw fail("InvalidChannelARN", e.message)
            } catch is LakeError {
                throw fail("ChannelNotFound", "Channel \(channelReference) was not found")
            }
        } else {
            channel = api.identity.defaultChannel
            guard channel.isNamed(by: channelReference) else {
                throw fail("ChannelNotFound", "Channel \(channelReference) was not found")
            }
        }
        if let external = parameters["externalId"].map(String.init), external.count < 2 || external.count > 1224 {
            throw fail("ValidationException", "externalId must be between 2 and 1224 characters")
        }
        var request = request
        let limit = api.configuration.putAuditEventsBodyLimit
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw fail("ValidationException", "The request exceeds the limit of \(limit) bytes", status: .contentTooLarge)
        }
        let parser = RecordParser(maximumRecordSize: api.configuration.maximumRecordSize)
        let parsed: [AuditEventEntry]
        do {
            parsed = try buffer.withUnsafeReadableBytes { try parser.auditEvents(in: $0) }
        } catch {
            throw fail("SerializationException", "The request body is not valid: \(error)")
        }
        guard (1...100).contains(parsed.count) else {
            throw fail("ValidationException", "auditEvents must contain between 1 and 100 events")
        }
        struct Entry {
            var id: String
            var eventData: Data
            var checksum: String?
        }
        var entries: [Entry] = []
        entries.reserveCapacity(parsed.count)
        var seen = Set<String>()
        for (i, e) in parsed.enumerated() {
            guard !e.hasWrongType else {
                throw fail("SerializationException", "auditEvents[\(i)] must be an object of strings")
            }
            guard let id = e.id, let data = e.eventData else {
                throw fail("ValidationException", "auditEvents[\(i)] needs id and eventData")
            }
            guard (1...128).contains(id.utf8.count), id.utf8.allSatisfy({ Self.idPattern.contains($0) }) else {
                throw fail("ValidationException", "auditEvents[\(i)].id must match [-_A-Za-z0-9]{1,128}")
            }
            guard seen.insert(id).inserted else {
                throw fail("DuplicatedAuditEventId", "The id \(id) appears more than once in the request")
            }
            entries.append(Entry(id: id, eventData: data, checksum: e.checksum))
        }
        // Validate each event; build records for the valid ones.
        let now = api.now()
        var failed: [(String, ExternalEvent.Failure)] = []
        var accepted: [(String, AuditRecord)] = []
        for entry in entries {
            if let checksum = entry.checksum {
                let actual = Data(SHA256.hash(data: entry.eventData)).base64EncodedString()
                guard checksum == actual else {
                    failed.append(
                        (entry.id, .init(errorCode: "InvalidChecksum", errorMessage: "eventDataChecksum does not match eventData")))
                    continue
                }
            }
            guard entry.eventData.count <= api.configuration.maximumRecordSize else {
                failed.append(
                    (entry.id, .init(errorCode: "FieldTooLong", errorMessage: "eventData exceeds \(api.configuration.maximumRecordSize) bytes")))
                continue
            }
            switch ExternalEvent.validate(entry.eventData, channelAccount: api.identity.accountID, parser: parser) {
            case .failure(let f):
                failed.append((entry.id, f))
            case .success(let event):
                // The same UID through the same channel is the same event: a retried call stores it once.
                let eventID = RecordParser.derivedEventID(Data((channel.arn + "\n" + event.uid).utf8))
                let record = event.makeRecord(
                    eventID: eventID, region: context.caller?.region ?? api.identity.region, channelARN: channel.arn,
                    ingestionTime: now)
                accepted.append((entry.id, record))
            }
        }
        var successful: [(String, String)] = []
        if !accepted.isEmpty {
            let outcomes = try await appendDurably(accepted.map(\.1))
            for (i, (id, record)) in accepted.enumerated() {
                successful.append((id, record.eventID))
                if case .duplicate = outcomes[i] { metrics.duplicates.increment() }
            }
        }
        if !failed.isEmpty { metrics.rejected.increment(by: failed.count) }
        if let catalog = api.lake?.catalog {
            await catalog.recordIngestion(
                channelARN: channel.arn, eventID: successful.last?.1 ?? accepted.last?.1.eventID,
                errorCode: successful.isEmpty ? failed.first?.1.errorCode : nil)
        }
        var out = JSONOut()
        out.beginObject()
        out.beginArray("successful")
        for (id, eventID) in successful {
            out.beginObject()
            out.string("id", id)
            out.string("eventID", eventID)
            out.endObject()
        }
        out.endArray()
        out.beginArray("failed")
        for (id, f) in failed {
            out.beginObject()
            out.string("id", id)
            out.string("errorCode", f.errorCode)
            out.string("errorMessage", f.errorMessage)
            out.endObject()
        }
        out.endArray()
        out.endObject()
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: out.bytes)))
    }

    func appendDurably(_ records: [AuditRecord]) async throws -> [AppendOutcome] {
        do {
            let outcomes = try await api.store.append(records)
            let stored = outcomes.reduce(0) { n, o in if case .stored = o { return n + 1 } else { return n } }
            metrics.ingested.increment(by: stored)
            return outcomes
        } catch {
            throw APIError(
                style: .restJSON, status: .serviceUnavailable, type: "InternalFailure",
                message: "The events could not be stored; nothing from this request was acknowledged")
        }
    }
}

