import AWSWire
import Foundation
import Testing

@Suite struct AWSConfigurationTests {
    func files(_ credentials: String, _ config: String) throws -> (String, String) {
        let dir = NSTemporaryDirectory() + "tk-aws-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try credentials.write(toFile: dir + "/credentials", atomically: true, encoding: .utf8)
        try config.write(toFile: dir + "/config", atomically: true, encoding: .utf8)
        return (dir + "/credentials", dir + "/config")
    }

    @Test func environmentBeatsProfiles() throws {
        let (c, f) = try files("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = filesecret\n", "")
        let env = ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SESSION_TOKEN": "tok",
                   "AWS_SHARED_CREDENTIALS_FILE": c, "AWS_CONFIG_FILE": f]
        let config = AWSConfiguration(environment: env)
        #expect(config.credentials == .init(accessKeyID: "AKIAENV", secretAccessKey: "envsecret", sessionToken: "tok"))
        #expect(config.region == "us-east-1")
    }

    @Test func profilesRegionsAndEndpoints() throws {
        let (c, f) = try files(
            "[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = d\n\n[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = p\n",
            "[default]\nregion = eu-central-1\n[profile prod]\nregion = ap-south-1\nendpoint_url = http://profile.local\n")
        let base = ["AWS_SHARED_CREDENTIALS_FILE": c, "AWS_CONFIG_FILE": f]
        let def = AWSConfiguration(environment: base)
        #expect(def.credentials?.accessKeyID == "AKIADEF")
        #expect(def.region == "eu-central-1")
        #expect(def.endpoint(for: "S3") == nil)
        var env = base
        env["AWS_PROFILE"] = "prod"
        let prod = AWSConfiguration(environment: env)
        #expect(prod.credentials?.accessKeyID == "AKIAPROD")
        #expect(prod.region == "ap-south-1")
        #expect(prod.endpoint(for: "S3") == "http://profile.local")
        env["AWS_REGION"] = "sa-east-1"
        env["AWS_ENDPOINT_URL"] = "http://all.local"
        env["AWS_ENDPOINT_URL_CLOUDTRAIL_DATA"] = "http://ctd.local"
        let overridden = AWSConfiguration(environment: env)
        #expect(overridden.region == "sa-east-1")
        #expect(overridden.endpoint(for: "CloudTrail Data") == "http://ctd.local")
        #expect(overridden.endpoint(for: "SQS") == "http://all.local")
    }

    @Test func noCredentialsAnywhere() {
        let config = AWSConfiguration(environment: ["AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent"])
        #expect(config.credentials == nil)
    }
}

@Suite struct S3ClientParsingTests {
    @Test func keysAreEncodedAsS3Expects() {
        #expect(S3Client.encodeKey("AWSLogs/123/a b+c=d~é.json") == "AWSLogs/123/a%20b%2Bc%3Dd~%C3%A9.json")
    }

    @Test func errorsParse() {
        let xml = Data("<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The bucket does not exist</Message><RequestId>R1</RequestId></Error>".utf8)
        let e = AWSError(xml: xml, status: 404)
        #expect(e.code == "NoSuchBucket" && e.message == "The bucket does not exist" && e.requestID == "R1")
        let json = AWSError(json: Data(#"{"__type":"com.amazonaws#ThrottlingException","message":"slow down"}"#.utf8), status: 400)
        #expect(json.code == "ThrottlingException" && json.isRetryable)
    }
}
