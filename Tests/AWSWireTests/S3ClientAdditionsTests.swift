import AWSWire
import Foundation
import Testing

/// Parsing of what ``S3Client`` gained for the S3 object store: URL-encoded listings and ListBuckets.
@Suite struct S3ClientAdditionsTests {
    @Test func decodesURLEncodedListings() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>b</Name><Prefix>c%20d/</Prefix><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>
              <Contents><Key>c%20d/%C3%A9%2B%25+x</Key><LastModified>2024-05-01T13:02:15.000Z</LastModified>
                <ETag>"e3"</ETag><Size>3</Size></Contents>
              <CommonPrefixes><Prefix>c%20d/sub%2Fdir/</Prefix></CommonPrefixes>
            </ListBucketResult>
            """
        let page = try S3Client.ListPage(xml: Data(xml.utf8))
        #expect(page.objects.map(\.key) == ["c d/é+% x"])
        #expect(page.commonPrefixes == ["c d/sub/dir/"])
    }

    @Test func keepsKeysOfUnencodedListings() throws {
        let xml = """
            <ListBucketResult><IsTruncated>false</IsTruncated>
              <Contents><Key>a+b%20c</Key><Size>1</Size><ETag>"x"</ETag></Contents></ListBucketResult>
            """
        #expect(try S3Client.ListPage(xml: Data(xml.utf8)).objects.map(\.key) == ["a+b%20c"])
    }

    @Test func parsesListBuckets() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner>
              <Buckets>
                <Bucket><Name>logs-a</Name><CreationDate>2024-05-01T13:02:15.000Z</CreationDate></Bucket>
                <Bucket><Name>logs-b</Name><CreationDate>2024-05-02T00:00:00Z</CreationDate><BucketRegion>eu-west-1</BucketRegion></Bucket>
              </Buckets>
            </ListAllMyBucketsResult>
            """
        let buckets = try S3Client.Bucket.list(xml: Data(xml.utf8))
        #expect(
            buckets == [
                .init(name: "logs-a", creationDate: Date(timeIntervalSince1970: 1_714_568_535), region: nil),
                .init(name: "logs-b", creationDate: Date(timeIntervalSince1970: 1_714_608_000), region: "eu-west-1"),
            ])
        #expect(throws: AWSError.self) { try S3Client.Bucket.list(xml: Data("<Error/>".utf8)) }
    }
}
