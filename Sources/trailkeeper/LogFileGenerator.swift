import Foundation
import TrailModel

/// Realistic CloudTrail log files for `bench pipeline`: real records replicated with fresh eventIDs.
struct LogFileGenerator {
    /// Record texts to replicate.
    let templates: [Data]
    /// Where the templates came from, for the report.
    let origin: String

    /// Loads the records of every .json / .json.gz file under `folder` (or the Invictus data set),
    /// falling back to synthetic records when there is none.
    init(templatesFrom folder: String?) throws {
        let env = ProcessInfo.processInfo.environment
        let candidates = [folder, env["TRAILKEEPER_SHARED_DATA"].map { $0 + "/invictus-ir-aws-dataset" },
                          "../shared/data/invictus-ir-aws-dataset"].compactMap { $0 }
        let parser = RecordParser()
        for candidate in candidates {
            guard let walker = FileManager.default.enumerator(atPath: candidate) else { continue }
            var records: [Data] = []
            for case let name as String in walker where name.hasSuffix(".json") || name.hasSuffix(".json.gz") {
                guard var data = FileManager.default.contents(atPath: candidate + "/" + name) else { continue }
                if name.hasSuffix(".gz") { guard let plain = Gzip.decompress(data) else { continue }; data = plain }
                guard let results = try? parser.records(in: data) else { continue }
                records += results.compactMap { try? $0.get().raw }
            }
            if !records.isEmpty {
                self.templates = records
                self.origin = candidate
                return
            }
        }
        let now = Int64(Date().timeIntervalSince1970)
        self.templates = (0..<2000).map { Data(SyntheticEvents.json($0, end: now, span: 3600).utf8) }
        self.origin = "synthetic records"
    }

    private static let idKey = Array(#""eventID":""#.utf8)

    /// Record `i`: template `i % count` with a fresh eventID.
    func record(_ i: Int) -> Data {
        var raw = templates[i % templates.count]
        if let range = raw.firstRange(of: Self.idKey) {
            let start = range.upperBound
            if let end = raw[start...].firstIndex(of: UInt8(ascii: "\"")) {
                raw.replaceSubrange(start..<end, with: Array(UUID().uuidString.lowercased().utf8))
            }
        }
        return raw
    }

    /// A gzipped `{"Records":[…]}` file of `count` records.
    func file(records count: Int, startingAt first: Int) throws -> Data {
        var text = Data(#"{"Records":["#.utf8)
        for i in 0..<count {
            if i > 0 { text.append(UInt8(ascii: ",")) }
            text.append(record(first + i))
        }
        text.append(contentsOf: Array("]}".utf8))
        guard let gzip = Gzip.compress(text) else { throw BenchPipelineError(description: "gzip failed") }
        return gzip
    }

    /// Streams a `{"Records":[…]}` file of at least `uncompressedBytes` to `path` as gzip members
    /// of about 8 MiB of text each, never holding more than one block.
    /// - Returns: the uncompressed and compressed sizes.
    func writeBigFile(path: String, uncompressedBytes: UInt64) throws -> (UInt64, UInt64) {
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var written: UInt64 = 0
        var compressed: UInt64 = 0
        var block = Data(#"{"Records":["#.utf8)
        var i = 0
        func flush() throws {
            guard let gzip = Gzip.compress(block, level: 1) else { throw BenchPipelineError(description: "gzip failed") }
            try handle.write(contentsOf: gzip)
            written += UInt64(block.count)
            compressed += UInt64(gzip.count)
            block.removeAll(keepingCapacity: true)
        }
        while written + UInt64(block.count) < uncompressedBytes {
            if i > 0 { block.append(UInt8(ascii: ",")) }
            block.append(record(i))
            i += 1
            if block.count >= 8 << 20 { try flush() }
        }
        block.append(contentsOf: Array("]}\n".utf8))
        try flush()
        return (written, compressed)
    }
}
