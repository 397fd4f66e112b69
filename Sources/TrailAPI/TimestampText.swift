import TrailModel

/// Timestamps as clients send them: ISO-8601, with or without a zone, or a date alone.
enum TimestampText {
    static func parse(_ s: String) -> Int64? {
        if let t = EventTime.parse(s) { return t }
        if s.count == 10, let t = EventTime.parse(s + "T00:00:00Z") { return t }
        if let d = Double(s), d.isFinite { return Int64(d) }
        return nil
    }
}
