import Logging
import ServiceLifecycle
import TrailDelivery
import TrailInsights
import TrailLake
import TrailModel
import TrailStore
import TrailStoreSQLite

/// The Insights part of `serve`: the state file, the analyzer, and the services that run them.
struct InsightsAssembly {
    /// The analyzer's counts (also read by ListInsightsMetricData).
    let state: SQLiteInsightStateStore
    let analyzer: InsightsAnalyzer
    let logger: Logger

    /// Opens `DATA_DIR/insights.sqlite` and builds the analyzer; `nil` when `insights.enabled` is false.
    ///
    /// The insight types to detect are those some trail's or event data store's insight selectors enable,
    /// read from the trail catalog and the Lake catalog at every step.
    static func build(
        settings: InsightsSettings, directory: DataDirectory, journal: any EventStore, catalog: TrailCatalog,
        lake: LakeCatalog? = nil, logger: Logger
    ) throws -> InsightsAssembly? {
        guard settings.enabled else { return nil }
        let state: SQLiteInsightStateStore
        do {
            state = try SQLiteInsightStateStore(path: directory.insightsStatePath)
        } catch {
            throw ConfigurationError("insights: \(error)")
        }
        let analyzer = InsightsAnalyzer(
            journal: journal, store: state, configuration: settings.analyzer,
            enabledTypes: {
                let stores = (try? await lake?.enabledInsightTypes()) ?? []
                return Self.enabledTypes(await catalog.all()).union(stores)
            }, logger: logger)
        return InsightsAssembly(state: state, analyzer: analyzer, logger: logger)
    }

    /// The insight types enabled on at least one of `trails`.
    static func enabledTypes(_ trails: [Trail]) -> Set<InsightType> {
        Set(trails.flatMap { $0.insightSelectors ?? [] }.map(\.insightType))
    }

    /// In start order: the state file's keeper (closed last), then the analyzer.
    var services: [any Service] {
        [InsightsStateLifecycle(state: state, logger: logger), analyzer]
    }
}

/// Keeps `insights.sqlite` open while the service runs and closes it after the analyzer has stopped.
struct InsightsStateLifecycle: Service {
    let state: SQLiteInsightStateStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        try state.close()
        logger.debug("insights state closed")
    }
}
