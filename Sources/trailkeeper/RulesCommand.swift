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

/// `trailkeeper rules test RULES EVENTS` (or `RULES... --events FILE...`): which events a rule set matches.
struct RulesTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run rules over CloudTrail files and print the matching events.",
        discussion: """
            Forms: `rules test RULES EVENTS` (the last argument is the events), or             `rules test RULES... --events EVENTS...`. RULES are rule files (YAML or JSON lists of rules, or a seed monitored_events.json) or \
            built-in pack names (\(RuleSet.builtInPacks.joined(separator: ", "))). EVENTS are files or \
            folders: .json, .json.gz, {"Records":[…]}, arrays, JSON lines. Prints one line per match \
            (eventTime, eventName, who, rule, severity) and a count per rule; exits 0 whether or not \
            anything matched.
            """
    )

    @Argument(help: "Rule files or built-in pack names; without --events, the last argument names the events.")
    var arguments: [String]
    @Option(name: .customLong("events"), parsing: .upToNextOption, help: "CloudTrail files or folders to test.")
    var events: [String] = []
    @Flag(help: "Print the report as JSON.")
    var json = false

    /// Rules and events, from either form.
    var sources: (rules: [String], events: [String]) {
        events.isEmpty ? (Array(arguments.dropLast()), Array(arguments.suffix(1))) : (arguments, events)
    }

    func validate() throws {
        guard !sources.rules.isEmpty else { throw ValidationError("name at least one rule file or pack") }
        guard !sources.events.isEmpty else { throw ValidationError("name the events: rules test RULES EVENTS") }
    }

    func run() throws {
        let ruleSet = try RuleSet.load(sources.rules)
        let report = try RuleTestReport.run(ruleSet, over: sources.events)
        if json {
            FileHandle.standardOutput.write(try report.json())
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            for line in report.lines() { print(line) }
        }
    }
}
