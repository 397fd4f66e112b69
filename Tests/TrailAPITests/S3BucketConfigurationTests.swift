import Crypto
import Foundation
import HTTPTypes
import ObjectStorage
import Testing
import TrailAPI

/// The configurations Trailkeeper does not keep: true-state reads, restating writes accepted, changes refused.
extension S3SubsetTests {
    /// A bucket subresource read and what it answers (status, code or root element).
    @Test(arguments: [
        ("policy", 404, "NoSuchBucketPolicy"), ("policyStatus", 404, "NoSuchBucketPolicy"),
        ("cors", 404, "NoSuchCORSConfiguration"), ("website", 404, "NoSuchWebsiteConfiguration"),
        ("replication", 404, "ReplicationConfigurationNotFoundError"),
        ("encryption", 404, "ServerSideEncryptionConfigurationNotFoundError"),
        ("metadataTable", 404, "NoSuchConfiguration"), ("metadataConfiguration", 404, "NoSuchConfiguration"),
        ("inventory&id=daily", 404, "NoSuchConfiguration"), ("metrics&id=all", 404, "NoSuchConfiguration"),
        ("analytics&id=a", 404, "NoSuchConfiguration"), ("intelligent-tiering&id=t", 404, "NoSuchConfiguration"),
        ("session", 400, "InvalidRequest"),
        ("logging", 200, "<BucketLoggingStatus xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></BucketLoggingStatus>"),
        ("notification", 200, "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></NotificationConfiguration>"),
        ("accelerate", 200, "<AccelerateConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></AccelerateConfiguration>"),
        ("requestPayment", 200, "<Payer>BucketOwner</Payer>"),
        ("publicAccessBlock", 200, "<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>"),
        ("ownershipControls", 200, "<Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule>"),
        ("inventory", 200, "<ListInventoryConfigurationsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IsTruncated>false</IsTruncated>"),
        ("metrics", 200, "<ListMetricsConfigurationsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IsTruncated>false</IsTruncated>"),
        ("analytics", 200, "<IsTruncated>false</IsTruncated>"), ("intelligent-tiering", 200, "<IsTruncated>false</IsTruncated>"),
    ])
    func configurationReads(_ query: String, _ status: Int, _ expected: String) async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let answer = try await client.s3(.get, "/trail-logs", query: query)
            #expect(answer.status.code == status, "\(query): \(answer.text)")
            if status == 200 {
                #expect(answer.text.contains(expected), "\(query): \(answer.text)")
            } else {
                #expect(answer.code == expected, "\(query)")
                if status == 404 { #expect(answer.elements("BucketName") == ["trail-logs"]) }
            }
            #expect(try await client.s3(.get, "/no-such-bucket", query: query).code == "NoSuchBucket")
        }
    }

    /// Writes that would change what Trailkeeper does are refused, and change nothing.
    @Test(arguments: [
        ("policy", HTTPRequest.Method.put, #"{"Version":"2012-10-17","Statement":[]}"#),
        ("cors", .put, "<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>"),
        ("website", .put, "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>"),
        ("logging", .put, "<BucketLoggingStatus><LoggingEnabled><TargetBucket>logs</TargetBucket><TargetPrefix>x/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>"),
        ("notification", .put, "<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:1:q</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>"),
        ("replication", .put, "<ReplicationConfiguration><Role>r</Role></ReplicationConfiguration>"),
        ("encryption", .put, "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>"),
        ("accelerate", .put, "<AccelerateConfiguration><Status>Enabled</Status></AccelerateConfiguration>"),
        ("requestPayment", .put, "<RequestPaymentConfiguration><Payer>Requester</Payer></RequestPaymentConfiguration>"),
        ("publicAccessBlock", .put, "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>"),
        ("publicAccessBlock", .delete, ""),
        ("ownershipControls", .put, "<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>"),
        ("ownershipControls", .delete, ""),
        ("inventory&id=daily", .put, "<InventoryConfiguration><Id>daily</Id></InventoryConfiguration>"),
        ("metrics&id=all", .put, "<MetricsConfiguration><Id>all</Id></MetricsConfiguration>"),
        ("analytics&id=a", .put, "<AnalyticsConfiguration><Id>a</Id></AnalyticsConfiguration>"),
        ("intelligent-tiering&id=t", .put, "<IntelligentTieringConfiguration><Id>t</Id></IntelligentTieringConfiguration>"),
        ("metadataTable", .post, "<MetadataTableConfiguration/>"),
        ("metadataConfiguration", .post, "<MetadataConfiguration/>"),
    ])
    func configurationChangesAreRefused(_ query: String, _ method: HTTPRequest.Method, _ body: String) async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let before = try await client.s3(.get, "/trail-logs", query: query)
            let answer = try await client.s3(method, "/trail-logs", query: query, body: Data(body.utf8))
            #expect(answer.status == .badRequest, "\(query): \(answer.text)")
            #expect(answer.code == "InvalidRequest")
            #expect(answer.elements("Message").first?.contains("Trailkeeper") == true)
            let after = try await client.s3(.get, "/trail-logs", query: query)
            #expect(after.status == before.status)
            #expect(after.body == before.body || after.code == before.code)
        }
    }

    /// Writes that restate the state are accepted; deletes of what does not exist answer 204.
    @Test func restatingWritesAndDeletesOfNothing() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            let accepted: [(String, String)] = [
                ("logging", "<BucketLoggingStatus xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"),
                ("notification", "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></NotificationConfiguration>"),
                ("requestPayment", "<RequestPaymentConfiguration><Payer>BucketOwner</Payer></RequestPaymentConfiguration>"),
                (
                    "publicAccessBlock",
                    "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>"
                        + "<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>"
                ),
                ("ownershipControls", "<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>"),
            ]
            for (query, body) in accepted {
                let data = Data(body.utf8)
                let md5 = Data(Insecure.MD5.hash(data: data)).base64EncodedString()
                let answer = try await client.s3(.put, "/trail-logs", query: query, headers: ["Content-MD5": md5], body: data)
                #expect(answer.status == .ok, "\(query): \(answer.text)")
                let corrupt = try await client.s3(.put, "/trail-logs", query: query, headers: ["Content-MD5": md5], body: data + Data(" ".utf8))
                #expect(corrupt.code == "BadDigest")
                #expect(try await client.s3(.put, "/trail-logs", query: query, body: Data("<x".utf8)).code == "MalformedXML")
            }
            for query in ["policy", "cors", "website", "replication", "encryption"] {
                #expect(try await client.s3(.delete, "/trail-logs", query: query).status == .noContent, "\(query)")
            }
            for query in ["inventory&id=x", "metrics&id=x", "analytics&id=x", "intelligent-tiering&id=x", "metadataTable"] {
                #expect(try await client.s3(.delete, "/trail-logs", query: query).code == "NoSuchConfiguration", "\(query)")
            }
            #expect(try await client.s3(.post, "/trail-logs", query: "cors").status == .methodNotAllowed)
        }
    }

    @Test func objectSubresources() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            _ = try await client.s3(.put, "/trail-logs/k", body: Data("x".utf8))
            let restore = try await client.s3(
                .post, "/trail-logs/k", query: "restore", body: Data("<RestoreRequest><Days>1</Days></RestoreRequest>".utf8))
            #expect(restore.status == .forbidden)
            #expect(restore.code == "InvalidObjectState")
            #expect(try await client.s3(.post, "/trail-logs/missing", query: "restore").code == "NoSuchKey")
            let select = try await client.s3(.post, "/trail-logs/k", query: "select&select-type=2", body: Data("<x/>".utf8))
            #expect(select.code == "InvalidRequest")
            #expect(try await client.s3(.get, "/trail-logs/k", query: "torrent").code == "InvalidRequest")
            let rename = try await client.s3(
                .put, "/trail-logs/new-name", query: "renameObject", headers: ["x-amz-rename-source": "/trail-logs/k"])
            #expect(rename.code == "InvalidRequest")
            #expect(try await client.s3(.head, "/trail-logs/new-name").status == .notFound)
            #expect(try await client.s3(.get, "/trail-logs/k").text == "x")
        }
    }

    /// Nothing in the table (nor ACLs and tagging) answers 501.
    @Test func noSubresourceIsNotImplemented() async throws {
        try await test { client, _ in
            _ = try await client.s3(.put, "/trail-logs")
            _ = try await client.s3(.put, "/trail-logs/k", body: Data("x".utf8))
            let names = [
                "acl", "tagging", "policy", "policyStatus", "cors", "website", "logging", "notification", "replication",
                "encryption", "accelerate", "requestPayment", "publicAccessBlock", "ownershipControls",
                "intelligent-tiering", "inventory", "metrics", "analytics", "metadataTable", "metadataConfiguration",
                "session", "select", "torrent", "renameObject", "restore",
            ]
            for name in names {
                for path in ["/trail-logs", "/trail-logs/k"] {
                    for method in [HTTPRequest.Method.get, .put, .post, .delete] {
                        let answer = try await client.s3(method, path, query: name)
                        #expect(answer.status != .notImplemented, "\(method) \(path)?\(name)")
                        #expect(answer.status != .internalServerError, "\(method) \(path)?\(name): \(answer.text)")
                    }
                }
            }
        }
    }
}
