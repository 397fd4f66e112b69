import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import TrailModel
import TrailServer
import TrailStore
import TrailStoreSQLite

/// `trailkeeper import`: real CloudTrail files into a server, or straight into a data dir.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import CloudTrail log files (.json, .json.gz, Records-wrapped, arrays, JSON lines; folders; s3://bucket/prefix).")

    @Argument(help: "Files, folders (walked recursively) or s3://bucket/prefix locations.")
    var sources: [String]
    @Option(help: "A running Trailkeeper server (e.g. http://127.0.0.1:4600); credentials as the AWS CLI finds them.")
    var endpoint: String?
    @Option(name: .customLong("data-dir"), help: "Write into this data dir's journal directly (when no --endpoint).")
    var dataDirectory: String = "./trailkeeper-data"
    @Option(help: "Records per batch.") var batchSize = 1000
    @Option(help: "Batches in flight.") var concurrency = 4
    @Option(name: .customLong("source-profile"), help: "AWS profile for s3:// sources when it differs from the server's.")
    var sourceProfile: String?
    @Flag(help: "Print no progress.") var quiet = false

    func validate() throws {
        guard !sources.isEmpty else { throw ValidationError("name at least one file, folder or s3:// location") }
        guard (1...10000).contains(batchSize) else { throw ValidationError("--batch-size must be 1-10000") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1-64") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let config = AWSConfiguration(environment: environment)
        let logger = Logger(label: "trailkeeper.import")
        let clock = ContinuousClock()
        let started = clock.now
        let report: ImportReport = try await HTTPClient.withHTTPClient { http in
            var files: [RecordImporter.File] = []
            for source in sources {
                switch ImportSource(argument: source) {
                case .path(let path):
                    do { files += try RecordImporter.localFiles(path) } catch { throw ValidationError("\(error)") }
                case .s3(let bucket, let prefix):
                    var sourceEnvironment = environment
                    if let sourceProfile {
                        sourceEnvironment["AWS_PROFILE"] = sourceProfile
                        sourceEnvironment["AWS_ACCESS_KEY_ID"] = nil
                    }
                    let s3 = try S3Source(
                        http: http, configuration: AWSConfiguration(environment: sourceEnvironment), logger: logger)
                    files += try await s3.files(bucket: bucket, prefix: prefix)
                }
            }
            let sink: any ImportSink
            var store: SQLiteEventStore?
            if let endpoint {
                let connection = try ServerConnection(endpoint: endpoint, http: http, configuration: config, logger: logger)
                sink = HTTPImportSink { body in
                    let (status, response) = try await connection.send(method: .POST, path: "/v1/events", body: body, service: "trailkeeper")
                    guard status == 200 else {
                        throw ImportError("the server refused a batch (HTTP \(status)): \(String(decoding: response.prefix(300), as: UTF8.self))")
                    }
                    return response
                }
            } else {
                try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
                let opened = try SQLiteEventStore(configuration: .init(path: dataDirectory + "/journal.sqlite"), logger: logger)
                store = opened
                sink = StoreImportSink(store: opened)
            }
            let progress = Progress(enabled: !quiet && isatty(STDERR_FILENO) == 1, total: files.count)
            let importer = RecordImporter(sink: sink, batchSize: batchSize, concurrency: concurrency)
            let report = try await importer.run(files) { report, done in progress.show(report, done: done) }
            progress.finish()
            try store?.close()
            return report
        }
        let seconds = Double((clock.now - started) / .milliseconds(1)) / 1000
        for line in report.lines(seconds: seconds) { print(line) }
        if !report.isClean { throw ExitCode(1) }
    }
}

/// A one-line progress display on a terminal.
struct Progress: Sendable {
    let enabled: Bool
    let total: Int

    func show(_ report: ImportReport, done: Int) {
        guard enabled else { return }
        let line = "\rfiles \(done)/\(total)  events \(report.events)  stored \(report.stored)  duplicates \(report.duplicates)  rejected \(report.rejected)   "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
