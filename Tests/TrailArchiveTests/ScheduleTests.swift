import Foundation
import Testing
import TrailArchive

@Suite struct ScheduleTests {
    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.date(from: text)!
    }

    static func next(_ expression: String, after: String) throws -> String? {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return try Schedule(expression).next(after: date(after)).map { formatter.string(from: $0) }
    }

    @Test func rates() throws {
        #expect(try Self.next("rate(1 day)", after: "2026-03-04T05:06:07Z") == "2026-03-05T00:00:00Z")
        #expect(try Self.next("rate(5 minutes)", after: "2026-03-04T05:06:07Z") == "2026-03-04T05:10:00Z")
        #expect(try Self.next("rate(1 hour)", after: "2026-03-04T05:00:00Z") == "2026-03-04T06:00:00Z")
        #expect(try Self.next("rate(12 hours)", after: "2026-03-04T13:00:00Z") == "2026-03-05T00:00:00Z")
        for bad in ["rate(1 days)", "rate(2 day)", "rate(0 minutes)", "rate(5 weeks)", "rate()", "every day"] {
            #expect(throws: ScheduleError.self) { try Schedule(bad) }
        }
    }

    @Test func cronBasics() throws {
        #expect(try Self.next("cron(0 2 * * ? *)", after: "2026-03-04T05:06:07Z") == "2026-03-05T02:00:00Z")
        #expect(try Self.next("cron(0 2 * * ? *)", after: "2026-03-04T01:59:59Z") == "2026-03-04T02:00:00Z")
        #expect(try Self.next("cron(0 2 * * ? *)", after: "2026-03-04T02:00:00Z") == "2026-03-05T02:00:00Z")
        #expect(try Self.next("cron(0/15 * * * ? *)", after: "2026-03-04T05:46:00Z") == "2026-03-04T06:00:00Z")
        #expect(try Self.next("cron(10,40 8-10 * * ? *)", after: "2026-03-04T10:41:00Z") == "2026-03-05T08:10:00Z")
        // 2026-03-04 is a Wednesday.
        #expect(try Self.next("cron(0 9 ? * MON-FRI *)", after: "2026-03-06T10:00:00Z") == "2026-03-09T09:00:00Z")
        #expect(try Self.next("cron(0 9 ? * 1 *)", after: "2026-03-04T10:00:00Z") == "2026-03-08T09:00:00Z")
        #expect(try Self.next("cron(0 0 1 JAN,JUL ? *)", after: "2026-03-04T10:00:00Z") == "2026-07-01T00:00:00Z")
        #expect(try Self.next("cron(0 0 1 1 ? 2028)", after: "2026-03-04T10:00:00Z") == "2028-01-01T00:00:00Z")
        #expect(try Self.next("cron(0 0 1 1 ? 2020-2025)", after: "2026-03-04T10:00:00Z") == nil)
        #expect(try Self.next("cron(0 0 29 2 ? *)", after: "2026-03-04T10:00:00Z") == "2028-02-29T00:00:00Z")
    }

    @Test func cronSpecialDays() throws {
        #expect(try Self.next("cron(0 0 L * ? *)", after: "2026-02-10T00:00:00Z") == "2026-02-28T00:00:00Z")
        // 2026-05-31 is a Sunday: the last weekday is Friday the 29th.
        #expect(try Self.next("cron(0 0 LW * ? *)", after: "2026-05-10T00:00:00Z") == "2026-05-29T00:00:00Z")
        // 2026-03-15 is a Sunday: 15W is Monday the 16th; 2026-08-01 is a Saturday: 1W is Monday the 3rd.
        #expect(try Self.next("cron(0 0 15W * ? *)", after: "2026-03-04T00:00:00Z") == "2026-03-16T00:00:00Z")
        #expect(try Self.next("cron(0 0 1W * ? *)", after: "2026-07-02T00:00:00Z") == "2026-08-03T00:00:00Z")
        // Last Friday of March 2026 is the 27th; the first Monday of April is the 6th.
        #expect(try Self.next("cron(0 0 ? * 6L *)", after: "2026-03-04T00:00:00Z") == "2026-03-27T00:00:00Z")
        #expect(try Self.next("cron(0 0 ? * MON#1 *)", after: "2026-03-04T00:00:00Z") == "2026-04-06T00:00:00Z")
        #expect(try Self.next("cron(0 0 ? * 2#1 *)", after: "2026-03-04T00:00:00Z") == "2026-04-06T00:00:00Z")
    }

    @Test func cronRejects() {
        for bad in [
            "cron(0 2 * * * *)", "cron(0 2 * *)", "cron(60 2 * * ? *)", "cron(0 24 * * ? *)", "cron(0 0 ? 13 * *)",
            "cron(0 0 ? * 8 *)", "cron(0 0 ? * MON#6 *)", "cron(x 0 * * ? *)", "cron(0 0 5-1 * ? *)",
        ] {
            #expect(throws: ScheduleError.self, "\(bad)") { try Schedule(bad) }
        }
    }
}
