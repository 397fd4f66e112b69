import Foundation
import Testing
import TrailLakeSQL
import TrailModel
import TrailStore
import TrailStoreSQLite

/// A measurement, not an assertion of speed (plan §5.2): ingest rate and two benchmark queries over synthetic
/// events. Runs only with `LAKE_BENCH=1` (`LAKE_BENCH_EVENTS` sets the count, default 1 000 000).
@Suite("Lake benchmark", .enabled(if: ProcessInfo.processInfo.environment["LAKE_BENCH"] == "1"))
struct LakeBenchTests {
    /// A seeded generator (SplitMix64) so runs are comparable.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        /// Zipf-like: small indexes far more often.
        mutating func skewed(_ bound: Int) -> Int { Swift.min(bound - 1, Int(Double(bound) * pow(Double(below(1_000_000)) / 1_000_000, 3))) }
    }

    static func records(_ count: Int, days: Int = 30) throws -> [AuditRecord] {
        var generator = Generator(state: 42)
        let names = (0..<60).map { "Operation\($0)" }
        let regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
        let start = Int64.ms("2024-04-01 00:00:00")
        let parser = RecordParser()
        var records: [AuditRecord] = []
        records.reserveCapacity(count)
        for index in 0..<count {
            let user = generator.below(500)
            let time = start + Int64(generator.below(days * 86_400)) * 1000
            let error = generator.below(20) == 0 ? #","errorCode":"AccessDenied","errorMessage":"User is not authorized""# : ""
            let json = """
                {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDA\(user)","arn":"arn:aws:iam::123456789012:user/user\(user)","accountId":"123456789012","accessKeyId":"AKIA\(user)","userName":"user\(user)"},"eventTime":"\(EventTime.format(time / 1000))","eventSource":"service\(generator.below(12)).amazonaws.com","eventName":"\(names[generator.skewed(60)])","awsRegion":"\(regions[generator.below(4)])","sourceIPAddress":"10.0.\(user % 250).\(generator.below(250))","userAgent":"aws-sdk-go/1.\(generator.below(40))","requestParameters":{"bucketName":"bucket-\(generator.below(100))","key":"objects/\(index)"},"responseElements":null,"requestID":"\(index)-req","eventID":"00000000-0000-4000-8000-\(String(repeating: "0", count: 12 - String(index).count) + String(index))","readOnly":\(generator.below(2) == 0),"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"s3.amazonaws.com"}\(error)}
                """
            records.append(try parser.record(Data(json.utf8)).get())
        }
        return records
    }

    @Test func ingestAndQueryAMillionEvents() async throws {
        let count = Int(ProcessInfo.processInfo.environment["LAKE_BENCH_EVENTS"] ?? "") ?? 1_000_000
        let records = try Self.records(count)
        var bed = try LakeTestBed()
        defer { bed.remove() }
        let store = try await bed.store("bench", id: "bench-store", records: [])
        let clock = ContinuousClock()
        let started = clock.now
        var position: Int64 = 1
        for batch in stride(from: 0, to: records.count, by: 10_000) {
            position += 1
            try await store.append(Array(records[batch..<Swift.min(records.count, batch + 10_000)]), position: position, retainFrom: nil)
        }
        try await store.flush()
        let ingest = clock.now - started
        let seconds = Double(ingest.components.seconds) + Double(ingest.components.attoseconds) / 1e18
        let statistics = try await store.statistics()
        let raw = records.reduce(0) { $0 + $1.raw.count }
        print("LAKE_BENCH ingest: \(count) events in \(ingest) = \(Int(Double(count) / seconds)) events/s; "
            + "\(statistics.bytesOnDisk / Int64(count)) B/event on disk (raw \(raw / count) B/event)")

        let queries = [
            ("selective", "SELECT eventTime, eventName, eventSource FROM bench WHERE userIdentity.arn = 'arn:aws:iam::123456789012:user/user42' AND readOnly = false AND eventTime >= '2024-04-15 00:00:00' AND eventTime < '2024-04-16 00:00:00'"),
            ("group by eventName", "SELECT eventName, count(*) FROM bench GROUP BY eventName"),
            ("group by userIdentity.arn", "SELECT userIdentity.arn, count(*) FROM bench GROUP BY userIdentity.arn"),
            ("element_at bucket", "SELECT element_at(requestParameters, 'bucketName') AS b, count(*) FROM bench WHERE eventName = 'Operation7' GROUP BY element_at(requestParameters, 'bucketName')"),
        ]
        for (name, text) in queries {
            var times: [Duration] = []
            var rows = 0
            for _ in 0..<4 {
                let begin = clock.now
                rows = try await bed.query(text).count
                times.append(clock.now - begin)
            }
            let warm = times.dropFirst().sorted()[1]
            print("LAKE_BENCH \(name): first \(times[0]), warm median \(warm), \(rows) rows")
        }
        #expect(statistics.events == count)
    }
}
