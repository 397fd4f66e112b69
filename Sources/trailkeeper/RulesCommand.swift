import ArgumentParser
import Foundation
import TrailDetection

/// `trailkeeper rules`: work with detection rules.
struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Detection rules: EventBridge patterns, CloudWatch filter patterns, monitored event names.",
        subcommands: [RulesTest.self]
    )
}

/// `trailkeeper rules test RULES... --events FILE...`: which events a rule set matches.
struct RulesTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run rules over CloudTrail files and print the matching events.",
        discussion: """
            RULES are rule files (YAML or JSON lists of rules, or a seed monitored_events.json) or \
            built-in pack names (\(RuleSet.builtInPacks.joined(separator: ", "))). EVENTS are files or \
            folders: .json, .json.gz, {"Records":[…]}, arrays, JSON lines. Prints one line per match \
            (eventTime, eventName, who, rule, severity) and a count per rule; exits 0 whether or not \
            anything matched.
            """
    )

    @Argument(help: "Rule files or built-in pack names.")
    var rules: [String]
    @Option(name: .customLong("events"), parsing: .upToNextOption, help: "CloudTrail files or folders to test.")
    var events: [String] = []
    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard !rules.isEmpty else { throw ValidationError("name at least one rule file or pack") }
        guard !events.isEmpty else { throw ValidationError("name the event files with --events FILE...") }
    }

    func run() throws {
        let ruleSet = try RuleSet.load(rules)
        let report = try RuleTestReport.run(ruleSet, over: events)
        if json {
            FileHandle.standardOutput.write(try report.json())
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            for line in report.lines() { print(line) }
        }
    }
}
