import Testing
import TrailModel

@Suite struct EventTimeTests {
    @Test(arguments: [
        ("2024-05-01T13:02:15Z", Int64(1_714_568_535)),
        ("1970-01-01T00:00:00Z", 0),
        ("2023-07-10T12:20:01.123Z", 1_688_991_601),
        ("2023-07-10T14:20:01+02:00", 1_688_991_601),
        ("2023-07-10 12:20:01", 1_688_991_601),
        ("2000-02-29T23:59:59Z", 951_868_799),
    ])
    func parses(_ text: String, _ expected: Int64) {
        #expect(EventTime.parse(text) == expected)
    }

    @Test(arguments: ["", "ThisIsAWrongEventTime", "2023-13-01T00:00:00Z", "2023-07-10T12:20", "2023-07-10T12:20:01Zjunk", "20131102T010628Z"])
    func rejects(_ text: String) {
        #expect(EventTime.parse(text) == nil)
    }

    @Test func formatsRoundTrip() {
        for t: Int64 in [0, 951_868_799, 1_714_568_535, 4_102_444_800] {
            #expect(EventTime.parse(EventTime.format(t)) == t)
        }
        #expect(EventTime.format(1_714_568_535) == "2024-05-01T13:02:15Z")
        #expect(EventTime.formatLake(1_714_568_535) == "2024-05-01 13:02:15.000")
    }
}
