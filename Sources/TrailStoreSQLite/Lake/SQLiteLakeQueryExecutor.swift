import Dispatch
import Foundation
import TrailLakeSQL
import TrailStore

/// Runs lowered Lake queries over the store files of a directory (`<storesDirectory>/<id>.sqlite`, as
/// ``SQLiteEventDataStoreFactory`` writes them), each on a fresh read-only SQLite connection (plan §2.6, §2.7).
///
/// The statement runs on a Dispatch worker thread, not on the Swift concurrency pool; cancelling the calling task,
/// ``LakeQueryControl/cancel()`` or the timeout stop it within one progress-handler interval (1 000 VM steps).
public struct SQLiteLakeQueryExecutor: LakeQueryExecutor {
    /// The directory holding the store files.
    public let storesDirectory: URL

    /// Creates an executor over `storesDirectory`.
    public init(storesDirectory: URL) {
        self.storesDirectory = storesDirectory
    }

    public func execute(
        _ query: PhysicalQuery, limits: LakeQueryLimits, control: LakeQueryControl,
        rows: @escaping @Sendable ([String?]) throws -> Void
    ) async throws(LakeQueryFailure) -> LakeQueryStatistics {
        let signal = LakeStopSignal()
        let run = LakeQueryRun(query: query, limits: limits, control: control, signal: signal, storesDirectory: storesDirectory, rows: rows)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<LakeQueryStatistics, LakeQueryFailure>, Never>) in
                DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: run.run()) }
            }
        } onCancel: {
            signal.stop()
        }
        return try result.get()
    }
}
