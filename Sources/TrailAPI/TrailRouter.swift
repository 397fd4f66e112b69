import CoreMetrics
import Hummingbird
import NIOCore
import TrailLake
import TrailStore

/// Builds the router for every Trailkeeper endpoint on the one port.
///
/// - `POST /` — CloudTrail (AWS JSON 1.1, `X-Amz-Target`), SigV4.
/// - `POST /PutAuditEvents` — CloudTrail Data (REST-JSON), SigV4.
/// - `/v1/…` — the native REST API, SigV4.
/// - `GET /health`, `GET /metrics` — open.
public func buildRouter(_ api: TrailAPIContext) -> Router<TrailRequestContext> {
    let router = Router(context: TrailRequestContext.self)
    let metrics = IngestMetrics()
    router.add(middleware: MetricsMiddleware())

    router.get("/health") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}")))
    }
    router.get("/metrics") { _, _ -> Response in
        if let s = try? await api.store.statistics() {
            metrics.journalEvents.record(s.eventCount)
            metrics.journalSequence.record(s.lastSequence)
        }
        let text = await api.metricsText()
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    var operations = CloudTrailOperations()
    let lookup = LookupEventsOperation(api: api)
    operations.register("LookupEvents") { input, invocation in try await lookup(input, invocation) }
    ChannelOperations(api: api).register(in: &operations)
    if let lake = api.lake {
        EventDataStoreOperations(catalog: lake.catalog).register(in: &operations)
        ImportOperations(lake: lake).register(in: &operations)
    }
    TrailOperations(api: api).register(in: &operations)
    QueryOperations(api: api).register(in: &operations)
    InsightOperations(api: api).register(in: &operations)
    let table = operations

    router.group("/")
        .add(middleware: AuthenticationMiddleware(authenticator: api.authenticator, bodyLimit: api.configuration.controlBodyLimit, style: .awsJSON))
        .post { request, context in try await table.respond(to: request, context: context) }

    let putAuditEvents = PutAuditEventsHandler(api: api, metrics: metrics)
    router.group("/PutAuditEvents")
        .add(middleware: AuthenticationMiddleware(authenticator: api.authenticator, bodyLimit: api.configuration.putAuditEventsBodyLimit, style: .restJSON))
        .post { request, context in try await putAuditEvents.handle(request, context: context) }

    let batch = EventBatchHandler(api: api, metrics: metrics)
    let queues = QueueHandler(api: api)
    router.group("/v1")
        .add(middleware: AuthenticationMiddleware(authenticator: api.authenticator, bodyLimit: api.configuration.batchBodyLimit, style: .native))
        .post("events") { request, context in try await batch.ingest(request, context: context) }
        .get("events/{id}") { request, context in try await batch.event(request, context: context) }
        .get("stats") { request, context in try await batch.statistics(request, context: context) }
        .get("queues/{name}/messages") { request, context in try await queues.receive(request, context: context) }
        .delete("queues/{name}/messages/{id}") { request, context in try await queues.delete(request, context: context) }

    addS3Routes(to: router, api: api)
    return router
}
