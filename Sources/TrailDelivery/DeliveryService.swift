import Logging
import ServiceLifecycle

/// Runs trail delivery in the background: one ``TrailDeliverer/tick()`` per `period`.
///
/// On graceful shutdown the pass in progress completes (its writes are planned and durable
/// either way) and the loop ends before the journal closes.
public struct DeliveryService: Service {
    let deliverer: TrailDeliverer
    let period: Duration
    let logger: Logger

    public init(deliverer: TrailDeliverer, period: Duration = .seconds(1), logger: Logger) {
        self.deliverer = deliverer
        self.period = period
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            await deliverer.tick()
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
        }
        logger.info("trail delivery stopped")
    }
}
