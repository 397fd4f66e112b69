import Foundation
import Testing

/// A loopback HTTP server in python3 that answers from a script and records the requests exactly
/// as AsyncHTTPClient sent them (`Resources/scripted_server.py`).
struct ScriptedServer {
    struct Received {
        var method: String
        var path: String
        var query: String
        var headers: [(String, String)]
        var body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    static let isAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import http.server"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    let process: Process
    let input: Pipe
    let port: Int
    let recordFile: URL

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Starts a server answering `responses` (`status`, `headers` as name/value pairs, `body`) in order.
    init(responses: [[String: Any]]) throws {
        let script = try #require(Bundle.module.url(forResource: "Resources/scripted_server", withExtension: "py"))
        recordFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tk-requests-\(UUID().uuidString).jsonl"
        )
        let scriptJSON = String(decoding: try JSONSerialization.data(withJSONObject: responses), as: UTF8.self)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, scriptJSON, recordFile.path]
        let output = Pipe()
        input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var firstLine = Data()
        while !firstLine.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            firstLine.append(chunk)
        }
        port = try #require(
            Int(String(decoding: firstLine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        )
    }

    /// What the server received so far, in order.
    func received() throws -> [Received] {
        guard let data = FileManager.default.contents(atPath: recordFile.path) else { return [] }
        return try data.split(separator: UInt8(ascii: "\n")).map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let target = try #require(object["target"] as? String)
            let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            return Received(
                method: try #require(object["method"] as? String),
                path: String(parts[0]),
                query: parts.count > 1 ? String(parts[1]) : "",
                headers: try #require(object["headers"] as? [[String]]).map { ($0[0], $0[1]) },
                body: Data((try #require(object["body"] as? String)).unicodeScalars.map { UInt8($0.value) })
            )
        }
    }

    /// Stops the server: it exits when its stdin closes (and on SIGTERM).
    func stop() {
        try? input.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: recordFile)
    }
}
