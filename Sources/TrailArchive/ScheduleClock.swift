import Foundation

/// The wall clock schedules run on; tests inject one they move by hand.
public protocol ScheduleClock: Sendable {
    func now() -> Date
    /// Returns once `date` has passed (at once if it has); throws `CancellationError` when cancelled.
    func sleep(until date: Date) async throws
}

/// The system's wall clock. Long sleeps wake at least every minute to look at the clock again, so a
/// changed system time (or a suspended machine) moves the wake-up with it.
public struct SystemScheduleClock: ScheduleClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until date: Date) async throws {
        while true {
            let left = date.timeIntervalSinceNow
            guard left > 0 else { return }
            try await Task.sleep(for: .milliseconds(Int64(Swift.min(left, 60) * 1000) + 1))
        }
    }
}
