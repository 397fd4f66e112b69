import Foundation
import ObjectStorage
import Testing

@testable import TrailArchive

@Suite struct LifecyclePlannerTests {
    /// 2024-05-01T10:30:00Z.
    static let created = Date(timeIntervalSince1970: 1_714_559_400)
    static let big: Int64 = 200 * 1024

    static func at(days: Double) -> Date { created.addingTimeInterval(days * 86_400) }

    static let production = LifecyclePlanner(configurations: [
        LifecycleConfiguration(rules: [LifecyclePreset.production.rule(prefix: "AWSLogs/")])
    ])

    func decide(
        _ planner: LifecyclePlanner = production, key: String = "AWSLogs/a.json.gz", size: Int64 = big,
        in storageClass: StorageClass = .standard, tags: [String: String] = [:], days: Double
    ) -> LifecyclePlanner.Decision {
        planner.decision(key: key, size: size, created: Self.created, storageClass: storageClass, tags: tags, now: Self.at(days: days))
    }

    @Test func productionPresetOverAnObjectsLife() {
        #expect(decide(days: 29) == .none)
        // Due at creation + 30 days rounded up to the next midnight UTC (2024-05-31T10:30 → 06-01T00:00).
        #expect(decide(days: 30.5) == .none)
        #expect(decide(days: 30.6) == .transition(to: .standardIA, rule: "trailkeeper-production-AWSLogs/"))
        // Several due at once: straight to the deepest.
        #expect(decide(days: 100) == .transition(to: .glacier, rule: "trailkeeper-production-AWSLogs/"))
        #expect(decide(in: .standardIA, days: 100) == .transition(to: .glacier, rule: "trailkeeper-production-AWSLogs/"))
        #expect(decide(days: 400) == .transition(to: .deepArchive, rule: "trailkeeper-production-AWSLogs/"))
        #expect(decide(in: .deepArchive, days: 400) == .none)
        // Never back up the waterfall.
        #expect(decide(in: .deepArchive, days: 100) == .none)
        // Expiration wins over any transition.
        #expect(decide(in: .glacier, days: 2556) == .expire(rule: "trailkeeper-production-AWSLogs/"))
        #expect(decide(days: 2556) == .expire(rule: "trailkeeper-production-AWSLogs/"))
        // Outside the prefix: nothing.
        #expect(decide(key: "other/a.json.gz", days: 3000) == .none)
    }

    @Test func smallObjectsFollowTheTransitionMinimum() {
        // S3's default: objects under 128 KiB do not transition (they still expire).
        #expect(decide(size: 1000, days: 100) == .heldBackBySize(.glacier))
        #expect(decide(size: 128 * 1024, days: 100) == .transition(to: .glacier, rule: "trailkeeper-production-AWSLogs/"))
        #expect(decide(size: 1000, days: 2556) == .expire(rule: "trailkeeper-production-AWSLogs/"))
        // varies_by_storage_class: small objects go to GLACIER and DEEP_ARCHIVE only.
        let varies = LifecyclePlanner(configurations: [
            LifecycleConfiguration(
                rules: [LifecyclePreset.production.rule(prefix: "AWSLogs/")], transitionMinimumObjectSize: .variesByStorageClass)
        ])
        #expect(decide(varies, size: 1000, days: 40) == .heldBackBySize(.standardIA))
        #expect(decide(varies, size: 1000, days: 100) == .transition(to: .glacier, rule: "trailkeeper-production-AWSLogs/"))
        // A size filter of the rule's own overrides the default.
        var rule = LifecyclePreset.production.rule(prefix: "AWSLogs/")
        rule.filter.objectSizeGreaterThan = 0
        let sized = LifecyclePlanner(configurations: [LifecycleConfiguration(rules: [rule])])
        #expect(decide(sized, size: 1000, days: 40) == .transition(to: .standardIA, rule: rule.id))
        #expect(decide(sized, size: 0, days: 40) == .none)
    }

    @Test func overlappingRulesOfSeveralSourcesDisabledRulesTagsAndDates() {
        let glacierAfterTen = LifecycleRule(
            id: "glacier", filter: .init(prefix: "AWSLogs/", tags: [.init(key: "tier", value: "cold")]),
            transitions: [.init(.days(10), to: .glacierInstantRetrieval)])
        let disabled = LifecycleRule(id: "off", status: .disabled, filter: .init(prefix: ""), expiration: .init(.days(1)))
        let dated = LifecycleRule(
            id: "dated", filter: .init(prefix: "dated/"), expiration: .init(.date(Date(timeIntervalSince1970: 1_735_689_600))))  // 2025-01-01
        let planner = LifecyclePlanner(configurations: [
            LifecycleConfiguration(rules: [LifecyclePreset.production.rule(prefix: "AWSLogs/")]),
            LifecycleConfiguration(rules: [glacierAfterTen, disabled, dated]),
        ])
        #expect(decide(planner, days: 11) == .none)
        #expect(decide(planner, tags: ["tier": "cold"], days: 11) == .transition(to: .glacierInstantRetrieval, rule: "glacier"))
        // The deeper of the due transitions wins, whichever rule asks for it.
        #expect(decide(planner, tags: ["tier": "cold"], days: 40) == .transition(to: .glacierInstantRetrieval, rule: "glacier"))
        #expect(decide(planner, tags: ["tier": "cold"], days: 100) == .transition(to: .glacier, rule: "trailkeeper-production-AWSLogs/"))
        #expect(decide(planner, key: "dated/x", days: 200) == .none)  // 2024-11-17
        #expect(decide(planner, key: "dated/x", days: 250) == .expire(rule: "dated"))  // 2025-01-06
        #expect(planner.needsTags)
        #expect(planner.listingPrefixes == ["AWSLogs/", "dated/"])
        #expect(Self.production.listingPrefixes == ["AWSLogs/"])
        let whole = LifecyclePlanner(configurations: [LifecycleConfiguration(rules: [LifecyclePreset.development.rule()])])
        #expect(whole.listingPrefixes == [""])
        #expect(Self.production.mayAct(onKey: "AWSLogs/x", in: .deepArchive))
        #expect(!Self.production.mayAct(onKey: "other/x", in: .glacier))
    }

    @Test func daysRoundUpToTheNextMidnightUTC() {
        #expect(LifecycleRule.Timing.days(3).due(createdAt: Date(timeIntervalSince1970: 1_389_781_800))  // 2014-01-15T10:30Z
            == Date(timeIntervalSince1970: 1_390_089_600))  // 2014-01-19T00:00Z
        #expect(LifecycleRule.Timing.days(1).due(createdAt: Date(timeIntervalSince1970: 86_400)) == Date(timeIntervalSince1970: 172_800))
        #expect(LifecycleRule.Timing.days(0).due(createdAt: Date(timeIntervalSince1970: 86_401)) == Date(timeIntervalSince1970: 172_800))
    }
}
