import Hummingbird
import NIOCore
import TrailDelivery
import TrailStore

/// The embedded queue over the native API: where trails with an SNS topic name put CloudTrail's
/// delivery notifications (the queue is named after the topic).
///
/// - `GET /v1/queues/{name}/messages?max=10&visibility=30` receives (and hides) messages.
/// - `DELETE /v1/queues/{name}/messages/{id}` deletes one.
struct QueueHandler: Sendable {
    let api: TrailAPIContext

    func receive(_ request: Request, context: TrailRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let maximum = request.uri.queryParameters.get("max", as: Int.self) ?? 10
        let visibility = request.uri.queryParameters.get("visibility", as: Int.self) ?? 30
        guard (1...100).contains(maximum), (0...43200).contains(visibility) else {
            throw APIError(style: .native, type: "", message: "max must be 1-100 and visibility 0-43200 seconds")
        }
        let messages = try await api.deliverer.receiveNotifications(
            queue: name, maximum: maximum, visibilityTimeout: Int64(visibility))
        var out = JSONOut()
        out.beginObject()
        out.beginArray("Messages")
        for m in messages {
            out.beginObject()
            out.number("MessageId", m.id)
            out.string("Body", m.body)
            out.number("SentTimestamp", m.sentTime)
            out.number("ReceiveCount", Int64(m.receiveCount))
            out.endObject()
        }
        out.endArray()
        out.endObject()
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: out.bytes)))
    }

    func delete(_ request: Request, context: TrailRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let id = context.parameters.get("id", as: Int64.self) else {
            throw APIError(style: .native, type: "", message: "The message ID must be a number")
        }
        try await api.deliverer.deleteNotification(queue: name, id: id)
        return Response(status: .noContent)
    }
}
