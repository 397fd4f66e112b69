import Foundation
import Testing

/// python3 with botocore, the AWS CLI's signer, when this machine has it.
enum Botocore {
    static let isRequired = ProcessInfo.processInfo.environment["TRAILKEEPER_REQUIRE_INTEGRATION"] == "1"
    static let isAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import botocore"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// Runs `Resources/botocore_sign.py` over `cases`, returning its JSON answer.
    static func sign(_ cases: [[String: Any]]) throws -> [[String: Any]] {
        let script = try #require(Bundle.module.url(forResource: "Resources/botocore_sign", withExtension: "py"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: JSONSerialization.data(withJSONObject: cases))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "botocore_sign.py failed")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }
}
