import TrailModel

extension InsightDetector {
    /// Sums of the evaluated minutes of one UTC day.
    struct DayStat: Sendable, Hashable, Codable {
        var count: Int = 0
        var sumOfSquares: Double = 0
    }

    /// A nonzero evaluated minute (kept only for ``BaselineWindow/sevenDaysBefore``).
    struct MinuteCount: Sendable, Hashable, Codable {
        var minute: Int64
        var count: Int
    }

    /// The open insight of a key and its quiet streak.
    struct OpenInsight: Sendable, Hashable, Codable {
        var insight: Insight
        /// First minute of the current streak below the threshold.
        var quietSince: Int64?
        var quietMinutes: Int = 0
        /// Calls counted during the current quiet streak (excluded from the total if it ends the insight).
        var quietCount: Int = 0
    }

    /// The state of one key.
    struct Series: Sendable, Hashable, Codable {
        static let minutesPerDay: Int64 = 1440
        static let weekMinutes: Int64 = 7 * 1440

        var firstMinute: Int64
        /// The first minute not evaluated yet; counts of earlier minutes are in the baseline sums.
        var nextMinute: Int64
        /// Counts of minutes ≥ `nextMinute`.
        var pending: [Int64: Int] = [:]
        /// Day (days since 1970) → sums of its evaluated minutes; the last 8 days.
        var days: [Int64: DayStat] = [:]
        /// Evaluated nonzero minutes of the last 7 days, oldest first, for the exact 7-day window.
        var recent: [MinuteCount] = []
        var open: OpenInsight?
        var lateEvents: Int = 0

        init(firstMinute: Int64) {
            self.firstMinute = firstMinute
            self.nextMinute = firstMinute
        }

        mutating func add(_ count: Int, atMinute minute: Int64) {
            if minute < nextMinute {
                guard nextMinute == firstMinute else {
                    lateEvents += count
                    return
                }
                // Nothing evaluated yet: the series simply starts earlier.
                firstMinute = minute
                nextMinute = minute
            }
            pending[minute, default: 0] += count
        }

        static func day(of minute: Int64) -> Int64 {
            minute >= 0 ? minute / minutesPerDay : -((-minute + minutesPerDay - 1) / minutesPerDay)
        }

        /// The baseline of `minute`, assuming every minute before it has been evaluated.
        func baseline(at minute: Int64, window: BaselineWindow) -> Baseline {
            switch window {
            case .fromMidnightSevenDaysBefore:
                let today = Self.day(of: minute)
                var count = 0
                var sumOfSquares = 0.0
                for day in (today - 7)...today {
                    if let stat = days[day] {
                        count += stat.count
                        sumOfSquares += stat.sumOfSquares
                    }
                }
                let minuteOfDay = minute - today * Self.minutesPerDay
                return Baseline(
                    count: count, sumOfSquares: sumOfSquares, durationMinutes: Int(Self.weekMinutes + minuteOfDay)
                )
            case .sevenDaysBefore:
                var count = 0
                var sumOfSquares = 0.0
                for entry in recent where entry.minute >= minute - Self.weekMinutes && entry.minute < minute {
                    count += entry.count
                    sumOfSquares += Double(entry.count) * Double(entry.count)
                }
                return Baseline(count: count, sumOfSquares: sumOfSquares, durationMinutes: Int(Self.weekMinutes))
            }
        }

        /// Adds an evaluated minute to the baseline sums and drops what no baseline can need any more.
        mutating func fold(_ minute: Int64, _ count: Int, window: BaselineWindow) {
            let today = Self.day(of: minute)
            switch window {
            case .fromMidnightSevenDaysBefore:
                if count > 0 {
                    days[today, default: DayStat()].count += count
                    days[today, default: DayStat()].sumOfSquares += Double(count) * Double(count)
                }
            case .sevenDaysBefore:
                if count > 0 { recent.append(MinuteCount(minute: minute, count: count)) }
            }
            prune(before: minute)
        }

        mutating func prune(before minute: Int64) {
            let today = Self.day(of: minute)
            if days.keys.contains(where: { $0 < today - 7 }) {
                days = days.filter { $0.key >= today - 7 }
            }
            if let first = recent.first, first.minute < minute - Self.weekMinutes {
                recent.removeAll { $0.minute < minute - Self.weekMinutes }
            }
        }

        /// Evaluates minutes `[nextMinute, limit)` in order, appending decisions to `actions`.
        mutating func evaluate(
            until limit: Int64, key: InsightKey, thresholds: InsightThresholds, window: BaselineWindow,
            evaluationStart: Int64, actions: inout [Action]
        ) {
            guard limit > nextMinute else { return }
            var firstEvaluated = firstMinute + (thresholds.warmup + 59) / 60
            if evaluationStart != .min {
                // ceil(evaluationStart / 60): a minute is evaluated only if it starts at or after it.
                firstEvaluated = Swift.max(firstEvaluated, -InsightEventFields.minute(of: -evaluationStart))
            }
            let due = pending.keys.filter { $0 < limit }.sorted()
            for minute in due {
                skipQuiet(to: minute, key: key, thresholds: thresholds, actions: &actions)
                let count = pending.removeValue(forKey: minute) ?? 0
                step(
                    minute, count, key: key, thresholds: thresholds, window: window, from: firstEvaluated,
                    actions: &actions)
                nextMinute = minute + 1
            }
            skipQuiet(to: limit, key: key, thresholds: thresholds, actions: &actions)
            nextMinute = limit
            prune(before: limit)
        }

        /// Minutes `[nextMinute, end)` have no calls: they only matter to an open insight's quiet streak.
        mutating func skipQuiet(to end: Int64, key: InsightKey, thresholds: InsightThresholds, actions: inout [Action])
        {
            guard end > nextMinute, var current = open else { return }
            let since = current.quietSince ?? nextMinute
            let needed = Int64(thresholds.endQuietMinutes - current.quietMinutes)
            if end - nextMinute >= needed {
                close(current, endMinute: since, actions: &actions)
            } else {
                current.quietSince = since
                current.quietMinutes += Int(end - nextMinute)
                open = current
            }
        }

        /// Evaluates one minute with calls, then folds it into the baseline.
        mutating func step(
            _ minute: Int64, _ count: Int, key: InsightKey, thresholds: InsightThresholds, window: BaselineWindow,
            from firstEvaluated: Int64, actions: inout [Action]
        ) {
            if var current = open {
                current.insight.totalCount += count
                if Double(count) >= current.insight.threshold {
                    current.quietSince = nil
                    current.quietMinutes = 0
                    current.quietCount = 0
                    open = current
                } else {
                    current.quietSince = current.quietSince ?? minute
                    current.quietMinutes += 1
                    current.quietCount += count
                    if current.quietMinutes >= thresholds.endQuietMinutes {
                        close(current, endMinute: current.quietSince ?? minute, actions: &actions)
                    } else {
                        open = current
                    }
                }
            } else if minute >= firstEvaluated {
                let baseline = baseline(at: minute, window: window)
                let threshold = thresholds.threshold(for: baseline)
                if Double(count) >= threshold {
                    let insight = Insight(
                        key: key, startMinute: minute, baseline: baseline, threshold: threshold, startCount: count,
                        totalCount: count
                    )
                    open = OpenInsight(insight: insight)
                    actions.append(.start(insight))
                }
            }
            fold(minute, count, window: window)
        }

        mutating func close(_ current: OpenInsight, endMinute: Int64, actions: inout [Action]) {
            var insight = current.insight
            insight.endMinute = endMinute
            insight.totalCount -= current.quietCount
            open = nil
            actions.append(.end(insight))
        }
    }
}
