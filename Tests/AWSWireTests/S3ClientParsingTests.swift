import AWSWire
import Foundation
import NIOHTTP1
import Testing

@Suite struct S3ClientParsingTests {
    @Test func keysAreEncodedAsS3EncodesThem() {
        #expect(S3Client.encodeKey("AWSLogs/123/a b+c=d~é.json") == "AWSLogs/123/a%20b%2Bc%3Dd~%C3%A9.json")
        #expect(S3Client.encodeKey("x/%2F/?#&*'()!$,;:@[]") == "x/%252F/%3F%23%26%2A%27%28%29%21%24%2C%3B%3A%40%5B%5D")
        #expect(S3Client.encodeKey("emoji 🌍/日本") == "emoji%20%F0%9F%8C%8D/%E6%97%A5%E6%9C%AC")
    }

    @Test func parsesAListObjectsV2Page() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>trail-bucket</Name>
              <Prefix>AWSLogs/</Prefix>
              <KeyCount>2</KeyCount>
              <MaxKeys>2</MaxKeys>
              <Delimiter>/</Delimiter>
              <IsTruncated>true</IsTruncated>
              <Contents>
                <Key>AWSLogs/123/CloudTrail/us-east-1/2024/05/01/a&amp;b.json.gz</Key>
                <LastModified>2024-05-01T13:02:15.250Z</LastModified>
                <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>
                <Size>12345</Size>
                <StorageClass>STANDARD</StorageClass>
              </Contents>
              <Contents>
                <Key>AWSLogs/123/x y.json</Key>
                <LastModified>2024-05-01T13:02:16Z</LastModified>
                <ETag>"e3b0c442"</ETag>
                <Size>0</Size>
              </Contents>
              <CommonPrefixes><Prefix>AWSLogs/123/</Prefix></CommonPrefixes>
              <CommonPrefixes><Prefix>AWSLogs/456/</Prefix></CommonPrefixes>
              <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
            </ListBucketResult>
            """
        let page = try S3Client.ListPage(xml: Data(xml.utf8))
        #expect(
            page.objects == [
                .init(
                    key: "AWSLogs/123/CloudTrail/us-east-1/2024/05/01/a&b.json.gz",
                    size: 12345,
                    eTag: "\"9b2cf535f27731c974343645a3985328\"",
                    lastModified: Date(timeIntervalSince1970: 1_714_568_535.25),
                    storageClass: "STANDARD"
                ),
                .init(
                    key: "AWSLogs/123/x y.json",
                    size: 0,
                    eTag: "\"e3b0c442\"",
                    lastModified: Date(timeIntervalSince1970: 1_714_568_536)
                ),
            ]
        )
        #expect(page.commonPrefixes == ["AWSLogs/123/", "AWSLogs/456/"])
        #expect(page.isTruncated)
        #expect(page.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
    }

    @Test func parsesTheLastAndAnEmptyPage() throws {
        let page = try S3Client.ListPage(
            xml: Data(
                ("<ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated>"
                    + "<KeyCount>0</KeyCount></ListBucketResult>").utf8
            )
        )
        #expect(page == .init(objects: [], commonPrefixes: [], isTruncated: false, nextContinuationToken: nil))
        #expect(throws: AWSError.self) { try S3Client.ListPage(xml: Data("<Error><Code>x</Code></Error>".utf8)) }
        #expect(throws: AWSError.self) { try S3Client.ListPage(xml: Data("not xml".utf8)) }
    }

    @Test func parsesAnS3ErrorDocument() {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist &amp; never did</Message>\
            <BucketName>nope</BucketName><RequestId>4442587FB7D0A2F9</RequestId><HostId>abc=</HostId></Error>
            """
        let error = AWSError(xml: Data(xml.utf8), status: 404)
        #expect(
            error
                == AWSError(
                    code: "NoSuchBucket",
                    message: "The specified bucket does not exist & never did",
                    status: 404,
                    requestID: "4442587FB7D0A2F9"
                )
        )
        #expect(!error.isRetryable)
        #expect(AWSError(xml: Data("<Error><Code>SlowDown</Code></Error>".utf8), status: 503).isThrottling)
        #expect(AWSError(xml: Data("garbage".utf8), status: 500).code == "HTTP500")
    }

    @Test func parsesAWSJSONErrors() {
        let prefixed = AWSError(
            json: Data(
                #"{"__type":"com.amazonaws.cloudtrail.v20131101#TrailNotFoundException","message":"Unknown trail"}"#
                    .utf8
            ),
            status: 400
        )
        #expect(prefixed.code == "TrailNotFoundException")
        #expect(prefixed.message == "Unknown trail")
        let capitalised = AWSError(
            json: Data(#"{"__type":"ThrottlingException","Message":"Rate exceeded"}"#.utf8),
            status: 400
        )
        #expect(capitalised.code == "ThrottlingException" && capitalised.message == "Rate exceeded")
        #expect(capitalised.isThrottling && capitalised.isRetryable)
        #expect(AWSError(json: Data("{}".utf8), status: 502).code == "HTTP502")
    }

    @Test func readsAResponseInWhicheverFormatItCame() {
        var headers = HTTPHeaders()
        headers.add(name: "x-amzn-RequestId", value: "req-1")
        let json = AWSError(
            response: .init(
                status: 400,
                headers: headers,
                body: Data(#"{"__type":"a#ValidationException","message":"bad"}"#.utf8)
            )
        )
        #expect(json == AWSError(code: "ValidationException", message: "bad", status: 400, requestID: "req-1"))

        let xml = AWSError(
            response: .init(
                status: 403,
                body: Data("\n<Error><Code>AccessDenied</Code><Message>no</Message></Error>".utf8)
            )
        )
        #expect(xml.code == "AccessDenied" && xml.message == "no")

        var typed = HTTPHeaders()
        typed.add(name: "x-amzn-ErrorType", value: "ResourceNotFoundException:http://internal.amazon.com/")
        #expect(AWSError(response: .init(status: 404, headers: typed)).code == "ResourceNotFoundException")
        #expect(AWSError(response: .init(status: 404)).code == "NotFound")
    }
}
