import Foundation
import Synchronization
import TrailAlerts
import TrailArchive

/// A wall clock tests move by hand; sleepers wake when it passes their time.
final class ManualClock: ScheduleClock {
    struct Sleeper {
        var id: Int
        var until: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    struct State {
        var now: Date
        var sleepers: [Sleeper] = []
        var nextID = 0
        var cancelled: Set<Int> = []
    }

    let state: Mutex<State>

    init(_ now: Date) {
        state = Mutex(State(now: now))
    }

    func now() -> Date { state.withLock { $0.now } }

    func sleep(until date: Date) async throws {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: Bool? = state.withLock { s in
                    if s.cancelled.contains(id) { return false }
                    if s.now >= date { return true }
                    s.sleepers.append(Sleeper(id: id, until: date, continuation: continuation))
                    return nil
                }
                switch resume {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { s in
                guard let index = s.sleepers.firstIndex(where: { $0.id == id }) else {
                    s.cancelled.insert(id)
                    return nil
                }
                return s.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock to `date` and wakes every sleeper whose time has come.
    func advance(to date: Date) {
        let due: [Sleeper] = state.withLock { s in
            s.now = date
            let due = s.sleepers.filter { $0.until <= date }
            s.sleepers.removeAll { $0.until <= date }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits (in real time, at most 10 s) until `count` tasks sleep on the clock.
    func waitForSleepers(_ count: Int) async throws {
        for _ in 0..<10_000 {
            if state.withLock({ $0.sleepers.count }) >= count { return }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw ClockTimeout(count: count)
    }

    struct ClockTimeout: Error {
        var count: Int
    }
}

/// An alert target that keeps what it is sent (or fails every send).
final class RecordingTarget: AlertTarget {
    let alerts = Mutex<[Alert]>([])
    let failing: Bool
    let description: String

    init(failing: Bool = false, name: String = "recording") {
        self.failing = failing
        description = name
    }

    func send(_ alert: Alert) async throws {
        alerts.withLock { $0.append(alert) }
        if failing { throw AlertError(.unavailable, "\(description) is down") }
    }

    var sent: [Alert] { alerts.withLock { $0 } }
}

/// Dates for schedule tests.
enum Dates {
    static func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.date(from: text)!
    }
}
