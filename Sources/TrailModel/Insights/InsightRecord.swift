import Crypto
import Foundation

/// One CloudTrail Insights record (`eventType` `AwsCloudTrailInsight`), ready to be written as JSON.
///
/// The shape follows the User Guide's examples (spec §4.1): a Start record when an insight is detected
/// and an End record when it subsides, both carrying the same `sharedEventID`. The values are computed
/// elsewhere (`TrailInsights`); this type only names them and renders them.
public struct InsightRecord: Sendable, Hashable {
    /// Whether the record opens or closes an insight.
    public enum State: String, Sendable, Hashable, Codable {
        case start = "Start"
        case end = "End"
    }

    /// One `{value, average}` entry of an attribution list.
    public struct Contributor: Sendable, Hashable, Codable {
        /// The attribute's value (an ARN, a user agent, an error code or `"null"`).
        public var value: String
        /// Calls (or errors) per minute attributed to `value`.
        public var average: Double

        /// Creates an entry.
        public init(value: String, average: Double) {
            self.value = value
            self.average = average
        }
    }

    /// One element of `insightContext.attributions`.
    public struct Attribution: Sendable, Hashable, Codable {
        /// `userIdentityArn`, `userAgent` or `errorCode`.
        public var attribute: String
        /// The top contributors during the insight, by average, descending (at most five).
        public var insight: [Contributor]
        /// The top contributors during the baseline, by average, descending (at most five).
        public var baseline: [Contributor]

        /// Creates an attribution.
        public init(attribute: String, insight: [Contributor], baseline: [Contributor]) {
            self.attribute = attribute
            self.insight = insight
            self.baseline = baseline
        }
    }

    /// `"1.09"`, the version whose examples carry `sourceEventCategory` and `errorCode`.
    public static let currentEventVersion = "1.09"

    /// `eventVersion`.
    public var eventVersion: String
    /// Seconds since 1970, minute-aligned: the start minute (Start) or the first quiet minute (End).
    public var eventTime: Int64
    /// The region of the analysed events.
    public var awsRegion: String
    /// `recipientAccountId`: the account of the analysed events.
    public var recipientAccountID: String
    /// This record's identifier.
    public var eventID: String
    /// The identifier shared by the Start and End records of one insight.
    public var sharedEventID: String
    /// `insightDetails.state`.
    public var state: State
    /// `insightDetails.eventSource`: the API's service.
    public var eventSource: String
    /// `insightDetails.eventName`: the API.
    public var eventName: String
    /// `insightDetails.insightType`.
    public var insightType: InsightType
    /// The error counted by an error-rate insight; `nil` for call-rate insights.
    public var errorCode: String?
    /// `Management` or `Data`; `nil` omits the field (pre-1.09 records).
    public var sourceEventCategory: String?
    /// `statistics.baseline.average`.
    public var baselineAverage: Double
    /// `statistics.insight.average`.
    public var insightAverage: Double
    /// `statistics.insightDuration` in minutes; `nil` omits it (Start records emitted at detection).
    public var insightDuration: Int?
    /// `statistics.baselineDuration` in minutes; `nil` omits it.
    public var baselineDuration: Int?
    /// `insightContext.attributions`; `nil` omits the field.
    public var attributions: [Attribution]?

    /// Creates a record; `eventID` and `sharedEventID` are passed in (see ``derivedID(_:)``).
    public init(
        eventVersion: String = InsightRecord.currentEventVersion, eventTime: Int64, awsRegion: String,
        recipientAccountID: String, eventID: String, sharedEventID: String, state: State, eventSource: String,
        eventName: String, insightType: InsightType, errorCode: String?, sourceEventCategory: String?,
        baselineAverage: Double, insightAverage: Double, insightDuration: Int?, baselineDuration: Int?,
        attributions: [Attribution]?
    ) {
        self.eventVersion = eventVersion
        self.eventTime = eventTime
        self.awsRegion = awsRegion
        self.recipientAccountID = recipientAccountID
        self.eventID = eventID
        self.sharedEventID = sharedEventID
        self.state = state
        self.eventSource = eventSource
        self.eventName = eventName
        self.insightType = insightType
        self.errorCode = errorCode
        self.sourceEventCategory = sourceEventCategory
        self.baselineAverage = baselineAverage
        self.insightAverage = insightAverage
        self.insightDuration = insightDuration
        self.baselineDuration = baselineDuration
        self.attributions = attributions
    }

    /// A UUID-formatted identifier derived from the SHA-256 of `parts` joined by NUL bytes.
    ///
    /// Deterministic, so a replay after a crash produces the same `eventID`s and the journal drops the
    /// duplicates. The version nibble is 4 and the variant bits RFC 4122's, so the result parses as a UUID.
    public static func derivedID(_ parts: [String]) -> String {
        let digest = Array(SHA256.hash(data: Data(parts.joined(separator: "\u{0}").utf8)))
        var bytes = Array(digest.prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte -> String in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-"
            + String(c[20..<32])
    }

    /// The record as compact JSON text, fields in the order of the documented examples.
    public var jsonText: String {
        var out = "{"
        out += "\"eventVersion\":\(JSONText.quoted(eventVersion))"
        out += ",\"eventTime\":\(JSONText.quoted(EventTime.format(eventTime)))"
        out += ",\"awsRegion\":\(JSONText.quoted(awsRegion))"
        out += ",\"eventID\":\(JSONText.quoted(eventID))"
        out += ",\"eventType\":\"AwsCloudTrailInsight\""
        out += ",\"recipientAccountId\":\(JSONText.quoted(recipientAccountID))"
        out += ",\"sharedEventID\":\(JSONText.quoted(sharedEventID))"
        out += ",\"insightDetails\":{"
        out += "\"state\":\(JSONText.quoted(state.rawValue))"
        out += ",\"eventSource\":\(JSONText.quoted(eventSource))"
        out += ",\"eventName\":\(JSONText.quoted(eventName))"
        out += ",\"insightType\":\(JSONText.quoted(insightType.rawValue))"
        if let errorCode { out += ",\"errorCode\":\(JSONText.quoted(errorCode))" }
        if let sourceEventCategory { out += ",\"sourceEventCategory\":\(JSONText.quoted(sourceEventCategory))" }
        out += ",\"insightContext\":{\"statistics\":{"
        out += "\"baseline\":{\"average\":\(Self.number(baselineAverage))}"
        out += ",\"insight\":{\"average\":\(Self.number(insightAverage))}"
        if let insightDuration { out += ",\"insightDuration\":\(insightDuration)" }
        if let baselineDuration { out += ",\"baselineDuration\":\(baselineDuration)" }
        out += "}"
        if let attributions {
            out += ",\"attributions\":["
            out += attributions.map { attribution in
                "{\"attribute\":\(JSONText.quoted(attribution.attribute))"
                    + ",\"insight\":\(Self.contributors(attribution.insight))"
                    + ",\"baseline\":\(Self.contributors(attribution.baseline))}"
            }.joined(separator: ",")
            out += "]"
        }
        out += "}},\"eventCategory\":\"Insight\"}"
        return out
    }

    /// The record as UTF-8 JSON bytes (``jsonText``).
    public var jsonData: Data { Data(jsonText.utf8) }

    private static func contributors(_ list: [Contributor]) -> String {
        "["
            + list.map { "{\"value\":\(JSONText.quoted($0.value)),\"average\":\(number($0.average))}" }
            .joined(separator: ",") + "]"
    }

    /// A JSON number: integral values without a fraction (`664`), others as the shortest text that
    /// reads back to the same double (`0.6`, `8.821453775582216e-05`); non-finite values become `0`.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
