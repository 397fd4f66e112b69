import Foundation
import Testing
import TrailInsights
import TrailModel

/// Minutes since 1970 of an ISO timestamp.
func minute(_ iso: String) -> Int64 {
    guard let seconds = EventTime.parse(iso) else { preconditionFailure("bad timestamp \(iso)") }
    return InsightEventFields.minute(of: seconds)
}

/// The time (seconds) at which `minute` becomes final under `thresholds`.
func finalTime(of minute: Int64, _ thresholds: InsightThresholds) -> Int64 {
    (minute + 1) * 60 + thresholds.lateness
}

/// A write management call key (`iam CreateUser` unless told otherwise).
func callKey(_ name: String = "CreateUser", source: String = "iam.amazonaws.com") -> InsightKey {
    InsightKey(
        account: "111122223333", region: "us-east-1", category: "Management", eventSource: source, eventName: name,
        insightType: .apiCallRate
    )
}

/// Reads a JSON fixture from `Resources/`.
func fixture(_ name: String) throws -> Any {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources"))
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url))
}

/// Parses JSON text.
func parse(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
}

func starts(_ actions: [InsightDetector.Action]) -> [Insight] {
    actions.compactMap { action -> Insight? in
        guard case .start(let insight) = action else { return nil }
        return insight
    }
}

func ends(_ actions: [InsightDetector.Action]) -> [Insight] {
    actions.compactMap { action -> Insight? in
        guard case .end(let insight) = action else { return nil }
        return insight
    }
}

/// Compares a documented JSON value with ours.
///
/// Objects: every documented key must be in ours (unless in `skipping`), and our extra keys must be in
/// `extraAllowed`. Numbers: relative tolerance 1e-9; a documented number printed with 6 or more
/// significant digits (AWS rounds, e.g. `8.82145e-05`) is compared with ours rounded to the same
/// number of significant digits. Returns the differences as readable paths.
func differences(
    documented: Any, ours: Any, path: String = "$", skipping: Set<String> = [], extraAllowed: Set<String> = []
) -> [String] {
    switch (documented, ours) {
    case (let d as [String: Any], let o as [String: Any]):
        var out: [String] = []
        for (key, value) in d where !skipping.contains(key) {
            guard let mine = o[key] else {
                out.append("\(path).\(key): missing")
                continue
            }
            out += differences(
                documented: value, ours: mine, path: "\(path).\(key)", skipping: skipping, extraAllowed: extraAllowed
            )
        }
        for key in o.keys where d[key] == nil && !extraAllowed.contains(key) && !skipping.contains(key) {
            out.append("\(path).\(key): not documented")
        }
        return out
    case (let d as [Any], let o as [Any]):
        guard d.count == o.count else { return ["\(path): \(d.count) elements documented, \(o.count) ours"] }
        return zip(d, o).enumerated().flatMap { index, pair in
            differences(
                documented: pair.0, ours: pair.1, path: "\(path)[\(index)]", skipping: skipping,
                extraAllowed: extraAllowed
            )
        }
    case (let d as String, let o as String):
        return d == o ? [] : ["\(path): \(d) documented, \(o) ours"]
    default:
        if let d = number(documented), let o = number(ours) {
            return numbersMatch(documented: d, ours: o) ? [] : ["\(path): \(d) documented, \(o) ours"]
        }
        return ["\(path): \(documented) documented, \(ours) ours"]
    }
}

/// Significant digits of the shortest decimal text of `value`.
func significantDigits(_ value: Double) -> Int {
    for digits in 1...17 where Double(String(format: "%.\(digits - 1)e", value)) == value { return digits }
    return 17
}

func numbersMatch(documented: Double, ours: Double) -> Bool {
    let digits = significantDigits(documented)
    let compared = digits >= 6 ? Double(String(format: "%.\(digits - 1)e", ours)) ?? ours : ours
    if documented == 0 { return compared == 0 }
    return abs(compared - documented) <= 1e-9 * abs(documented)
}

/// A JSON number as a double (JSONSerialization may hand back Int, Double or NSNumber).
func number(_ value: Any) -> Double? {
    if let v = value as? Int { return Double(v) }
    if let v = value as? Double { return v }
    if let v = value as? NSNumber { return v.doubleValue }
    return nil
}
