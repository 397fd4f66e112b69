import Foundation
import Logging
import Synchronization
import Testing
import TrailInsights
import TrailModel
import TrailStore

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64) { value = Mutex(start) }
    var now: Int64 { value.withLock { $0 } }
    func set(_ time: Int64) { value.withLock { $0 = time } }
}

/// Synthetic journal traffic for analyzer tests.
struct Traffic {
    static let account = "111122223333"
    private let parser = RecordParser()
    var records: [AuditRecord] = []
    private var serial: Int

    /// Traffic whose eventIDs count from `firstSerial` (distinct batches need distinct ranges).
    init(firstSerial: Int = 0) { serial = firstSerial }

    /// One management call at `time`.
    mutating func call(
        _ name: String, at time: Int64, source: String = "iam.amazonaws.com", readOnly: Bool = false,
        error: String? = nil, user: String = "alice", agent: String = "aws-cli/2.15"
    ) {
        serial += 1
        var s = "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\","
        s += "\"arn\":\"arn:aws:iam::\(Self.account):user/\(user)\"},\"eventTime\":\"\(EventTime.format(time))\","
        s += "\"eventSource\":\"\(source)\",\"eventName\":\"\(name)\",\"awsRegion\":\"us-east-1\","
        s += "\"sourceIPAddress\":\"198.51.100.7\",\"userAgent\":\"\(agent)\","
        if let error { s += "\"errorCode\":\"\(error)\",\"errorMessage\":\"denied\"," }
        s += "\"readOnly\":\(readOnly),\"eventID\":\"00000000-0000-4000-8000-\(String(format: "%012d", serial))\","
        s += "\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"\(Self.account)\","
        s += "\"eventCategory\":\"Management\"}"
        records.append(try! parser.record(Data(s.utf8)).get())
    }

    /// `count` calls spread over the minute starting at `minuteStart` (seconds).
    mutating func burst(
        _ name: String, count: Int, minuteStart: Int64, readOnly: Bool = false, error: String? = nil, users: Int = 3
    ) {
        for i in 0..<count {
            call(name, at: minuteStart + Int64(i % 60), readOnly: readOnly, error: error, user: "burst\(i % users)")
        }
    }
}

/// The records of one type and state.
func records(_ list: [InsightRecord], _ state: InsightRecord.State, _ type: InsightType? = nil) -> [InsightRecord] {
    list.filter { $0.state == state && (type == nil || $0.insightType == type) }
}

/// Runs the analyzer until it reads nothing new; returns every record it wrote.
func drain(_ analyzer: InsightsAnalyzer) async throws -> [InsightRecord] {
    var out: [InsightRecord] = []
    while true {
        let result = try await analyzer.step()
        out += result.records
        if result.entries == 0 { return out }
    }
}

/// Test thresholds: the defaults' shape with an explicit lateness and warmup.
func testThresholds(minimum: Int = 10, warmup: Int64 = 0, endQuiet: Int = 2) -> InsightThresholds {
    InsightThresholds(minimumPerMinute: minimum, ratio: 3, sigma: 4, endQuietMinutes: endQuiet, lateness: 60, warmup: warmup)
}

/// 2026-11-02T00:00:00Z, a Monday at midnight.
let weekStart: Int64 = 1_793_577_600
