import Foundation
import HTTPTypes
import HummingbirdTesting
import ObjectStorage
import Testing
import TrailDelivery
import TrailModel

@Suite("Trail control plane")
struct TrailOperationsTests {
    static let arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit"

    @Test("CreateTrail validates names, buckets and parameters with AWS's exceptions")
    func createValidation() async throws {
        let api = TestAPI()
        try await api.test { client in
            var (status, body) = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": "audit-logs"])
            #expect(status == .badRequest)
            #expect(body["__type"] as? String == "S3BucketDoesNotExistException")
            try await api.objects.createBucket("audit-logs", region: "us-east-1")
            (_, body) = try await client.cloudTrail("CreateTrail", ["Name": "a", "S3BucketName": "audit-logs"])
            #expect(body["__type"] as? String == "InvalidTrailNameException")
            (_, body) = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": "Bad_Bucket"])
            #expect(body["__type"] as? String == "InvalidS3BucketNameException")
            (_, body) = try await client.cloudTrail(
                "CreateTrail", ["Name": "audit", "S3BucketName": "audit-logs", "IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": false])
            #expect(body["__type"] as? String == "InvalidParameterCombinationException")
            (_, body) = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": "audit-logs", "IsOrganizationTrail": true])
            #expect(body["__type"] as? String == "OrganizationsNotInUseException")
            (_, body) = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": "audit-logs", "SnsTopicName": "bad topic!"])
            #expect(body["__type"] as? String == "InvalidSnsTopicNameException")
            (_, body) = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": "audit-logs", "KmsKeyId": "alias/x"])
            #expect(body["__type"] as? String == "InvalidKmsKeyIdException")
            (_, body) = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": 7])
            #expect(body["__type"] as? String == "SerializationException")

            (status, body) = try await client.cloudTrail(
                "CreateTrail",
                [
                    "Name": "audit", "S3BucketName": "audit-logs", "S3KeyPrefix": "prod", "EnableLogFileValidation": true,
                    "SnsTopicName": "trail-events", "TagsList": [["Key": "team", "Value": "sec"]],
                ])
            #expect(status == .ok)
            #expect(body["TrailARN"] as? String == Self.arn)
            #expect(body["LogFileValidationEnabled"] as? Bool == true)
            #expect(body["SnsTopicARN"] as? String == "arn:aws:sns:us-east-1:111122223333:trail-events")
            #expect(body["HomeRegion"] == nil, "CreateTrail's response has no HomeRegion")
            (_, body) = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": "audit-logs"])
            #expect(body["__type"] as? String == "TrailAlreadyExistsException")
        }
    }

    @Test("GetTrail, DescribeTrails, ListTrails, UpdateTrail, DeleteTrail")
    func lifecycle() async throws {
        let api = TestAPI()
        try await api.objects.createBucket("audit-logs", region: "us-east-1")
        try await api.objects.createBucket("other-logs", region: "us-east-1")
        try await api.test { client in
            _ = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": "audit-logs"])
            var (status, body) = try await client.cloudTrail("GetTrail", ["Name": Self.arn])
            #expect(status == .ok)
            let trail = try #require(body["Trail"] as? [String: Any])
            #expect(trail["HomeRegion"] as? String == "us-east-1")
            #expect(trail["HasCustomEventSelectors"] as? Bool == false)
            #expect(trail["IncludeGlobalServiceEvents"] as? Bool == true)
            (_, body) = try await client.cloudTrail("GetTrail", ["Name": "arn:aws:cloudtrail:us-east-1:bad"])
            #expect(body["__type"] as? String == "CloudTrailARNInvalidException")
            (_, body) = try await client.cloudTrail("GetTrail", ["Name": "missing"])
            #expect(body["__type"] as? String == "TrailNotFoundException")

            (_, body) = try await client.cloudTrail("DescribeTrails", [:])
            #expect((body["trailList"] as? [[String: Any]])?.map { $0["Name"] as? String } == ["audit"])
            (_, body) = try await client.cloudTrail("DescribeTrails", ["trailNameList": ["missing"]])
            #expect((body["trailList"] as? [Any])?.isEmpty == true)
            (_, body) = try await client.cloudTrail("ListTrails", [:])
            #expect((body["Trails"] as? [[String: Any]])?.first?["TrailARN"] as? String == Self.arn)

            (_, body) = try await client.cloudTrail("UpdateTrail", ["Name": "audit", "S3BucketName": "nope-bucket"])
            #expect(body["__type"] as? String == "S3BucketDoesNotExistException")
            (status, body) = try await client.cloudTrail(
                "UpdateTrail", ["Name": "audit", "S3BucketName": "other-logs", "IsMultiRegionTrail": true, "EnableLogFileValidation": true])
            #expect(status == .ok)
            #expect(body["S3BucketName"] as? String == "other-logs")
            #expect(body["IsMultiRegionTrail"] as? Bool == true)

            (status, _) = try await client.cloudTrail("DeleteTrail", ["Name": "audit"])
            #expect(status == .ok)
            (_, body) = try await client.cloudTrail("GetTrail", ["Name": "audit"])
            #expect(body["__type"] as? String == "TrailNotFoundException")
        }
    }

    @Test("Start/StopLogging and GetTrailStatus")
    func logging() async throws {
        let api = TestAPI()
        try await api.objects.createBucket("audit-logs", region: "us-east-1")
        try await api.test { client in
            _ = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": "audit-logs", "EnableLogFileValidation": true])
            var (_, body) = try await client.cloudTrail("GetTrailStatus", ["Name": "audit"])
            #expect(body["IsLogging"] as? Bool == false)
            _ = try await client.cloudTrail("StartLogging", ["Name": "audit"])
            (_, body) = try await client.cloudTrail("GetTrailStatus", ["Name": "audit"])
            #expect(body["IsLogging"] as? Bool == true)
            #expect(body["StartLoggingTime"] as? Int == 1_700_000_000)
            #expect(body["TimeLoggingStarted"] as? String == "2023-11-14T22:13:20Z")
            _ = try await client.cloudTrail("StopLogging", ["Name": "audit"])
            (_, body) = try await client.cloudTrail("GetTrailStatus", ["Name": "audit"])
            #expect(body["IsLogging"] as? Bool == false)
            #expect(body["LatestDigestDeliveryTime"] as? Int == 1_700_000_001, "stopping writes a final digest (ending one second after its start)")
            (_, body) = try await client.cloudTrail("StartLogging", ["Name": "nope"])
            #expect(body["__type"] as? String == "TrailNotFoundException")
        }
    }

    @Test("Put/GetEventSelectors: basic, advanced, and refused selectors")
    func selectors() async throws {
        let api = TestAPI()
        try await api.objects.createBucket("audit-logs", region: "us-east-1")
        try await api.test { client in
            _ = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": "audit-logs"])
            var (status, body) = try await client.cloudTrail("GetEventSelectors", ["TrailName": "audit"])
            #expect(status == .ok)
            let defaults = try #require(body["EventSelectors"] as? [[String: Any]])
            #expect(defaults.first?["ReadWriteType"] as? String == "All")
            (status, body) = try await client.cloudTrail(
                "PutEventSelectors",
                [
                    "TrailName": "audit",
                    "EventSelectors": [
                        ["ReadWriteType": "WriteOnly", "DataResources": [["Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::acme/"]]]]
                    ],
                ])
            #expect(status == .ok)
            #expect(body["TrailARN"] as? String == Self.arn)
            let advanced: [[String: Any]] = [
                [
                    "Name": "writes",
                    "FieldSelectors": [
                        ["Field": "eventCategory", "Equals": ["Data"]], ["Field": "resources.type", "Equals": ["AWS::S3::Object"]],
                        ["Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::acme/"], "NotEndsWith": [".tmp"]],
                    ],
                ]
            ]
            (status, body) = try await client.cloudTrail("PutEventSelectors", ["TrailName": Self.arn, "AdvancedEventSelectors": advanced])
            #expect(status == .ok)
            (_, body) = try await client.cloudTrail("GetEventSelectors", ["TrailName": "audit"])
            let stored = try #require(body["AdvancedEventSelectors"] as? [[String: Any]])
            let fields = try #require(stored.first?["FieldSelectors"] as? [[String: Any]])
            #expect(fields.last?["NotEndsWith"] as? [String] == [".tmp"])
            #expect(body["EventSelectors"] == nil)
            (_, body) = try await client.cloudTrail("GetTrail", ["Name": "audit"])
            #expect((body["Trail"] as? [String: Any])?["HasCustomEventSelectors"] as? Bool == true)

            for bad: [String: Any] in [
                ["TrailName": "audit"],
                ["TrailName": "audit", "EventSelectors": [[String: Any]](), "AdvancedEventSelectors": advanced],
                ["TrailName": "audit", "EventSelectors": [["ReadWriteType": "Sometimes"]]],
                ["TrailName": "audit", "AdvancedEventSelectors": [["FieldSelectors": [["Field": "eventName", "Equals": ["X"]]]]]],
            ] {
                (status, body) = try await client.cloudTrail("PutEventSelectors", bad)
                #expect(status == .badRequest)
                #expect(body["__type"] as? String == "InvalidEventSelectorsException")
            }
        }
    }

    @Test("AddTags, ListTags, RemoveTags")
    func tags() async throws {
        let api = TestAPI()
        try await api.objects.createBucket("audit-logs", region: "us-east-1")
        try await api.test { client in
            _ = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": "audit-logs"])
            var (status, body) = try await client.cloudTrail(
                "AddTags", ["ResourceId": Self.arn, "TagsList": [["Key": "env", "Value": "prod"], ["Key": "team", "Value": "sec"]]])
            #expect(status == .ok)
            _ = try await client.cloudTrail("RemoveTags", ["ResourceId": Self.arn, "TagsList": [["Key": "team"]]])
            (_, body) = try await client.cloudTrail("ListTags", ["ResourceIdList": [Self.arn]])
            let list = try #require(body["ResourceTagList"] as? [[String: Any]])
            #expect((list.first?["TagsList"] as? [[String: Any]])?.map { $0["Key"] as? String } == ["env"])
            (_, body) = try await client.cloudTrail("AddTags", ["ResourceId": "audit", "TagsList": [["Key": "a"]]])
            #expect(body["__type"] as? String == "CloudTrailARNInvalidException")
            (_, body) = try await client.cloudTrail(
                "AddTags", ["ResourceId": "arn:aws:cloudtrail:us-east-1:111122223333:trail/missing", "TagsList": [["Key": "a"]]])
            #expect(body["__type"] as? String == "ResourceNotFoundException")
        }
    }

    @Test("termination protection: the reserved tag refuses DeleteTrail until it is removed")
    func terminationProtection() async throws {
        let api = TestAPI()
        try await api.objects.createBucket("audit-logs", region: "us-east-1")
        try await api.test { client in
            _ = try await client.cloudTrail("CreateTrail", ["Name": "audit", "S3BucketName": "audit-logs"])
            let tag = Trail.terminationProtectionTag
            var (status, body) = try await client.cloudTrail(
                "AddTags", ["ResourceId": Self.arn, "TagsList": [["Key": tag, "Value": "yes"]]])
            #expect(body["__type"] as? String == "InvalidTagParameterException")
            (status, _) = try await client.cloudTrail("AddTags", ["ResourceId": Self.arn, "TagsList": [["Key": tag, "Value": "true"]]])
            #expect(status == .ok)
            (status, body) = try await client.cloudTrail("DeleteTrail", ["Name": "audit"])
            #expect(status == .badRequest)
            #expect(body["__type"] as? String == "OperationNotPermittedException")
            #expect((body["message"] as? String)?.contains(tag) == true)
            #expect(try await api.deliverer.catalog.trail("audit", accountID: TestAPI.account).terminationProtectionEnabled)
            // Setting it false, or removing the tag, lifts the protection.
            _ = try await client.cloudTrail("AddTags", ["ResourceId": Self.arn, "TagsList": [["Key": tag, "Value": "false"]]])
            #expect(try await !api.deliverer.catalog.trail("audit", accountID: TestAPI.account).terminationProtectionEnabled)
            _ = try await client.cloudTrail("AddTags", ["ResourceId": Self.arn, "TagsList": [["Key": tag, "Value": "true"]]])
            _ = try await client.cloudTrail("RemoveTags", ["ResourceId": Self.arn, "TagsList": [["Key": tag]]])
            (status, _) = try await client.cloudTrail("DeleteTrail", ["Name": "audit"])
            #expect(status == .ok)
            // Protected from the start.
            (status, _) = try await client.cloudTrail(
                "CreateTrail", ["Name": "sealed", "S3BucketName": "audit-logs", "TagsList": [["Key": tag, "Value": "true"]]])
            #expect(status == .ok)
            (_, body) = try await client.cloudTrail("DeleteTrail", ["Name": "sealed"])
            #expect(body["__type"] as? String == "OperationNotPermittedException")
        }
    }

    @Test("ListPublicKeys serves PKCS#1 keys with validity windows and checks the range")
    func publicKeys() async throws {
        let api = TestAPI()
        _ = try await api.deliverer.keys.currentKey(region: "us-east-1", at: 1_700_000_000)
        try await api.test { client in
            var (status, body) = try await client.cloudTrail(
                "ListPublicKeys", ["StartTime": 1_699_990_000, "EndTime": 1_700_010_000])
            #expect(status == .ok)
            let keys = try #require(body["PublicKeyList"] as? [[String: Any]])
            #expect(keys.count == 1)
            #expect((keys[0]["Value"] as? String)?.hasPrefix("MIIBCgKCAQEA") == true)
            #expect(keys[0]["ValidityStartTime"] as? Int == 1_700_000_000)
            #expect((keys[0]["Fingerprint"] as? String)?.count == 32)
            (_, body) = try await client.cloudTrail("ListPublicKeys", ["StartTime": 1_600_000_000, "EndTime": 1_600_000_100])
            #expect((body["PublicKeyList"] as? [Any])?.isEmpty == true)
            (_, body) = try await client.cloudTrail("ListPublicKeys", [:], region: "eu-west-1")
            #expect((body["PublicKeyList"] as? [Any])?.isEmpty == true, "keys are per region")
            (status, body) = try await client.cloudTrail("ListPublicKeys", ["StartTime": 1_700_000_100, "EndTime": 1_700_000_000])
            #expect(body["__type"] as? String == "InvalidTimeRangeException")
        }
    }

    @Test("organization trails need an organization; DescribeOrganization serves its ID")
    func organization() async throws {
        let api = TestAPI(organizationID: "o-exampleorgid")
        try await api.objects.createBucket("audit-logs", region: "us-east-1")
        try await api.test { client in
            var (status, body) = try await client.cloudTrail(
                "CreateTrail", ["Name": "org", "S3BucketName": "audit-logs", "IsOrganizationTrail": true, "IsMultiRegionTrail": true])
            #expect(status == .ok)
            #expect(body["IsOrganizationTrail"] as? Bool == true)
            let trail = await api.deliverer.catalog.all().first
            #expect(trail?.keyLayout.folder(.digest, account: "111122223333", region: "us-east-1") == "AWSLogs/o-exampleorgid/111122223333/CloudTrail-Digest/us-east-1")
            (status, body) = try await client.awsJSON(target: "AWSOrganizationsV20161128.DescribeOrganization", [:])
            #expect(status == .ok)
            #expect((body["Organization"] as? [String: Any])?["Id"] as? String == "o-exampleorgid")
        }
        try await TestAPI().test { client in
            let (_, body) = try await client.awsJSON(target: "AWSOrganizationsV20161128.DescribeOrganization", [:])
            #expect(body["__type"] as? String == "AWSOrganizationsNotInUseException")
        }
    }
}
