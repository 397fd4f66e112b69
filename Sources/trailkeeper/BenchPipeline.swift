import ArgumentParser
import Foundation
import TrailDetection
import TrailModel

/// `trailkeeper bench pipeline`: log-file processing (gunzip, split, parse, filter on eventName)
/// against the seed pipeline's Python logic over the same files, and one huge file in bounded memory.
struct BenchPipeline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Process CloudTrail .json.gz files with LogFileRecordStream and with the seed's Python loop; compare.")

    /// The seed's monitored_events.json.
    static let monitoredEvents: Set<String> = ["ConsoleLogin", "CreateUser", "StartInstances", "DeleteBucket", "PutBucketPolicy"]

    @Option(help: "Log files to generate.") var files = 200
    @Option(help: "Records per file (default: 1000 to 5000, varying by file).") var recordsPerFile: Int?
    @Option(name: .customLong("data-dir"), help: "Directory of .json.gz files: used as is when it has some, else filled (default: a temporary one, removed after).")
    var dataDirectory: String?
    @Option(name: .customLong("records-from"), help: "Folder of CloudTrail files whose records are replicated (default: $TRAILKEEPER_SHARED_DATA/invictus-ir-aws-dataset or ../shared/data/invictus-ir-aws-dataset; synthetic records when absent).")
    var recordsFrom: String?
    @Option(help: "The seed's logic as a script.") var script = "Benchmarks/pipeline/seed_filter.py"
    @Option(help: "Python interpreter.") var python = "python3"
    @Option(help: "Files processed at once (default: the number of cores).") var workers: Int?
    @Flag(name: .customLong("skip-seed"), help: "Do not run the Python seed logic.") var skipSeed = false
    @Option(name: .customLong("big-file-gb"), help: "Instead: write one gzip file of this many GB uncompressed and read it with the stream, reporting peak RSS.")
    var bigFileGB: Double?
    @Option(name: .customLong("read-file"), help: .hidden) var readFile: String?
    @Option(name: .customLong("rules"), parsing: .upToNextOption, help: "Rule files or packs our side evaluates (default: the seed's monitored_events.json as one rule).")
    var rules: [String] = []

    /// The rules engine our side runs: the seed's monitored events as a `monitored_events.json`
    /// rule unless `--rules` names others. A record "matches" when it raises a finding.
    func ruleSet() throws -> RuleSet {
        if !rules.isEmpty { return try RuleSet.load(rules) }
        let seed = #"{"monitoredEvents":["\#(Self.monitoredEvents.sorted().joined(separator: "\",\""))"]}"#
        return RuleSet(rules: try RuleSet.parseRules(seed, origin: "monitored_events.json"))
    }

    /// The keep closure over the rules engine.
    func keep() throws -> @Sendable (AuditRecord) -> Bool {
        let set = try ruleSet()
        return { !set.findings(for: $0, origin: "bench", detectedAt: 0).isEmpty }
    }

    func validate() throws {
        if files < 1 { throw ValidationError("--files must be at least 1") }
        if let recordsPerFile, recordsPerFile < 1 { throw ValidationError("--records-per-file must be at least 1") }
        if let bigFileGB, bigFileGB <= 0 { throw ValidationError("--big-file-gb must be positive") }
    }

    func run() async throws {
        if let readFile {
            // The child process of --big-file-gb: read one file, report totals and the peak RSS.
            let totals = try await Self.filter(paths: [readFile], workers: 1, keep: try keep())
            print(
                "{\"events\":\(totals.events),\"matched\":\(totals.matched),\"uncompressed_bytes\":\(totals.uncompressedBytes),"
                    + "\"seconds\":\(totals.seconds),\"max_buffered_bytes\":\(totals.maxBufferedBytes),\"vm_hwm_kb\":\(Self.peakRSSKilobytes())}")
            return
        }
        let dir = dataDirectory ?? NSTemporaryDirectory() + "/tk-bench-pipeline-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if dataDirectory == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let generator = try LogFileGenerator(templatesFrom: recordsFrom)
        print("records: \(generator.templates.count) templates from \(generator.origin)")
        if let bigFileGB {
            try await runBigFile(gigabytes: bigFileGB, generator: generator, directory: dir)
        } else {
            try await runComparison(generator: generator, directory: dir)
        }
    }

    // MARK: - Side by side

    private func runComparison(generator: LogFileGenerator, directory: String) async throws {
        var paths = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json.gz") }
            .sorted().map { directory + "/" + $0 }
        if paths.isEmpty {
            var next = 0
            for i in 0..<files {
                let count = recordsPerFile ?? (1000 + (i * 7919) % 4001)
                let path = directory + String(format: "/111122223333_CloudTrail_us-east-1_20250101T0000Z_%05d.json.gz", i)
                try generator.file(records: count, startingAt: next).write(to: URL(fileURLWithPath: path))
                next += count
                paths.append(path)
            }
        }
        let compressed = try paths.reduce(0) { $0 + ((try FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        print("files: \(paths.count) .json.gz, \(compressed / 1_048_576) MiB compressed, in \(directory)")

        // Warm the page cache so that both sides read from memory.
        for path in paths { _ = FileManager.default.contents(atPath: path) }

        let cores = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let ours = try await Self.filter(paths: paths, workers: cores, keep: try keep())
        print(Self.line("trailkeeper (LogFileRecordStream + rules engine, \(cores) files at once)", ours.events, ours.matched, ours.uncompressedBytes, ours.seconds))
        print("  rejected records: \(ours.rejected); reader buffer high-water mark: \(ours.maxBufferedBytes / 1024) KiB")
        guard !skipSeed else { return }

        let seed = try runSeed(paths)
        print(Self.line("seed (Python gzip + json.loads + eventName filter, 1 process)", seed.events, seed.matched, seed.uncompressedBytes, seed.seconds))
        if seed.events != ours.events || seed.matched != ours.matched || seed.uncompressedBytes != ours.uncompressedBytes {
            print("WARNING: the two sides disagree (events \(seed.events)/\(ours.events), matched \(seed.matched)/\(ours.matched))")
        }
        print(String(format: "ratio: %.2f× the seed's events/s", seed.seconds / ours.seconds))
    }

    private func runSeed(_ paths: [String]) throws -> Totals {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script] + paths
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let json = try JSONSerialization.jsonObject(with: output) as? [String: Any],
            let events = json["events"] as? Int, let matched = json["matched"] as? Int,
            let bytes = json["uncompressed_bytes"] as? Int, let seconds = json["seconds"] as? Double
        else { throw BenchPipelineError(description: "the seed script failed (status \(process.terminationStatus))") }
        return Totals(events: events, matched: matched, uncompressedBytes: UInt64(bytes), seconds: seconds)
    }

    // MARK: - One huge file

    private func runBigFile(gigabytes: Double, generator: LogFileGenerator, directory: String) async throws {
        let path = directory + "/big.json.gz"
        let target = UInt64(gigabytes * 1_000_000_000)
        let clock = ContinuousClock()
        let t0 = clock.now
        let (written, compressed) = try generator.writeBigFile(path: path, uncompressedBytes: target)
        print(String(
            format: "wrote %@: %.2f GB uncompressed, %.1f MiB gzip (multi-member) in %.1f s; generator peak RSS %d MiB",
            path, Double(written) / 1e9, Double(compressed) / 1_048_576, Double((clock.now - t0) / .milliseconds(1)) / 1000,
            Self.peakRSSKilobytes() / 1024))

        // Read it in a fresh process so that the peak RSS is the reader's alone.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = ["bench", "pipeline", "--read-file", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let json = try JSONSerialization.jsonObject(with: output) as? [String: Any],
            let events = json["events"] as? Int, let bytes = json["uncompressed_bytes"] as? Int,
            let seconds = json["seconds"] as? Double, let hwm = json["vm_hwm_kb"] as? Int,
            let buffered = json["max_buffered_bytes"] as? Int
        else { throw BenchPipelineError(description: "reading the big file failed (status \(process.terminationStatus))") }
        print(Self.line("trailkeeper (one file, one stream)", events, json["matched"] as? Int ?? 0, UInt64(bytes), seconds))
        print("peak RSS (VmHWM) while reading: \(hwm / 1024) MiB; reader buffer high-water mark: \(buffered / 1024) KiB")
    }

    // MARK: - Ours

    struct Totals: Sendable {
        var events = 0
        var matched = 0
        var rejected = 0
        var uncompressedBytes: UInt64 = 0
        var maxBufferedBytes = 0
        var seconds = 0.0

        mutating func add(_ other: Totals) {
            events += other.events
            matched += other.matched
            rejected += other.rejected
            uncompressedBytes += other.uncompressedBytes
            maxBufferedBytes = max(maxBufferedBytes, other.maxBufferedBytes)
        }
    }

    /// Reads `paths`, `workers` files at once, counting the records `keep` accepts.
    /// `keep` is where a rules engine plugs in.
    static func filter(
        paths: [String], workers: Int, keep: @escaping @Sendable (AuditRecord) -> Bool
    ) async throws -> Totals {
        let clock = ContinuousClock()
        let start = clock.now
        var totals = try await withThrowingTaskGroup(of: Totals.self) { group in
            var next = 0
            var totals = Totals()
            func addNext() {
                guard next < paths.count else { return }
                let path = paths[next]
                next += 1
                group.addTask { try await filterFile(path, keep: keep) }
            }
            for _ in 0..<max(1, workers) { addNext() }
            for try await file in group {
                totals.add(file)
                addNext()
            }
            return totals
        }
        totals.seconds = Double((clock.now - start) / .microseconds(1)) / 1_000_000
        return totals
    }

    static func filterFile(_ path: String, keep: @Sendable (AuditRecord) -> Bool) async throws -> Totals {
        var totals = Totals()
        for try await batch in LogFileRecordStream(contentsOfFile: path) {
            totals.events += batch.results.count
            for result in batch.results {
                switch result {
                case .success(let record): if keep(record) { totals.matched += 1 }
                case .failure: totals.rejected += 1
                }
            }
            totals.uncompressedBytes = batch.statistics.uncompressedBytes
            totals.maxBufferedBytes = batch.statistics.maxBufferedBytes
        }
        return totals
    }

    static func line(_ name: String, _ events: Int, _ matched: Int, _ bytes: UInt64, _ seconds: Double) -> String {
        String(
            format: "%@: %d events (%d matched), %.1f MB JSON in %.2f s → %.0f events/s, %.1f MB/s",
            name, events, matched, Double(bytes) / 1e6, seconds, Double(events) / seconds, Double(bytes) / 1e6 / seconds)
    }

    /// The process's peak resident set size (`VmHWM` in /proc/self/status), in KiB; 0 elsewhere.
    static func peakRSSKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

struct BenchPipelineError: Error, CustomStringConvertible {
    var description: String
}
