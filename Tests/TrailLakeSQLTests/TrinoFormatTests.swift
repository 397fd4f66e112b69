import Testing
import TrailLakeSQL

@Suite struct TrinoFormatTests {
    @Test(arguments: [
        (0.6, "0.6"), (1.0, "1.0"), (8.82145e-5, "8.82145E-5"), (1e7, "1.0E7"), (1234567.5, "1234567.5"), (0.001, "0.001"),
        (0.0001, "1.0E-4"), (-2.5, "-2.5"), (0.0, "0.0"), (100.0, "100.0"), (1.2345678e10, "1.2345678E10"), (9999999.0, "9999999.0"),
        (Double.nan, "NaN"), (Double.infinity, "Infinity"), (-Double.infinity, "-Infinity"),
    ])
    func doublesAsJava(_ value: Double, _ expected: String) {
        #expect(TrinoFormat.double(value) == expected)
    }

    @Test func timestampsAndDates() {
        #expect(TrinoFormat.timestamp(milliseconds: 1_674_406_433_000) == "2023-01-22 16:53:53.000")
        #expect(TrinoFormat.timestamp(milliseconds: 1_674_406_433_007) == "2023-01-22 16:53:53.007")
        #expect(TrinoFormat.timestamp(milliseconds: 0) == "1970-01-01 00:00:00.000")
        #expect(TrinoFormat.timestamp(milliseconds: -1) == "1969-12-31 23:59:59.999")
        #expect(TrinoFormat.timestampWithTimeZone(milliseconds: 1_714_564_800_000) == "2024-05-01 12:00:00.000 UTC")
        #expect(TrinoFormat.date(days: 19_416) == "2023-02-28")
        #expect(TrinoFormat.date(days: 19_417) == "2023-03-01")
        #expect(TrinoFormat.date(days: 19_782) == "2024-02-29")
        #expect(TrinoFormat.boolean(true) == "true")
        for ms: Int64 in [0, 951_782_400_000, 1_674_406_433_123, 4_102_444_799_999] {
            #expect(TimestampLiteral.milliseconds(TrinoFormat.timestamp(milliseconds: ms)) == ms)
        }
    }

    @Test func mapsKeepNestedJSONText() {
        let json = #"{"bucketName":"b","key":"a/b.txt","ipPermissions":{"items":[{"ipProtocol":"tcp"}]},"n":5,"flag":true,"none":null}"#
        #expect(
            TrinoFormat.render(json: json, as: .map(.varchar, .varchar))
                == #"{bucketName=b, key=a/b.txt, ipPermissions={"items":[{"ipProtocol":"tcp"}]}, n=5, flag=true, none=null}"#
        )
        #expect(TrinoFormat.render(json: "{}", as: .map(.varchar, .varchar)) == "{}")
    }

    @Test func rowsFollowDeclaredFieldOrder() throws {
        let identity = try #require(LakeSchema.cloudTrail.column("useridentity"))
        let json = #"{"arn":"arn:aws:iam::1:user/bob","type":"IAMUser","userName":"bob","sessionContext":{"attributes":{"creationDate":"2023-01-22T16:00:00Z","mfaAuthenticated":"false"}}}"#
        let rendered = try #require(TrinoFormat.render(json: json, as: identity.type))
        #expect(rendered.hasPrefix("{type=IAMUser, principalid=null, arn=arn:aws:iam::1:user/bob, accountid=null, accesskeyid=null, username=bob, "))
        #expect(rendered.contains("sessioncontext={attributes={creationdate=2023-01-22 16:00:00.000, mfaauthenticated=false}, sessionissuer=null"))
    }

    @Test func arraysOfRows() throws {
        let resources = try #require(LakeSchema.cloudTrail.column("resources"))
        let json = #"[{"accountId":"111122223333","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b"}]"#
        #expect(TrinoFormat.render(json: json, as: resources.type) == "[{accountid=111122223333, type=AWS::S3::Bucket, arn=arn:aws:s3:::b, arnprefix=null}]")
    }

    @Test func jsonIsCompactOriginalTextAndBadJSONIsRefused() {
        #expect(TrinoFormat.render(json: #"{"a":[1,2]}"#, as: .json) == #"{"a":[1,2]}"#)
        #expect(TrinoFormat.render(json: #"{"a":"\u00e9\n"}"#, as: .map(.varchar, .varchar)) == "{a=é\n}")
        #expect(TrinoFormat.render(json: "{", as: .json) == nil)
        #expect(TrinoFormat.render(json: "[1,]", as: .array(.bigint)) == nil)
    }
}
