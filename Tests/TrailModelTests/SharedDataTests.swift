import Foundation
import Testing
import TrailModel
import TrailTesting

/// Every CloudTrail document in ../shared/data parses: each record is stored or rejected with a reason.
@Suite(.enabled(if: SharedData.isAvailable, "needs ../shared/data (set TRAILKEEPER_SHARED_DATA)"))
struct SharedDataTests {
    static let recordFolders = [
        "invictus-ir-aws-dataset", "awsdocs-cloudtrail-user-guide-examples/records",
        "awsdocs-cloudtrail-user-guide-examples/insights", "aws-cloudtrail-processing-library-fixtures",
    ]

    func load(_ url: URL) throws -> Data {
        let data = try Data(contentsOf: url)
        if url.pathExtension == "gz" { return try #require(Gzip.decompress(data)) }
        return data
    }

    @Test func invictusDatasetParsesCompletely() throws {
        let files = SharedData.files(in: "invictus-ir-aws-dataset", suffixes: [".json", ".json.gz"])
        #expect(files.count >= 50)
        var ids = Set<String>()
        var total = 0
        let parser = RecordParser()
        for file in files {
            let data = try load(file)
            let results = try parser.records(in: data)
            let expected = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            let objects = expected["Records"] as! [NSDictionary]
            #expect(results.count == objects.count, "\(file.lastPathComponent)")
            for (result, object) in zip(results, objects) {
                let record = try result.get()
                #expect((try JSONSerialization.jsonObject(with: record.raw) as! NSDictionary) == object)
                #expect(record.eventID == object["eventID"] as? String)
                ids.insert(record.eventID)
                total += 1
            }
        }
        #expect(total == 2900)
        #expect(ids.count <= total)
    }

    @Test func everyDocumentedRecordParsesOrIsRejectedWithAReason() throws {
        let parser = RecordParser()
        var parsed = 0
        var rejected: [String] = []
        var brokenDocuments: [String] = []
        for folder in Self.recordFolders {
            for file in SharedData.files(in: folder, suffixes: [".json", ".json.gz"]) {
                let data = try load(file)
                do {
                    for result in try parser.records(in: data) {
                        switch result {
                        case .success: parsed += 1
                        case .failure(let r):
                            #expect(!r.reason.isEmpty)
                            rejected.append("\(file.lastPathComponent): \(r.reason)")
                        }
                    }
                } catch {
                    brokenDocuments.append(file.lastPathComponent)
                }
            }
        }
        // Exactly the inputs built to fail: one file of broken JSON; records with no usable
        // eventTime (all fields null, all field names changed, a wrong time); and a LookupEvents
        // response, which is not a record.
        #expect(brokenDocuments == ["SerializerTestFileBadJsonFormat.json"])
        #expect(
            rejected.sorted() == [
                "SerializerAllFieldsNull.json: eventTime is missing",
                "SerializerTestFileBadFieldName.json: eventTime is missing",
                "SerializerTestFileMissField.json: eventTime is not an ISO-8601 UTC timestamp",
                "SerializerTestFileNewFieldName.json: eventTime is missing",
                "view-insights-events-cli__2.json: eventTime is missing",
            ], "\(rejected)")
        #expect(parsed > 2900)
    }
}
