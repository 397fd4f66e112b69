import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import TrailArchive

/// `trailkeeper backup restore`: copies a backup back, decrypting and checking every copy.
struct BackupRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Copy a backup back to a bucket or folder: decrypt, check against the recorded source, restore metadata.",
        discussion: """
            Every object under --source is restored under --destination with the same relative key. Encrypted \
            copies need --encrypt-key. Each restored object is checked against what its copy recorded \
            (SHA-256 of the source, or of the decompressed content of a recompressed copy). Objects already \
            at the destination are skipped when identical (or the recorded source) and reported as conflicts \
            otherwise. Exit status 1 when any object failed.
            """
    )

    @Option(help: "The backup: s3://bucket[/prefix] or a folder.")
    var source: String
    @Option(help: "Where to restore to: s3://bucket[/prefix] or a folder.")
    var destination: String
    @Option(name: .customLong("encrypt-key"), help: "The key file the copies were encrypted with.")
    var encryptKey: String?
    @Option(help: "Restore only keys matching this glob; repeatable.")
    var include: [String] = []
    @Option(help: "Skip keys matching this glob; repeatable.")
    var exclude: [String] = []
    @Option(help: "Objects restored at the same time.")
    var concurrency = 16
    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let logger = Logger(label: "trailkeeper.backup")
        let key: BackupEncryptionKey?
        do {
            key = try encryptKey.map { try BackupEncryptionKey(contentsOfFile: $0) }
        } catch {
            throw ValidationError("\(error)")
        }
        let from = try BackupLocation(parsing: source)
        let to = try BackupLocation(parsing: destination)
        let aws = AWSConfiguration(environment: ProcessInfo.processInfo.environment)
        let report = try await HTTPClient.withHTTPClient(
            configuration: BackupStorages.httpClientConfiguration(concurrency: concurrency)
        ) { http in
            let restore = BackupRestore(
                backup: try BackupStorages.make(from, httpClient: http, aws: aws, logger: logger),
                destination: try BackupStorages.make(to, httpClient: http, aws: aws, logger: logger),
                options: .init(include: include, exclude: exclude, concurrency: concurrency, key: key), logger: logger)
            let progress = TerminalProgress()
            defer { progress.finish() }
            return try await restore.run(progress: progress.reporter())
        }
        try BackupCommandOutput.print(report, json: json)
        if report.hasFailures { throw ExitCode(1) }
    }
}

/// `trailkeeper backup decrypt`: one encrypted copy (a file, or `-` for standard input) to plaintext.
struct BackupDecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt one encrypted backup copy (a file, or - for standard input) and check it against its source's SHA-256.",
        discussion: "Writes the plaintext to --output, or to standard output."
    )

    @Option(name: .customLong("encrypt-key"), help: "The key file the copy was encrypted with.")
    var encryptKey: String
    @Argument(help: "The encrypted copy (- for standard input).")
    var input: String
    @Option(name: .shortAndLong, help: "Where to write the plaintext (default standard output).")
    var output: String?

    func run() throws {
        let key: BackupEncryptionKey
        let data: Data
        do {
            key = try BackupEncryptionKey(contentsOfFile: encryptKey)
        } catch {
            throw ValidationError("\(error)")
        }
        if input == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: input) else {
                throw ValidationError("cannot read \(input)")
            }
            data = contents
        }
        let plaintext: Data
        do {
            plaintext = try BackupEnvelope.open(data, key: key).plaintext
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if let output {
            try plaintext.write(to: URL(fileURLWithPath: output), options: .atomic)
        } else {
            FileHandle.standardOutput.write(plaintext)
        }
    }
}
