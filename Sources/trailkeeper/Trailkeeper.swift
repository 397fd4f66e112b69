import ArgumentParser

/// The `trailkeeper` command: server and CLI in one binary.
@main
struct Trailkeeper: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trailkeeper",
        abstract: "A self-hosted, AWS-CloudTrail-compatible audit trail.",
        subcommands: [Serve.self, Import.self, Lookup.self, QueryCommand.self, ValidateLogs.self, Bench.self, Rules.self, PipelineCommand.self, DLQCommand.self, BackupCommand.self, LifecycleCommand.self, VaultCommand.self]
    )
}
