import Testing
import TrailModel
@testable import TrailLake

@Suite struct EventDataStoreStatusMachineTests {
    typealias Machine = EventDataStoreStatusMachine

    func code(_ r: Result<EventDataStoreStatus, LakeError>) -> LakeError.Code? {
        if case .failure(let e) = r { return e.code }
        return nil
    }

    @Test func creationEndsEnabledOrStopped() throws {
        #expect(try Machine.next(from: .created, on: .created(startIngestion: true), category: .cloudTrail).get() == .enabled)
        #expect(try Machine.next(from: .created, on: .created(startIngestion: false), category: .cloudTrail).get() == .stoppedIngestion)
        #expect(code(Machine.next(from: .enabled, on: .created(startIngestion: true), category: .cloudTrail)) == .invalidEventDataStoreStatus)
    }

    @Test func startAndStopNeedTheRightStatus() throws {
        #expect(try Machine.next(from: .enabled, on: .stopIngestion, category: .cloudTrail).get() == .stoppedIngestion)
        #expect(try Machine.next(from: .stoppedIngestion, on: .startIngestion, category: .cloudTrail).get() == .enabled)
        #expect(code(Machine.next(from: .enabled, on: .startIngestion, category: .cloudTrail)) == .invalidEventDataStoreStatus)
        #expect(code(Machine.next(from: .stoppedIngestion, on: .stopIngestion, category: .cloudTrail)) == .invalidEventDataStoreStatus)
        #expect(code(Machine.next(from: .pendingDeletion, on: .startIngestion, category: .cloudTrail)) == .invalidEventDataStoreStatus)
    }

    @Test func insightAndChannelStoresCannotStartOrStop() {
        for category in [EventDataStoreCategory.insight, .activityAuditLog] {
            #expect(code(Machine.next(from: .enabled, on: .stopIngestion, category: category)) == .invalidEventDataStoreCategory)
            #expect(code(Machine.next(from: .stoppedIngestion, on: .startIngestion, category: category)) == .invalidEventDataStoreCategory)
        }
    }

    @Test func deleteRestoreAndUpdate() throws {
        for status in [EventDataStoreStatus.enabled, .stoppedIngestion] {
            #expect(try Machine.next(from: status, on: .delete, category: .cloudTrail).get() == .pendingDeletion)
        }
        #expect(code(Machine.next(from: .pendingDeletion, on: .delete, category: .cloudTrail)) == .inactiveEventDataStore)
        #expect(try Machine.next(from: .pendingDeletion, on: .restore(previous: .stoppedIngestion), category: .cloudTrail).get() == .stoppedIngestion)
        #expect(try Machine.next(from: .pendingDeletion, on: .restore(previous: nil), category: .cloudTrail).get() == .enabled)
        #expect(code(Machine.next(from: .enabled, on: .restore(previous: nil), category: .cloudTrail)) == .invalidEventDataStoreStatus)
        #expect(code(Machine.next(from: .pendingDeletion, on: .update, category: .cloudTrail)) == .inactiveEventDataStore)
        #expect(try Machine.next(from: .stoppedIngestion, on: .update, category: .cloudTrail).get() == .stoppedIngestion)
    }
}
