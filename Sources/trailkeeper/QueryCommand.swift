import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import TrailServer
import UnixSignals

/// `trailkeeper query "SQL"`: runs a CloudTrail Lake query on a server (StartQuery, DescribeQuery until it ends,
/// GetQueryResults page by page) and prints the rows.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a CloudTrail Lake SQL query on a Trailkeeper server and print its results.",
        discussion: """
            The statement is CloudTrail Lake's SQL (Trino's dialect): one SELECT over event data stores, named by ID, ARN or table alias (tag trailkeeper:table-alias). Example:

              trailkeeper query "SELECT eventName, count(*) AS n
                FROM event_data_store_ID GROUP BY eventName ORDER BY n DESC"

            The query runs on the server (StartQuery). While it runs, a progress line on standard error shows its status, elapsed time and events scanned and matched (not with --no-progress, nor when standard error is not a terminal). Ctrl-C cancels the query on the server (CancelQuery).

            Output formats (standard output):
              table  aligned columns with a header; NULL shown as NULL
              csv    RFC 4180 with a header row; NULL is an empty field,
                     an empty string is ""
              json   one JSON array per line, exactly one element of
                     GetQueryResults' QueryResultRows, every value a string
                     and NULL as null: [{"eventName":"ConsoleLogin"},{"n":"12"}]

            Exit status: 0 when the query FINISHED; 1 when it FAILED, was CANCELLED or TIMED_OUT (Error: <status>: <message> on standard error); 2 when StartQuery refused it (Error: <exception>: <message>, e.g. InvalidQueryStatementException with the position of a syntax error).

            Credentials and region are found as the AWS CLI finds them (AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE=DATA_DIR/credentials); requests are SigV4-signed.
            """)

    /// How rows are printed.
    enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case table, csv, json
    }

    @Argument(help: "The SQL statement (quote it for the shell).") var statement: String
    @Option(help: "Trailkeeper server.") var endpoint = "http://127.0.0.1:4600"
    @Option(help: "Output format: table, csv or json.") var format: Format = .table
    @Option(name: .customLong("max-rows"), help: "Print at most this many rows (fetching stops there).") var maxRows: Int?
    @Option(help: "Cancel the query when it has not ended after this long (e.g. 30s, 5m, 1h; default: wait).")
    var timeout: String?
    @Option(name: .customLong("delivery-s3-uri"), help: "Also have the server write the results to s3://bucket[/prefix] (CSV + sign file).")
    var deliveryS3URI: String?
    @Flag(name: .customLong("no-progress"), help: "Do not draw the progress line.") var noProgress = false
    @Option(help: "Region to sign for (default: AWS_REGION / AWS_DEFAULT_REGION / profile / us-east-1).") var region: String?

    func validate() throws {
        guard !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("the SQL statement is empty")
        }
        if let maxRows, maxRows < 1 { throw ValidationError("--max-rows must be at least 1") }
        if let timeout { _ = try timeoutSeconds(timeout) }
        if let deliveryS3URI, !deliveryS3URI.hasPrefix("s3://") { throw ValidationError("--delivery-s3-uri must start with s3://") }
    }

    func timeoutSeconds(_ text: String) throws -> Int64 {
        do {
            return try ServerConfiguration.seconds(text, key: "--timeout")
        } catch {
            throw ValidationError("--timeout must be a duration such as 30s, 5m or 1h")
        }
    }

    /// How the wait for the query ended.
    enum Ending: Sendable {
        case status(String, message: String?)
        case interrupted
        case timedOut
    }

    func run() async throws {
        var config = AWSConfiguration(environment: ProcessInfo.processInfo.environment)
        if let region { config.region = region }
        let logger = Logger(label: "trailkeeper.query")
        let limit = try timeout.map(timeoutSeconds)
        let progress = QueryProgress(isEnabled: !noProgress && isatty(STDERR_FILENO) == 1)
        try await HTTPClient.withHTTPClient { http in
            let connection = try ServerConnection(endpoint: endpoint, http: http, configuration: config, logger: logger)
            var input: [String: Any] = ["QueryStatement": statement]
            if let deliveryS3URI { input["DeliveryS3Uri"] = deliveryS3URI }
            let id: String
            do {
                let output = try await connection.cloudTrail("StartQuery", input)
                guard let queryID = output["QueryId"] as? String else { throw ValidationError("the server returned no QueryId") }
                id = queryID
            } catch let error as AWSError where error.status >= 400 && error.status < 500 {
                Self.printError("\(error.code): \(error.message)")
                throw ExitCode(2)
            }
            let signals = await UnixSignalsSequence(trapping: .sigint)
            let ending = try await withThrowingTaskGroup(of: Ending.self) { group in
                group.addTask { try await Self.waitForEnd(connection, id: id, progress: progress) }
                group.addTask {
                    for await _ in signals { return .interrupted }
                    try await Task.sleep(for: .seconds(86400 * 365))
                    return .interrupted
                }
                if let limit {
                    group.addTask {
                        try await Task.sleep(for: .seconds(limit))
                        return .timedOut
                    }
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
            progress.finish()
            switch ending {
            case .interrupted:
                _ = try? await connection.cloudTrail("CancelQuery", ["QueryId": id])
                Self.printError("CANCELLED: interrupted (query \(id))")
                throw ExitCode(1)
            case .timedOut:
                _ = try? await connection.cloudTrail("CancelQuery", ["QueryId": id])
                Self.printError("CANCELLED: the query did not end within \(timeout ?? "") (query \(id))")
                throw ExitCode(1)
            case .status(let status, let message) where status != "FINISHED":
                Self.printError("\(status): \(message ?? "the query did not finish") (query \(id))")
                throw ExitCode(1)
            case .status:
                try await printResults(connection, id: id)
            }
        }
    }

    /// Polls DescribeQuery (200 ms, then up to 1 s apart) until the query is terminal.
    static func waitForEnd(_ connection: ServerConnection, id: String, progress: QueryProgress) async throws -> Ending {
        var delay = 0.2
        let started = Date()
        while true {
            let output = try await connection.cloudTrail("DescribeQuery", ["QueryId": id])
            let status = output["QueryStatus"] as? String ?? "UNKNOWN"
            if !["QUEUED", "RUNNING"].contains(status) {
                return .status(status, message: output["ErrorMessage"] as? String)
            }
            let statistics = output["QueryStatistics"] as? [String: Any] ?? [:]
            progress.draw(
                status: status, elapsed: Date().timeIntervalSince(started),
                scanned: (statistics["EventsScanned"] as? NSNumber)?.int64Value ?? 0,
                matched: (statistics["EventsMatched"] as? NSNumber)?.int64Value ?? 0)
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            delay = Swift.min(1.0, delay * 1.5)
        }
    }

    /// Pages GetQueryResults and prints the rows in the chosen format.
    func printResults(_ connection: ServerConnection, id: String) async throws {
        var token: String?
        var printed = 0
        var header: [String]?
        var tableRows: [[String]] = []
        repeat {
            var input: [String: Any] = ["QueryId": id, "MaxQueryResults": Swift.min(1000, (maxRows ?? Int.max) - printed)]
            if let token { input["NextToken"] = token }
            let output = try await connection.cloudTrail("GetQueryResults", input)
            let rows = output["QueryResultRows"] as? [[[String: Any]]] ?? []
            for row in rows {
                let names = row.map { $0.keys.first ?? "" }
                let cells: [String?] = row.map { $0.values.first as? String }
                switch format {
                case .json:
                    let data = try JSONSerialization.data(withJSONObject: row, options: [.withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                case .csv:
                    if header == nil {
                        header = names
                        print(CSV.line(names), terminator: "\r\n")
                    }
                    print(CSV.line(cells), terminator: "\r\n")
                case .table:
                    if header == nil { header = names }
                    tableRows.append(cells.map { $0 ?? "NULL" })
                }
                printed += 1
            }
            token = output["NextToken"] as? String
            if rows.isEmpty { break }
        } while token != nil && printed < (maxRows ?? Int.max)
        if format == .table, let header { Table.print(header: header, rows: tableRows) }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data("Error: \(text)\n".utf8))
    }
}
