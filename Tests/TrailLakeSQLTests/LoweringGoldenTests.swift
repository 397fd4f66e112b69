import Foundation
import Testing
import TrailLakeSQL

/// Every sample query lowers to the reviewed SQL in `Resources/golden/<name>.txt`.
///
/// To regenerate after a deliberate change, run with `LAKE_SQL_WRITE_GOLDENS=1`, then review the diff.
@Suite struct LoweringGoldenTests {
    static func samples() throws -> [(name: String, text: String)] {
        let aws = try Fixtures.awsSamples().map { (name: String($0.name.dropLast(4)), text: $0.text) }
        let spec = SpecSamples.spec.enumerated().map { (name: String(format: "spec-%02d", $0.offset + 1), text: $0.element) }
        let documentation = zip(["doc-union", "doc-join", "doc-cli"], SpecSamples.documentation).map { (name: $0.0, text: $0.1) }
        return aws + spec + documentation
    }

    static func golden(of plan: PhysicalQuery) -> String {
        var lines = [plan.sql]
        for (index, argument) in plan.arguments.enumerated() {
            let value: String
            switch argument {
            case .text(let text): value = "text " + text
            case .integer(let number): value = "integer \(number)"
            case .double(let number): value = "double \(number)"
            case .symbol(let store, let text): value = "symbol \(store) " + text
            case .queryTime: value = "query-time"
            case .symbolSet(let store, let column, let predicate): value = "symbol-set \(store) \(column) \(predicate)"
            }
            lines.append("?\(index + 1) = " + value)
        }
        lines.append("columns: " + plan.columns.map { "\($0.name) \($0.type)" }.joined(separator: "; "))
        if let bounds = plan.timeBounds {
            lines.append("time: \(bounds.lower.map(String.init) ?? "-") .. \(bounds.upper.map(String.init) ?? "-")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func samplesLowerToTheReviewedSQL() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/golden")
        let write = ProcessInfo.processInfo.environment["LAKE_SQL_WRITE_GOLDENS"] == "1"
        let samples = try Self.samples()
        #expect(samples.count == 7 + 11 + 3)
        for sample in samples {
            let actual = Self.golden(of: try Fixtures.plan(sample.text))
            let file = folder.appendingPathComponent(sample.name + ".txt")
            if write {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try actual.write(to: file, atomically: true, encoding: .utf8)
                continue
            }
            let url = try #require(Bundle.module.url(forResource: sample.name, withExtension: "txt", subdirectory: "Resources/golden"))
            let expected = try String(contentsOf: url, encoding: .utf8)
            #expect(actual == expected, "\(sample.name)")
        }
    }

    @Test func everySQLIdentifierIsOursAndEveryValueIsAParameter() throws {
        for sample in try Self.samples() {
            let plan = try Fixtures.plan(sample.text)
            for argument in plan.arguments {
                if case .text(let text) = argument { #expect(!plan.sql.contains(text), "\(sample.name): \(text) spliced") }
                if case .symbol(_, let text) = argument { #expect(!plan.sql.contains("'\(text)'"), "\(sample.name): \(text) spliced") }
            }
            #expect(!plan.sql.contains(";"))
        }
    }
}
