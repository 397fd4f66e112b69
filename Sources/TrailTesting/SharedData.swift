import Foundation

/// The project's shared data sets (`../shared/data`: real CloudTrail logs, AWS examples, rules).
public enum SharedData {
    /// The data directory: `TRAILKEEPER_SHARED_DATA`, or `../shared/data` beside the repository.
    public static var directory: URL? {
        let env = ProcessInfo.processInfo.environment
        if let path = env["TRAILKEEPER_SHARED_DATA"], FileManager.default.fileExists(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        // Sources/TrailTesting/SharedData.swift → repository root → ../shared/data
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidate = root.deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
    }

    /// Whether tests must fail rather than skip when the data is missing (the test command sets it).
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["TRAILKEEPER_REQUIRE_INTEGRATION"] == "1"
    }

    /// Whether tests over the shared data should run.
    public static var isAvailable: Bool { directory != nil || isRequired }

    /// Every regular file under `folder` (recursively) whose name ends with one of `suffixes`.
    public static func files(in folder: String, suffixes: [String]) -> [URL] {
        guard let base = directory?.appendingPathComponent(folder),
            let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)
        else { return [] }
        var out: [URL] = []
        for case let url as URL in walker where suffixes.contains(where: { url.lastPathComponent.hasSuffix($0) }) {
            out.append(url)
        }
        return out.sorted { $0.path < $1.path }
    }
}
