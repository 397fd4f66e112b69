import AWSWire
import Foundation
import Testing

@Suite struct AWSConfigurationTests {
    /// A temporary home with `.aws/credentials` and `.aws/config`; removed by `cleanUp`.
    struct Home {
        let path: String

        init(credentials: String, config: String) throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("tk-aws-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path + "/.aws", withIntermediateDirectories: true)
            try Data(credentials.utf8).write(to: URL(fileURLWithPath: path + "/.aws/credentials"))
            try Data(config.utf8).write(to: URL(fileURLWithPath: path + "/.aws/config"))
        }

        var environment: [String: String] { ["HOME": path] }

        func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
    }

    static let credentials = """
        [default]
        aws_access_key_id = AKIADEFAULT
        aws_secret_access_key = default-secret

        [prod]
        aws_access_key_id=AKIAPROD
        aws_secret_access_key=prod-secret
        aws_session_token = prod-token
        """

    static let config = """
        # comment
        [default]
        region = eu-central-1

        [profile prod]
        region: ap-south-1
        endpoint_url = http://profile.local:4566
        services = local

        [profile config-only]
        aws_access_key_id = AKIACONFIG
        aws_secret_access_key = config-secret
        s3 =
            addressing_style = path

        [services local]
        cloudtrail_data =
          endpoint_url = http://ctd.services.local
        """

    @Test func environmentCredentialsWinOverFiles() throws {
        let home = try Home(credentials: Self.credentials, config: Self.config)
        defer { home.cleanUp() }
        var environment = home.environment
        environment["AWS_ACCESS_KEY_ID"] = "AKIAENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        environment["AWS_SESSION_TOKEN"] = "env-token"
        let configuration = AWSConfiguration(environment: environment)
        #expect(
            configuration.credentials
                == .init(accessKeyID: "AKIAENV", secretAccessKey: "env-secret", sessionToken: "env-token")
        )
        #expect(configuration.region == "eu-central-1")
        #expect(configuration.profile == "default")
    }

    @Test func aKeyWithoutItsSecretFallsBackToTheProfile() throws {
        let home = try Home(credentials: Self.credentials, config: Self.config)
        defer { home.cleanUp() }
        var environment = home.environment
        environment["AWS_ACCESS_KEY_ID"] = "AKIAENV"
        #expect(AWSConfiguration(environment: environment).credentials?.accessKeyID == "AKIADEFAULT")
    }

    @Test func profilesComeFromTheCredentialsThenTheConfigFile() throws {
        let home = try Home(credentials: Self.credentials, config: Self.config)
        defer { home.cleanUp() }
        let byDefault = AWSConfiguration(environment: home.environment)
        #expect(byDefault.credentials == .init(accessKeyID: "AKIADEFAULT", secretAccessKey: "default-secret"))
        #expect(byDefault.region == "eu-central-1")

        var environment = home.environment
        environment["AWS_PROFILE"] = "prod"
        let prod = AWSConfiguration(environment: environment)
        #expect(prod.profile == "prod")
        #expect(
            prod.credentials
                == .init(accessKeyID: "AKIAPROD", secretAccessKey: "prod-secret", sessionToken: "prod-token")
        )
        #expect(prod.region == "ap-south-1")

        environment["AWS_PROFILE"] = "config-only"
        let configOnly = AWSConfiguration(environment: environment)
        #expect(configOnly.credentials?.accessKeyID == "AKIACONFIG")
        #expect(configOnly.region == "us-east-1")

        environment["AWS_PROFILE"] = "missing"
        #expect(AWSConfiguration(environment: environment).credentials == nil)
    }

    @Test func regionPrecedence() throws {
        let home = try Home(credentials: Self.credentials, config: Self.config)
        defer { home.cleanUp() }
        var environment = home.environment
        environment["AWS_DEFAULT_REGION"] = "us-west-1"
        #expect(AWSConfiguration(environment: environment).region == "us-west-1")
        environment["AWS_REGION"] = "sa-east-1"
        #expect(AWSConfiguration(environment: environment).region == "sa-east-1")
        environment["AWS_REGION"] = ""
        #expect(AWSConfiguration(environment: environment).region == "us-west-1")
    }

    @Test func explicitFilePathsAndNoFilesAtAll() throws {
        let home = try Home(credentials: Self.credentials, config: Self.config)
        defer { home.cleanUp() }
        let elsewhere = AWSConfiguration(environment: [
            "HOME": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": home.path + "/.aws/credentials",
            "AWS_CONFIG_FILE": home.path + "/.aws/config", "AWS_PROFILE": "prod",
        ])
        #expect(elsewhere.credentials?.accessKeyID == "AKIAPROD")
        #expect(elsewhere.region == "ap-south-1")

        let nothing = AWSConfiguration(environment: ["HOME": "/nonexistent"])
        #expect(nothing.credentials == nil)
        #expect(nothing.region == "us-east-1")
        #expect(nothing.endpoint(for: "S3") == nil)
    }

    @Test func endpointPrecedence() throws {
        let home = try Home(credentials: Self.credentials, config: Self.config)
        defer { home.cleanUp() }
        var environment = home.environment
        #expect(AWSConfiguration(environment: environment).endpoint(for: "S3") == nil)

        environment["AWS_PROFILE"] = "prod"
        var configuration = AWSConfiguration(environment: environment)
        #expect(configuration.endpoint(for: "S3") == "http://profile.local:4566")
        #expect(configuration.endpoint(for: "CloudTrail Data") == "http://ctd.services.local")

        environment["AWS_ENDPOINT_URL"] = "http://all.local"
        configuration = AWSConfiguration(environment: environment)
        #expect(configuration.endpoint(for: "S3") == "http://all.local")
        #expect(configuration.endpoint(for: "CloudTrail Data") == "http://ctd.services.local")

        environment["AWS_ENDPOINT_URL_S3"] = "http://s3.local:9000"
        environment["AWS_ENDPOINT_URL_CLOUDTRAIL_DATA"] = "http://ctd.env.local"
        configuration = AWSConfiguration(environment: environment)
        #expect(configuration.endpoint(for: "S3") == "http://s3.local:9000")
        #expect(configuration.endpoint(for: "CloudTrail Data") == "http://ctd.env.local")
        #expect(configuration.endpoint(for: "CloudTrail") == "http://all.local")

        environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true"
        #expect(AWSConfiguration(environment: environment).endpoint(for: "S3") == nil)
    }

    @Test func descriptionsShowNoSecret() throws {
        let configuration = AWSConfiguration(environment: [
            "HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "very-secret-value",
            "AWS_SESSION_TOKEN": "very-secret-token",
        ])
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in ["\(configuration)", String(reflecting: configuration), dumped] {
            #expect(text.contains("AKIAENV"))
            #expect(!text.contains("very-secret"))
        }
    }
}

@Suite struct AWSConfigFileTests {
    @Test func parsesTheINIDialectOfTheAWSFiles() {
        let file = AWSConfigFile(
            parsing: """
                ; a comment
                [default]
                Region = us-east-1
                output:json
                empty =

                [profile  spaced ]
                s3 =
                    addressing_style = path
                    max_concurrent_requests=20
                cli_history = enabled # stays in the value, as configparser keeps it
                [default]
                region = eu-west-1
                """
        )
        #expect(file["default"]?["region"] == "eu-west-1")
        #expect(file["default"]?["output"] == "json")
        #expect(file["default"]?["empty"] == "")
        #expect(file.configProfile("spaced")?["s3.addressing_style"] == "path")
        #expect(file.configProfile("spaced")?["s3.max_concurrent_requests"] == "20")
        #expect(
            file.configProfile("spaced")?["cli_history"] == "enabled # stays in the value, as configparser keeps it"
        )
        #expect(file.configProfile("default")?["output"] == "json")
        #expect(file["nonexistent"] == nil)
    }

    @Test func aProfileSectionWinsOverTheBareDefault() {
        let file = AWSConfigFile(parsing: "[default]\nregion = a\noutput = text\n[profile default]\nregion = b\n")
        #expect(file.configProfile("default")?["region"] == "b")
        #expect(file.configProfile("default")?["output"] == "text")
        #expect(AWSConfigFile(parsing: "[prod]\nregion = x\n").configProfile("prod") == nil)
    }

    @Test func aMissingFileIsNil() {
        #expect(AWSConfigFile(contentsOfFile: "/nonexistent/credentials") == nil)
    }
}
