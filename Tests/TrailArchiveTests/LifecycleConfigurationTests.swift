import Foundation
import ObjectStorage
import Testing

@testable import TrailArchive

@Suite struct LifecycleConfigurationTests {
    static let production = """
        <?xml version="1.0" encoding="UTF-8"?>
        <LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Rule>
            <ID>logs</ID>
            <Filter><Prefix>AWSLogs/</Prefix></Filter>
            <Status>Enabled</Status>
            <Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>
            <Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>
            <Transition><Days>365</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>
            <Expiration><Days>2555</Days></Expiration>
            <NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>
            <AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>
          </Rule>
          <Rule>
            <Filter><And><Prefix>tmp/</Prefix><Tag><Key>env</Key><Value>dev</Value></Tag><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></And></Filter>
            <Status>Disabled</Status>
            <Expiration><Date>2030-01-01T00:00:00.000Z</Date></Expiration>
          </Rule>
          <Rule><ID>legacy</ID><Prefix>old/</Prefix><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>
        </LifecycleConfiguration>
        """

    @Test func parsesS3XMLAndWritesItBack() throws {
        let configuration = try LifecycleConfiguration(xml: Data(Self.production.utf8))
        try configuration.validate()
        #expect(configuration.rules.count == 3)
        let logs = configuration.rules[0]
        #expect(logs.id == "logs")
        #expect(logs.filter == LifecycleRule.Filter(prefix: "AWSLogs/"))
        #expect(logs.transitions.map(\.storageClass) == [.standardIA, .glacier, .deepArchive])
        #expect(logs.transitions.map(\.timing) == [.days(30), .days(90), .days(365)])
        #expect(logs.expiration == LifecycleRule.Expiration(.days(2555)))
        #expect(logs.noncurrentVersionExpiration == .init(noncurrentDays: 30, newerNoncurrentVersions: 2))
        #expect(logs.abortIncompleteMultipartUploadDays == 7)
        let tagged = configuration.rules[1]
        #expect(!tagged.id.isEmpty)
        #expect(tagged.status == .disabled)
        #expect(tagged.filter.tags == [LifecycleRule.Tag(key: "env", value: "dev")])
        #expect(tagged.filter.objectSizeGreaterThan == 10)
        #expect(tagged.expiration?.timing == .date(Date(timeIntervalSince1970: 1_893_456_000)))
        #expect(configuration.rules[2].filter.isRulePrefix)
        #expect(configuration.rules[2].expiration?.expiredObjectDeleteMarker == true)

        // What GetBucketLifecycleConfiguration answers reads back to the same configuration.
        let again = try LifecycleConfiguration(xml: Data(configuration.xml.utf8))
        #expect(again == configuration)
        #expect(configuration.xml.contains("<Filter><And><Prefix>tmp/</Prefix><Tag><Key>env</Key><Value>dev</Value></Tag>"))
        #expect(configuration.xml.contains("<Rule><ID>legacy</ID><Prefix>old/</Prefix><Status>Enabled</Status>"))
        #expect(configuration.xml.contains("<Date>2030-01-01T00:00:00.000Z</Date>"))
    }

    @Test func readsTheAWSCLIJSONForm() throws {
        let json = """
            {"Rules": [{"ID": "logs", "Filter": {"Prefix": "AWSLogs/"}, "Status": "Enabled",
              "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"},
                              {"Days": 365, "StorageClass": "DEEP_ARCHIVE"}],
              "Expiration": {"Days": 2555},
              "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2},
              "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
             {"ID": "dated", "Filter": {"And": {"Prefix": "tmp/", "Tags": [{"Key": "env", "Value": "dev"}]}},
              "Status": "Disabled", "Expiration": {"Date": "2030-01-01"}}]}
            """
        let configuration = try LifecycleConfiguration(json: Data(json.utf8))
        try configuration.validate()
        let fromXML = try LifecycleConfiguration(xml: Data(Self.production.utf8))
        #expect(configuration.rules[0] == fromXML.rules[0])
        #expect(configuration.rules[1].filter == LifecycleRule.Filter(prefix: "tmp/", tags: [.init(key: "env", value: "dev")]))
        #expect(configuration.rules[1].expiration?.timing == .date(Date(timeIntervalSince1970: 1_893_456_000)))
        #expect(throws: LifecycleConfigurationError.self) { try LifecycleConfiguration(json: Data(#"{"rules": []}"#.utf8)) }
    }

    /// A configuration with one rule whose body is `inner` (ID, Filter and Status given).
    static func rule(_ inner: String, filter: String = "<Filter><Prefix>logs/</Prefix></Filter>") -> String {
        "<LifecycleConfiguration><Rule><ID>r</ID>\(filter)<Status>Enabled</Status>\(inner)</Rule></LifecycleConfiguration>"
    }

    static func error(_ xml: String) -> LifecycleConfigurationError? {
        do {
            try LifecycleConfiguration(xml: Data(xml.utf8)).validate()
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        // Not S3's schema.
        ("not xml", "MalformedXML", ""),
        ("<LifecycleConfiguration/>", "MalformedXML", ""),
        ("<LifecycleConfiguration><Rule><ID>r</ID><Filter/><Status>On</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>",
         "MalformedXML", ""),
        ("<LifecycleConfiguration><Rule><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>",
         "MalformedXML", ""),
        (rule("<Expiration><Days>1</Days></Expiration>", filter: "<Filter><Prefix>a</Prefix></Filter><Prefix>a</Prefix>"), "MalformedXML", ""),
        (rule("<Expiration><Days>1</Days></Expiration>", filter: "<Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"),
         "MalformedXML", ""),
        (rule("<Expiration><Days>1</Days></Expiration>", filter: "<Filter><And><Prefix>a</Prefix></And></Filter>"), "MalformedXML", ""),
        (rule("<Transition><Days>30</Days><StorageClass>STANDARD</StorageClass></Transition>"), "MalformedXML", ""),
        (rule("<Transition><Days>30</Days><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition>"), "MalformedXML", ""),
        (rule("<Expiration><Days>10</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"), "MalformedXML", ""),
        (rule("<Expiration><Days>ten</Days></Expiration>"), "MalformedXML", ""),
        (rule("<Expiration><Days>1</Days></Expiration><Colour>red</Colour>"), "MalformedXML", ""),
        (rule("<NoncurrentVersionExpiration><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration>"), "MalformedXML", ""),
        // Values S3 refuses.
        (rule(""), "InvalidRequest", "At least one action needs to be specified in a rule"),
        (rule("<Expiration><Days>0</Days></Expiration>"), "InvalidArgument", "'Days' for Expiration action must be a positive integer"),
        (rule("<Transition><Days>29</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"),
         "InvalidArgument", "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'"),
        (rule("<Transition><Days>10</Days><StorageClass>ONEZONE_IA</StorageClass></Transition>"),
         "InvalidArgument", "greater than or equal to 30 for storageClass 'ONEZONE_IA'"),
        (rule("<Transition><Days>-1</Days><StorageClass>GLACIER</StorageClass></Transition>"), "InvalidArgument", "must be nonnegative"),
        (rule("<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Transition><Days>45</Days><StorageClass>GLACIER</StorageClass></Transition>"),
         "InvalidArgument", "'Days' in the Transition action for StorageClass 'GLACIER' for filter '(prefix=logs/)' must be 30 days more than 'Days' in the Transition action for StorageClass 'STANDARD_IA'"),
        (rule("<Transition><Days>90</Days><StorageClass>GLACIER_IR</StorageClass></Transition><Transition><Days>60</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>"),
         "InvalidArgument", "for StorageClass 'DEEP_ARCHIVE' for filter '(prefix=logs/)' must be greater than 'Days' in the Transition action for StorageClass 'GLACIER_IR'"),
        (rule("<Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition><Transition><Days>60</Days><StorageClass>GLACIER</StorageClass></Transition>"),
         "InvalidArgument", "'StorageClass' must be different for 'Transition' actions in same 'Rule'"),
        (rule("<Transition><Days>100</Days><StorageClass>GLACIER</StorageClass></Transition><Expiration><Days>100</Days></Expiration>"),
         "InvalidArgument", "'Days' in the Expiration action for filter '(prefix=logs/)' must be greater than 'Days' in the Transition action"),
        (rule("<Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition><Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>"),
         "InvalidRequest", "Found mixed 'Date' and 'Days' based Transition actions"),
        (rule("<Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition><Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration>"),
         "InvalidRequest", "Found mixed 'Date' and 'Days' based Expiration and Transition actions"),
        (rule("<Expiration><Date>2030-01-01T12:00:00Z</Date></Expiration>"), "InvalidArgument", "'Date' must be at midnight GMT"),
        (rule("<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>"),
         "InvalidArgument", "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"),
        (rule("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>101</NewerNoncurrentVersions></NoncurrentVersionExpiration>"),
         "InvalidArgument", "NewerNoncurrentVersions"),
        (rule("<AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload>"),
         "InvalidArgument", "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"),
        (rule("<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>",
              filter: "<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"), "InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags"),
        (rule("<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>",
              filter: "<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"), "InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with Tags"),
        (rule("<Expiration><Days>1</Days></Expiration>",
              filter: "<Filter><And><Tag><Key>k</Key><Value>v</Value></Tag><Tag><Key>k</Key><Value>w</Value></Tag></And></Filter>"),
         "InvalidArgument", "Duplicate Tag Keys are not allowed."),
        (rule("<Expiration><Days>1</Days></Expiration>",
              filter: "<Filter><And><ObjectSizeGreaterThan>100</ObjectSizeGreaterThan><ObjectSizeLessThan>100</ObjectSizeLessThan></And></Filter>"),
         "InvalidArgument", "'ObjectSizeGreaterThan' must be less than 'ObjectSizeLessThan'"),
        ("<LifecycleConfiguration><Rule><ID>\(String(repeating: "x", count: 256))</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>",
         "InvalidArgument", "ID length should not exceed allowed limit of 255"),
        ("<LifecycleConfiguration>" + String(repeating: "<Rule><ID>same</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>", count: 2)
            + "</LifecycleConfiguration>", "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule"),
    ])
    func refusesWhatS3Refuses(_ xml: String, _ code: String, _ message: String) {
        let error = Self.error(xml)
        #expect(error?.code.rawValue == code, "\(xml)")
        #expect(message.isEmpty || error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func acceptsWhatS3Accepts() throws {
        for inner in [
            // Days 0 into Glacier-class storage; IA at exactly 30; 30 days between IA and Glacier.
            "<Transition><Days>0</Days><StorageClass>GLACIER</StorageClass></Transition>",
            "<Transition><Days>0</Days><StorageClass>INTELLIGENT_TIERING</StorageClass></Transition>",
            "<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Transition><Days>60</Days><StorageClass>GLACIER</StorageClass></Transition>",
            "<Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition><Expiration><Date>2031-01-01T00:00:00Z</Date></Expiration>",
            "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>",
            "<Expiration><ExpiredObjectDeleteMarker>false</ExpiredObjectDeleteMarker></Expiration>",
        ] {
            #expect(Self.error(Self.rule(inner)) == nil, "\(inner)")
        }
        #expect(Self.error(Self.rule("<Expiration><Days>1</Days></Expiration>", filter: "<Filter></Filter>")) == nil)
        let many = (0..<1001).map { "<Rule><ID>r\($0)</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>" }
        #expect(Self.error("<LifecycleConfiguration>" + many.joined() + "</LifecycleConfiguration>")?.code == .malformedXML)
        #expect(Self.error("<LifecycleConfiguration>" + many.dropLast().joined() + "</LifecycleConfiguration>") == nil)
    }

    @Test func presetsAreTheSeedsRetention() throws {
        let production = LifecyclePreset.production.rule(prefix: "AWSLogs/")
        #expect(production.filter.prefix == "AWSLogs/")
        #expect(production.transitions == [.init(.days(30), to: .standardIA), .init(.days(90), to: .glacier), .init(.days(365), to: .deepArchive)])
        #expect(production.expiration == .init(.days(2555)))
        let development = LifecyclePreset.development.rule()
        #expect(development.transitions.isEmpty)
        #expect(development.expiration == .init(.days(90)))
        #expect(development.id == "trailkeeper-development")
        try LifecycleConfiguration(rules: [production, development]).validate()
    }

    @Test func readsTheLifecycleSectionOfTheServerConfiguration() throws {
        let settings = try LifecycleSettings(section: [
            "schedule": "rate(1 minute)", "age-from": "key-date", "concurrency": 3,
            "transition-default-minimum-object-size": "varies_by_storage_class",
            "rules": [
                ["bucket": "audit-logs", "preset": "production", "prefix": "AWSLogs/"],
                [
                    "bucket": "audit-logs", "id": "digests", "prefix": "digests/",
                    "transitions": [["days": 0, "storage-class": "GLACIER"]], "expiration-days": 400, "noncurrent-days": 30,
                    "abort-incomplete-multipart-upload-days": 3, "status": "Disabled",
                ] as [String: Any],
                ["bucket": "dev-logs", "preset": "development"],
                ["bucket": "dev-logs", "id": "tagged", "tags": ["env": "prod"], "expiration-days": 30, "object-size-greater-than": 5],
            ] as [Any],
        ])
        #expect(settings.schedule == (try Schedule("rate(1 minute)")))
        #expect(settings.ageFrom == .keyDate)
        #expect(settings.concurrency == 3)
        let audit = try #require(settings.configurations["audit-logs"])
        #expect(audit.transitionMinimumObjectSize == .variesByStorageClass)
        #expect(audit.rules[0] == LifecyclePreset.production.rule(prefix: "AWSLogs/"))
        #expect(audit.rules[1].id == "digests")
        #expect(audit.rules[1].status == .disabled)
        #expect(audit.rules[1].transitions == [.init(.days(0), to: .glacier)])
        #expect(audit.rules[1].noncurrentVersionExpiration?.noncurrentDays == 30)
        let dev = try #require(settings.configurations["dev-logs"])
        #expect(dev.rules[0] == LifecyclePreset.development.rule())
        #expect(dev.rules[1].filter == LifecycleRule.Filter(tags: [.init(key: "env", value: "prod")], objectSizeGreaterThan: 5))
        #expect(dev.rules[1].expiration == .init(.days(30)))

        func failure(_ section: [String: Any]) -> String {
            do {
                _ = try LifecycleSettings(section: section)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(failure(["colour": "red"]).contains("unknown key 'colour'"))
        #expect(failure(["schedule": "every day"]).contains("invalid schedule expression"))
        #expect(failure(["rules": [["preset": "production"]]]).contains("needs a valid bucket"))
        #expect(failure(["rules": [["bucket": "b-1", "preset": "staging"]]]).contains("production or development"))
        #expect(failure(["rules": [["bucket": "b-1", "preset": "production", "expiration-days": 9]]]).contains("cannot also set"))
        #expect(failure(["rules": [["bucket": "b-1", "transitions": [["days": 10, "storage-class": "STANDARD_IA"]]]]])
            .contains("bucket b-1: 'Days' in Transition action must be greater than or equal to 30"))
        #expect(failure(["rules": [["bucket": "b-1", "prefix": "x"]]]).contains("At least one action"))
        #expect(failure(["rules": [["bucket": "b-1", "tags": ["a": "b"], "abort-incomplete-multipart-upload-days": 3]]])
            .contains("AbortIncompleteMultipartUpload cannot be specified with Tags"))
    }
}
