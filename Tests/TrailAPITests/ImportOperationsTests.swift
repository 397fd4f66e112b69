import Foundation
import HTTPTypes
import ObjectStorage
import Testing
import TrailModel
import TrailTesting

@Suite struct ImportOperationsTests {
    static func source(_ uri: String) -> [String: Any] {
        ["S3": ["S3LocationUri": uri, "S3BucketRegion": "us-east-1", "S3BucketAccessRoleArn": "arn:aws:iam::111122223333:role/r"]]
    }

    @Test func startGetListStopAndFailures() async throws {
        let api = LakeTestAPI()
        try await api.base.objects.createBucket("trail-bucket", region: "us-east-1")
        try await api.test { client in
            let store = try #require(try await client.createStore("history")["EventDataStoreArn"] as? String)
            let started = try await client.ok(
                "StartImport", ["Destinations": [store], "ImportSource": Self.source("s3://trail-bucket/AWSLogs/"), "StartEventTime": 1_600_000_000])
            let id = try #require(started["ImportId"] as? String)
            #expect(started["ImportStatus"] as? String == "INITIALIZING")
            #expect(started["Destinations"] as? [String] == [store])
            #expect(started["StartEventTime"] as? Int == 1_600_000_000)
            #expect((started["ImportSource"] as? [String: Any])?["S3"] as? [String: String] != nil)
            #expect(started["ImportStatistics"] == nil)

            #expect(
                try await client.refusal("StartImport", ["Destinations": [store], "ImportSource": Self.source("s3://trail-bucket/x")])
                    == "AccountHasOngoingImportException")
            let got = try await client.ok("GetImport", ["ImportId": id])
            let stats = try #require(got["ImportStatistics"] as? [String: Int])
            #expect(stats["FilesCompleted"] == 0 && stats["FailedEntries"] == 0)

            let list = try await client.ok("ListImports", ["Destination": store])
            #expect((list["Imports"] as? [[String: Any]])?.first?["ImportId"] as? String == id)
            let filtered = try await client.ok("ListImports", ["ImportStatus": "COMPLETED"])
            #expect((filtered["Imports"] as? [Any])?.isEmpty == true)

            let stopped = try await client.ok("StopImport", ["ImportId": id])
            #expect(stopped["ImportStatus"] as? String == "STOPPED")
            let failures = try await client.ok("ListImportFailures", ["ImportId": id])
            #expect((failures["Failures"] as? [Any])?.isEmpty == true)
            let retried = try await client.ok("StartImport", ["ImportId": id])
            #expect(retried["ImportStatus"] as? String == "INITIALIZING")
        }
    }

    @Test func refusals() async throws {
        let api = LakeTestAPI()
        try await api.base.objects.createBucket("trail-bucket", region: "us-east-1")
        try await api.test { client in
            let store = try #require(try await client.createStore("history")["EventDataStoreArn"] as? String)
            #expect(try await client.refusal("StartImport", ["Destinations": [store], "ImportSource": Self.source("s3://missing-bucket/")]) == "InvalidImportSourceException")
            #expect(try await client.refusal("StartImport", ["Destinations": [store], "ImportSource": Self.source("not-a-uri")]) == "InvalidImportSourceException")
            #expect(try await client.refusal("StartImport", ["ImportSource": Self.source("s3://trail-bucket/")]) == "InvalidParameterException")
            #expect(
                try await client.refusal(
                    "StartImport",
                    ["Destinations": ["00000000-0000-0000-0000-000000000000"], "ImportSource": Self.source("s3://trail-bucket/")])
                    == "EventDataStoreNotFoundException")
            #expect(
                try await client.refusal(
                    "StartImport",
                    ["Destinations": [store], "ImportSource": Self.source("s3://trail-bucket/"), "StartEventTime": 20, "EndEventTime": 10])
                    == "InvalidParameterException")
            #expect(try await client.refusal("StartImport", ["ImportId": "nope"]) == "ImportNotFoundException")
            #expect(try await client.refusal("GetImport", ["ImportId": "nope"]) == "ImportNotFoundException")
            #expect(try await client.refusal("ListImportFailures", ["ImportId": "nope"]) == "ImportNotFoundException")
            #expect(try await client.refusal("ListImports", ["ImportStatus": "DONE"]) == "InvalidParameterException")
        }
    }
}
