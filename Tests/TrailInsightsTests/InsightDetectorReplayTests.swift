import Foundation
import Testing
import TrailInsights
import TrailModel

/// Counts that arrive late (within the lateness), and a restart from saved state, change no decision.
@Suite struct InsightDetectorReplayTests {
    /// A small deterministic generator (64-bit LCG), so failures replay.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    struct Arrival {
        var key: InsightKey
        var minute: Int64
        var count: Int
        /// Seconds since 1970 when the shell reads it from the journal.
        var readAt: Int64
    }

    /// Three keys, 10 days: background noise plus a few bursts; each minute's calls arrive in two parts,
    /// the second up to `lateness` seconds after the minute ends.
    func arrivals(seed: UInt64, lateness: Int64) -> [Arrival] {
        var random = Generator(state: seed)
        let day0 = minute("2026-11-01T00:00:00Z")
        let keys = [callKey("CreateUser"), callKey("DeleteUser"), callKey("PutRolePolicy")]
        var out: [Arrival] = []
        for m in day0..<(day0 + 10 * 1440) {
            for key in keys {
                var count = random.next(40) == 0 ? random.next(3) + 1 : 0
                if m >= day0 + 7 * 1440, random.next(2000) == 0 { count += 20 + random.next(60) }
                guard count > 0 else { continue }
                let first = random.next(count + 1)
                let end = (m + 1) * 60
                if first > 0 { out.append(Arrival(key: key, minute: m, count: first, readAt: end - 30)) }
                if count > first {
                    let lag = Int64(random.next(Int(lateness) + 1))
                    out.append(Arrival(key: key, minute: m, count: count - first, readAt: end + lag - 1))
                }
            }
        }
        return out.sorted { $0.readAt < $1.readAt }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func lateArrivalsAndARestartChangeNothing(seed: UInt64) throws {
        let thresholds = InsightThresholds(lateness: 120)
        let configuration = InsightDetector.Configuration(callRate: thresholds)
        let all = arrivals(seed: seed, lateness: thresholds.lateness)
        let times = stride(
            from: (minute("2026-11-01T00:00:00Z") + 7 * 1440) * 60, through: (minute("2026-11-11T00:00:00Z") + 10) * 60,
            by: 60
        ).map { $0 }

        // Everything known up front.
        var bulk = InsightDetector(configuration: configuration)
        for arrival in all { bulk.add(arrival.count, to: arrival.key, atMinute: arrival.minute) }
        var expected: [InsightDetector.Action] = []
        for now in times { expected += bulk.advance(now: now) }

        // Read as time passes, with a save and restore half-way.
        var live = InsightDetector(configuration: configuration)
        var next = 0
        var actual: [InsightDetector.Action] = []
        let crash = times[times.count / 2]
        for now in times {
            while next < all.count, all[next].readAt < now {
                live.add(all[next].count, to: all[next].key, atMinute: all[next].minute)
                next += 1
            }
            actual += live.advance(now: now)
            if now == crash {
                let saved = try JSONEncoder().encode(live.state)
                live = InsightDetector(
                    configuration: configuration,
                    state: try JSONDecoder().decode(InsightDetector.State.self, from: saved)
                )
            }
        }
        #expect(!starts(expected).isEmpty)
        #expect(actual == expected)
        #expect(live.keys.allSatisfy { live.lateEvents(of: $0) == 0 })
    }
}
