import TrailModel

/// The status transitions of an event data store (plan §3.1), pure: each event either gives the next status
/// or the AWS exception that refuses it.
public enum EventDataStoreStatusMachine {
    /// What is asked of a store.
    public enum Event: Sendable, Hashable {
        /// Creation finished: ENABLED, or STOPPED_INGESTION when StartIngestion was false.
        case created(startIngestion: Bool)
        case startIngestion
        case stopIngestion
        /// DeleteEventDataStore (termination protection is checked by the caller with the other references).
        case delete
        /// RestoreEventDataStore, back to the status before the deletion.
        case restore(previous: EventDataStoreStatus?)
        /// UpdateEventDataStore.
        case update
    }

    /// The status after `event`, or the refusal.
    public static func next(
        from status: EventDataStoreStatus, on event: Event, category: EventDataStoreCategory
    ) -> Result<EventDataStoreStatus, LakeError> {
        switch event {
        case .created(let start):
            guard status == .created else { return .failure(invalidStatus(status, "finish creating")) }
            return .success(start ? .enabled : .stoppedIngestion)
        case .startIngestion:
            guard category == .cloudTrail else { return .failure(category == .insight ? insightCategory : channelCategory) }
            guard status == .stoppedIngestion else { return .failure(invalidStatus(status, "start ingestion")) }
            return .success(.enabled)
        case .stopIngestion:
            guard category == .cloudTrail else { return .failure(category == .insight ? insightCategory : channelCategory) }
            guard status == .enabled else { return .failure(invalidStatus(status, "stop ingestion")) }
            return .success(.stoppedIngestion)
        case .delete:
            guard status != .pendingDeletion else {
                return .failure(LakeError(.inactiveEventDataStore, "The event data store is already pending deletion."))
            }
            return .success(.pendingDeletion)
        case .restore(let previous):
            guard status == .pendingDeletion else { return .failure(invalidStatus(status, "restore it")) }
            return .success(previous ?? .enabled)
        case .update:
            guard status != .pendingDeletion else {
                return .failure(LakeError(.inactiveEventDataStore, "The event data store is pending deletion and cannot be updated."))
            }
            return .success(status)
        }
    }

    static func invalidStatus(_ status: EventDataStoreStatus, _ action: String) -> LakeError {
        LakeError(.invalidEventDataStoreStatus, "Cannot \(action): the event data store's status is \(status.rawValue).")
    }

    static let insightCategory = LakeError(
        .invalidEventDataStoreCategory, "Ingestion cannot be started or stopped on an event data store of Insights events.")
    static let channelCategory = LakeError(
        .invalidEventDataStoreCategory,
        "Ingestion cannot be started or stopped on an event data store of events from outside AWS (ActivityAuditLog).")
}
