import Testing
import Synchronization
import TrailLake
import TrailModel
import TrailStore
import TrailTesting

/// A test clock in epoch seconds.
final class TestClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64) { value = Mutex(start) }
    var now: Int64 { value.withLock { $0 } }
    func advance(by seconds: Int64) { value.withLock { $0 += seconds } }
}

/// A catalog on in-memory doubles with an injected clock.
struct LakeFixture {
    static let account = "111122223333"
    static let defaultChannel = Channel(
        arn: "arn:aws:cloudtrail:us-east-1:111122223333:channel/0f0e0d0c-aaaa-bbbb-cccc-000000000001", name: "trailkeeper-default")
    let clock = TestClock(1_700_000_000)
    let journal = MemoryEventStore()
    let persistence = MemoryLakeCatalogStore()
    let storage = TestEventDataStoreStorageFactory()
    let catalog: LakeCatalog

    init(maxEventDataStores: Int = 10, organizationID: String? = nil) {
        let clock = self.clock
        catalog = LakeCatalog(
            configuration: .init(
                accountID: Self.account, region: "us-east-1", maxEventDataStores: maxEventDataStores, organizationID: organizationID),
            persistence: persistence, storageFactory: storage, journal: journal, defaultChannel: Self.defaultChannel,
            now: { clock.now })
    }

    /// A catalog on the same persistence (a restart).
    func reopened() -> LakeCatalog {
        let clock = self.clock
        return LakeCatalog(
            configuration: .init(accountID: Self.account, region: "us-east-1"), persistence: persistence, storageFactory: storage,
            journal: journal, defaultChannel: Self.defaultChannel, now: { clock.now })
    }

    func create(
        _ name: String, selectors: [AdvancedEventSelector]? = nil, protection: Bool = false, tags: [TrailModel.Tag] = [],
        start: Bool? = nil
    ) async throws -> EventDataStore {
        try await catalog.createEventDataStore(
            EventDataStoreCreation(
                name: name, advancedEventSelectors: selectors, terminationProtectionEnabled: protection, tags: tags,
                startIngestion: start))
    }

    static let activitySelectors = [
        AdvancedEventSelector(fieldSelectors: [AdvancedFieldSelector(field: "eventCategory", conditions: [.equals: ["ActivityAuditLog"]])])
    ]

    func records(_ s: EventDataStore) async -> [AuditRecord] {
        await storage.storage(s.id)?.records ?? []
    }
}

/// The LakeError code an async call throws, nil when it succeeds.
func lakeCode(_ body: () async throws -> Void) async -> LakeError.Code? {
    do {
        try await body()
        return nil
    } catch let e as LakeError {
        return e.code
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
