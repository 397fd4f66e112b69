import ArgumentParser

/// `trailkeeper bench`: measurements for BENCHMARKS.md (benchmarks, never timed tests).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure ingest, acknowledgement latency, lookup latency, journal and trail delivery throughput.",
        subcommands: [
            BenchIngest.self, BenchLookup.self, BenchJournal.self, BenchDelivery.self, BenchPipeline.self, BenchInsights.self,
        ])
}
