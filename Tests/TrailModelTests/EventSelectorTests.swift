import Foundation
import Testing
import TrailModel
import TrailTesting

@Suite("Event selectors")
struct EventSelectorTests {
    struct Document: Decodable {
        var EventSelectors: [BasicEventSelector]?
        var AdvancedEventSelectors: [AdvancedEventSelector]?
    }

    static let documented: [String] = {
        let dir = Bundle.module.url(forResource: "selectors", withExtension: nil, subdirectory: "Resources")!
        return (try! FileManager.default.contentsOfDirectory(atPath: dir.path)).filter { $0.hasSuffix(".json") }.sorted()
    }()

    @Test("every documented trail selector decodes and validates", arguments: documented)
    func documentedSelectors(_ name: String) throws {
        let url = try #require(Bundle.module.url(forResource: "selectors/" + name, withExtension: nil, subdirectory: "Resources"))
        let doc = try JSONDecoder().decode(Document.self, from: Data(contentsOf: url))
        if let basic = doc.EventSelectors {
            try EventSelection.basic(basic).validate()
        } else if let advanced = doc.AdvancedEventSelectors, !advanced.isEmpty {
            try EventSelection.advanced(advanced).validate()
        }
    }

    let reader = RecordFieldReader()

    @Test("the default selection takes management events only")
    func defaultSelection() {
        let management = RecordFixtures.record(time: 1_700_000_000)
        let data = RecordFixtures.record(
            time: 1_700_000_000, name: "GetObject", source: "s3.amazonaws.com", management: false,
            resources: [(type: "AWS::S3::Object", arn: "arn:aws:s3:::acme/a.txt")])
        #expect(EventSelection.default.matches(management, reader: reader))
        #expect(!EventSelection.default.matches(data, reader: reader))
    }

    @Test("basic selectors: read/write type, excluded sources, data resource prefixes")
    func basic() {
        let read = RecordFixtures.record(time: 1, readOnly: true)
        let write = RecordFixtures.record(time: 1, name: "RunInstances", readOnly: false)
        let kms = RecordFixtures.record(time: 1, name: "Decrypt", source: "kms.amazonaws.com")
        let object = RecordFixtures.record(
            time: 1, name: "PutObject", source: "s3.amazonaws.com", readOnly: false, management: false,
            resources: [(type: "AWS::S3::Object", arn: "arn:aws:s3:::acme/logs/a.txt"), (type: "AWS::S3::Bucket", arn: "arn:aws:s3:::acme")])
        let writeOnly = EventSelection.basic([BasicEventSelector(readWriteType: .writeOnly)])
        #expect(!writeOnly.matches(read, reader: reader))
        #expect(writeOnly.matches(write, reader: reader))
        let noKMS = EventSelection.basic([BasicEventSelector(excludeManagementEventSources: ["kms.amazonaws.com"])])
        #expect(!noKMS.matches(kms, reader: reader))
        #expect(noKMS.matches(read, reader: reader))
        func s3(_ value: String) -> EventSelection {
            .basic([BasicEventSelector(includeManagementEvents: false, dataResources: [.init(type: "AWS::S3::Object", values: [value])])])
        }
        #expect(s3("arn:aws:s3").matches(object, reader: reader))
        #expect(s3("arn:aws:s3:::acme/").matches(object, reader: reader))
        #expect(s3("arn:aws:s3:::acme/logs/").matches(object, reader: reader))
        #expect(!s3("arn:aws:s3:::other/").matches(object, reader: reader))
        #expect(!s3("arn:aws:s3").matches(read, reader: reader))
        let lambda = RecordFixtures.record(
            time: 1, name: "Invoke", source: "lambda.amazonaws.com", readOnly: false, management: false,
            resources: [(type: "AWS::Lambda::Function", arn: "arn:aws:lambda:us-east-1:111122223333:function:f1")])
        func fn(_ value: String) -> EventSelection {
            .basic([BasicEventSelector(dataResources: [.init(type: "AWS::Lambda::Function", values: [value])])])
        }
        #expect(fn("arn:aws:lambda").matches(lambda, reader: reader))
        #expect(fn("arn:aws:lambda:us-east-1:111122223333:function:f1").matches(lambda, reader: reader))
        #expect(!fn("arn:aws:lambda:us-east-1:111122223333:function:f").matches(lambda, reader: reader))
    }

    @Test("advanced selectors: AND of fields, OR of selectors, negative operators, lazily read fields")
    func advanced() throws {
        let put = RecordFixtures.record(
            time: 1, name: "PutObject", source: "s3.amazonaws.com", userName: "bob", readOnly: false, management: false,
            resources: [(type: "AWS::S3::Object", arn: "arn:aws:s3:::acme/a.txt")])
        let ownLog = RecordFixtures.record(
            time: 1, name: "PutObject", source: "s3.amazonaws.com", readOnly: false, management: false,
            resources: [(type: "AWS::S3::Object", arn: "arn:aws:s3:::audit-logs/x.json.gz")])
        let get = RecordFixtures.record(
            time: 1, name: "GetObject", source: "s3.amazonaws.com", readOnly: true, management: false,
            resources: [(type: "AWS::S3::Object", arn: "arn:aws:s3:::acme/a.txt")])
        let json = #"""
            [{"Name":"S3 writes except our own log bucket","FieldSelectors":[
              {"Field":"eventCategory","Equals":["Data"]},
              {"Field":"resources.type","Equals":["AWS::S3::Object"]},
              {"Field":"readOnly","Equals":["false"]},
              {"Field":"resources.ARN","NotStartsWith":["arn:aws:s3:::audit-logs/"]}]}]
            """#
        let selection = EventSelection.advanced(try JSONDecoder().decode([AdvancedEventSelector].self, from: Data(json.utf8)))
        try selection.validate()
        #expect(selection.matches(put, reader: reader))
        #expect(!selection.matches(ownLog, reader: reader))
        #expect(!selection.matches(get, reader: reader))
        #expect(!selection.matches(RecordFixtures.record(time: 1), reader: reader))
        let byUser = EventSelection.advanced([
            AdvancedEventSelector(fieldSelectors: [
                AdvancedFieldSelector(field: "eventCategory", conditions: [.equals: ["Data"]]),
                AdvancedFieldSelector(field: "resources.type", conditions: [.equals: ["AWS::S3::Object"]]),
                AdvancedFieldSelector(field: "userIdentity.arn", conditions: [.endsWith: [":user/bob"]]),
            ])
        ])
        try byUser.validate()
        #expect(byUser.matches(put, reader: reader))
        #expect(!byUser.matches(get, reader: reader))
    }

    @Test("invalid selectors are refused with a reason")
    func invalid() {
        func refuses(_ s: EventSelection) -> Bool {
            do {
                try s.validate()
                return false
            } catch { return !error.description.isEmpty }
        }
        #expect(refuses(.basic([])))
        #expect(refuses(.basic(Array(repeating: BasicEventSelector(), count: 6))))
        #expect(refuses(.basic([BasicEventSelector(dataResources: [.init(type: "AWS::EC2::Snapshot", values: ["arn:aws:ec2"])])])))
        #expect(refuses(.basic([BasicEventSelector(excludeManagementEventSources: ["s3.amazonaws.com"])])))
        #expect(refuses(.advanced([AdvancedEventSelector(fieldSelectors: [AdvancedFieldSelector(field: "eventName", conditions: [.equals: ["X"]])])])))
        #expect(refuses(.advanced([AdvancedEventSelector(fieldSelectors: [AdvancedFieldSelector(field: "eventCategory", conditions: [.startsWith: ["Man"]])])])))
        #expect(refuses(.advanced([AdvancedEventSelector(fieldSelectors: [AdvancedFieldSelector(field: "eventCategory", conditions: [.equals: ["Data"]])])])))
        #expect(refuses(.advanced([AdvancedEventSelector(fieldSelectors: [
            AdvancedFieldSelector(field: "eventCategory", conditions: [.equals: ["Management"]]),
            AdvancedFieldSelector(field: "eventName", conditions: [.equals: ["CreateUser"]]),
        ])])))
        #expect(refuses(.advanced([AdvancedEventSelector(fieldSelectors: [
            AdvancedFieldSelector(field: "eventCategory", conditions: [.equals: ["Management"]]),
            AdvancedFieldSelector(field: "bogus.field", conditions: [.equals: ["x"]]),
        ])])))
    }

    @Test("trail names and ARNs follow CloudTrail's rules")
    func names() {
        #expect(TrailName.isValid("audit"))
        #expect(TrailName.isValid("My_Trail-1.prod"))
        #expect(!TrailName.isValid("ab"))
        #expect(!TrailName.isValid("my-_namex"))
        #expect(!TrailName.isValid("my--namex"))
        #expect(!TrailName.isValid("-trail"))
        #expect(!TrailName.isValid("192.168.5.4"))
        #expect(!TrailName.isValid(String(repeating: "a", count: 129)))
        #expect(TrailName.ARN("arn:aws:cloudtrail:us-east-1:111122223333:trail/audit")?.name == "audit")
        #expect(TrailName.ARN("arn:aws:cloudtrail:us-east-1:1111:trail/audit") == nil)
        #expect(TrailName.ARN("arn:aws:s3:::bucket") == nil)
    }
}
