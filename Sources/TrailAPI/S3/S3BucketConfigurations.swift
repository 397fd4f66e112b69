import AWSWire
import Foundation
import HTTPTypes
import ObjectStorage

/// The S3 subresources that configure what Trailkeeper does not do, or does one fixed way, in one
/// table: each read answers the true state in S3's own shape (or S3's own "there is none" error), and
/// each write is either a no-op that restates that state (accepted) or a change Trailkeeper cannot
/// make (refused with a 4xx that says what it does instead — never accepted and ignored).
///
/// | query | read (GET) | write (PUT/POST) | DELETE |
/// |---|---|---|---|
/// | `policy` | 404 `NoSuchBucketPolicy` | 400 `InvalidRequest` | 204 (there is none) |
/// | `policyStatus` | 404 `NoSuchBucketPolicy` (S3's answer when there is no policy) | — | — |
/// | `cors` | 404 `NoSuchCORSConfiguration` | 400 `InvalidRequest` | 204 |
/// | `website` | 404 `NoSuchWebsiteConfiguration` | 400 `InvalidRequest` | 204 |
/// | `logging` | empty `BucketLoggingStatus` | 200 when it stays disabled, else 400 `InvalidRequest` | — |
/// | `notification` | empty `NotificationConfiguration` | 200 when empty, else 400 `InvalidRequest` | — |
/// | `replication` | 404 `ReplicationConfigurationNotFoundError` | 400 `InvalidRequest` | 204 |
/// | `encryption` | the store's (``ObjectStore/bucketEncryption(_:)``), or 404 `ServerSideEncryptionConfigurationNotFoundError` | 400 `InvalidRequest` | 204 when there is none, else 400 |
/// | `accelerate` | empty `AccelerateConfiguration` | 400 `InvalidRequest` | — |
/// | `requestPayment` | `Payer` `BucketOwner` | 200 for `BucketOwner`, else 400 `InvalidRequest` | — |
/// | `publicAccessBlock` | all four `true` | 200 when all four are `true`, else 400 `InvalidRequest` | 400 `InvalidRequest` |
/// | `ownershipControls` | `BucketOwnerEnforced` | 200 for `BucketOwnerEnforced`, else 400 `InvalidRequest` | 400 `InvalidRequest` |
/// | `intelligent-tiering`, `inventory`, `metrics`, `analytics` | an empty list; with `id`, 404 `NoSuchConfiguration` | 400 `InvalidRequest` | 404 `NoSuchConfiguration` |
/// | `metadataTable`, `metadataConfiguration` | 404 `NoSuchConfiguration` | 400 `InvalidRequest` | 404 `NoSuchConfiguration` |
/// | `session` (CreateSession) | 400 `InvalidRequest`: directory buckets only | — | — |
/// | object `select` | — | 400 `InvalidRequest` | — |
/// | object `torrent` | 400 `InvalidRequest` | — | — |
/// | object `renameObject` | — | 400 `InvalidRequest`: directory buckets only | — |
/// | object `restore` | — | 403 `InvalidObjectState` unless archived; 200 when the bytes are online | — |
///
/// Every row first requires the bucket (`NoSuchBucket`) and, for object rows but `renameObject`, the
/// object (`NoSuchKey`); write bodies are checked against `Content-MD5`/`x-amz-checksum-*` first.
enum S3BucketConfigurations {
    /// What a request to one row answers.
    enum Answer: Sendable {
        /// 200 with this XML document: the state.
        case document(String)
        /// 200 without a body: a request that leaves things as they are, as S3 answers it.
        case ok
        /// 204: removing a configuration that does not exist leaves none, as S3 answers.
        case noContent
        /// An S3 error: the configuration does not exist, or a change Trailkeeper cannot make.
        case error(S3Error)
        /// 200 when the body, an XML document with root `root`, restates the current state; the
        /// error otherwise (`MalformedXML` when it is not such a document).
        case acceptIf(root: String, restatesState: @Sendable (XMLTree) -> Bool, otherwise: S3Error)
        /// A list configuration: an empty list document with root `root`, or `NoSuchConfiguration`
        /// (404) when the request names an `id`.
        case emptyList(root: String)
        /// Answered from the store.
        case computed(@Sendable (S3Operations, _ bucket: String, _ key: String?) async throws -> Answer)
    }

    /// One subresource: its query name, whether it is addressed on objects, and its answers by method.
    struct Row: Sendable {
        var name: String
        var onObject = false
        /// Whether the object must exist first (object rows).
        var requiresObject = true
        var answers: [HTTPRequest.Method: Answer]
    }

    static let objectOwnership = "BucketOwnerEnforced"

    /// A write Trailkeeper cannot carry out: 400 `InvalidRequest`, saying what it does instead.
    static func refused(_ message: String) -> S3Error {
        S3Error(.badRequest, "InvalidRequest", message)
    }

    static func onlyOwnerEnforced() -> S3Error {
        refused(
            "Trailkeeper's buckets always have Object Ownership BucketOwnerEnforced: ACLs are disabled and the bucket "
                + "owner owns every object.")
    }

    static func document(_ root: String, _ inner: (inout S3XML) -> Void = { _ in }) -> Answer {
        var xml = S3XML(root: root)
        inner(&xml)
        return .document(xml.finished(closing: root))
    }

    /// 404: there is no such configuration (the bucket's name is added when answering).
    static func missing(_ code: String, _ message: String) -> Answer {
        .error(S3Error(.notFound, code, message))
    }

    /// The table; the first row whose name the query carries answers.
    static let rows: [Row] = [
        Row(
            name: "policyStatus",
            answers: [.get: missing("NoSuchBucketPolicy", "The bucket policy does not exist")]),
        Row(
            name: "policy",
            answers: [
                .get: missing("NoSuchBucketPolicy", "The bucket policy does not exist"),
                .put: .error(
                    refused(
                        "Bucket policies are not available in Trailkeeper: access is granted to the keys in "
                            + "DATA_DIR/credentials, each with full control of every bucket, and no bucket is public.")),
                .delete: .noContent,
            ]),
        Row(
            name: "cors",
            answers: [
                .get: missing("NoSuchCORSConfiguration", "The CORS configuration does not exist"),
                .put: .error(
                    refused("CORS is not available in Trailkeeper: its S3 API serves signed API requests, not browsers.")),
                .delete: .noContent,
            ]),
        Row(
            name: "website",
            answers: [
                .get: missing("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"),
                .put: .error(
                    refused("Static website hosting is not available in Trailkeeper: objects are served to signed S3 requests only.")),
                .delete: .noContent,
            ]),
        Row(
            name: "logging",
            answers: [
                .get: document("BucketLoggingStatus"),
                .put: .acceptIf(
                    root: "BucketLoggingStatus", restatesState: { $0.child("LoggingEnabled") == nil },
                    otherwise: refused(
                        "Server access logging is not available in Trailkeeper: it records the AWS activity its producers "
                            + "send as CloudTrail events, not S3 access logs.")),
            ]),
        Row(
            name: "notification",
            answers: [
                .get: document("NotificationConfiguration"),
                .put: .acceptIf(
                    root: "NotificationConfiguration", restatesState: { $0.children.isEmpty },
                    otherwise: refused(
                        "S3 event notifications are not available in Trailkeeper: a trail announces the log files it "
                            + "delivers through its SNS topic (sns-endpoint) or the embedded queue (/v1/queues).")),
            ]),
        Row(
            name: "replication",
            answers: [
                .get: missing("ReplicationConfigurationNotFoundError", "The replication configuration was not found"),
                .put: .error(refused("Replication is not available in Trailkeeper: copy buckets with `trailkeeper backup`.")),
                .delete: .noContent,
            ]),
        Row(
            name: "encryption",
            answers: [
                .get: .computed { operations, bucket, _ in
                    guard let rule = try await operations.objects.bucketEncryption(bucket) else { return noEncryption }
                    return document("ServerSideEncryptionConfiguration") { xml in
                        xml.open("Rule")
                        xml.open("ApplyServerSideEncryptionByDefault")
                        xml.element("SSEAlgorithm", rule.algorithm)
                        xml.element("KMSMasterKeyID", ifPresent: rule.kmsKeyID)
                        xml.close("ApplyServerSideEncryptionByDefault")
                        xml.element("BucketKeyEnabled", rule.bucketKeyEnabled ? "true" : "false")
                        xml.close("Rule")
                    }
                },
                .put: .error(encryptionRefused),
                .delete: .computed { operations, bucket, _ in
                    try await operations.objects.bucketEncryption(bucket) == nil ? .noContent : .error(encryptionRefused)
                },
            ]),
        Row(
            name: "accelerate",
            answers: [
                .get: document("AccelerateConfiguration"),
                .put: .error(
                    refused("Transfer Acceleration is not available in Trailkeeper: its S3 API is served by this server only.")),
            ]),
        Row(
            name: "requestPayment",
            answers: [
                .get: document("RequestPaymentConfiguration") { $0.element("Payer", "BucketOwner") },
                .put: .acceptIf(
                    root: "RequestPaymentConfiguration", restatesState: { $0.child("Payer")?.text == "BucketOwner" },
                    otherwise: refused("Requester Pays is not available in Trailkeeper: the bucket owner is the only payer.")),
            ]),
        Row(
            name: "publicAccessBlock",
            answers: [
                .get: document("PublicAccessBlockConfiguration") { xml in
                    for name in publicAccessBlocks { xml.element(name, "true") }
                },
                .put: .acceptIf(
                    root: "PublicAccessBlockConfiguration",
                    restatesState: { tree in publicAccessBlocks.allSatisfy { tree.child($0)?.text == "true" } },
                    otherwise: publicAccessRefused),
                .delete: .error(publicAccessRefused),
            ]),
        Row(
            name: "ownershipControls",
            answers: [
                .get: document("OwnershipControls") { xml in
                    xml.open("Rule")
                    xml.element("ObjectOwnership", objectOwnership)
                    xml.close("Rule")
                },
                .put: .acceptIf(
                    root: "OwnershipControls",
                    restatesState: { tree in
                        let rules = tree.children("Rule")
                        return !rules.isEmpty && rules.allSatisfy { $0.child("ObjectOwnership")?.text == objectOwnership }
                    },
                    otherwise: onlyOwnerEnforced()),
                .delete: .error(onlyOwnerEnforced()),
            ]),
        listRow(
            "intelligent-tiering", list: "ListBucketIntelligentTieringConfigurationsOutput",
            refusal: "S3 Intelligent-Tiering archive configurations are not available in Trailkeeper: objects stay in "
                + "the storage class they were written with or that lifecycle rules give them."),
        listRow(
            "inventory", list: "ListInventoryConfigurationsResult",
            refusal: "S3 Inventory is not available in Trailkeeper: list the bucket with ListObjectsV2 instead."),
        listRow(
            "metrics", list: "ListMetricsConfigurationsResult",
            refusal: "CloudWatch request metrics are not available in Trailkeeper: it exports its own metrics at /metrics "
                + "(Prometheus)."),
        listRow(
            "analytics", list: "ListBucketAnalyticsConfigurationResult",
            refusal: "Storage Class Analysis is not available in Trailkeeper: list the bucket with ListObjectsV2 instead."),
        metadataRow("metadataTable"),
        metadataRow("metadataConfiguration"),
        Row(
            name: "session",
            answers: [
                .get: .error(
                    refused(
                        "CreateSession is for directory buckets (S3 Express One Zone); Trailkeeper's buckets are general "
                            + "purpose buckets: sign each request with SigV4 instead."))
            ]),
        Row(
            name: "select", onObject: true,
            answers: [
                .post: .error(
                    refused("S3 Select is not available in Trailkeeper: GET the object (or a Range of it) and filter it."))
            ]),
        Row(
            name: "torrent", onObject: true,
            answers: [.get: .error(refused("BitTorrent is not available in Trailkeeper: GET the object instead."))]),
        Row(
            name: "renameObject", onObject: true, requiresObject: false,
            answers: [
                .put: .error(
                    refused(
                        "RenameObject is for directory buckets (S3 Express One Zone); Trailkeeper's buckets are general "
                            + "purpose buckets: copy the object (CopyObject) and delete the original."))
            ]),
        Row(
            name: "restore", onObject: true,
            answers: [
                .post: .computed { operations, bucket, key in
                    let key = key ?? ""
                    let info = try await operations.objects.headObject(bucket: bucket, key: key)
                    guard archiveClasses.contains(info.storageClass) else {
                        return .error(
                            S3Error(
                                .forbidden, "InvalidObjectState", "Restore is not allowed for the object's current storage class"))
                    }
                    // A copy that can be read is what a restore makes: S3 answers 200 for one that exists.
                    _ = try await operations.objects.getObject(bucket: bucket, key: key, range: .closed(first: 0, last: 0))
                    return .ok
                }
            ]),
    ]

    static let publicAccessBlocks = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]
    static let archiveClasses: Set<String> = ["GLACIER", "DEEP_ARCHIVE"]

    static let noEncryption = Answer.error(
        S3Error(.notFound, "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found"))

    static let encryptionRefused = refused(
        "Trailkeeper does not change how its store encrypts objects: the embedded store keeps them as plain files in "
            + "DATA_DIR/objects (encrypt the disk), an S3 store as that bucket's own default encryption says.")

    static let publicAccessRefused = refused(
        "Trailkeeper's buckets are never public: all four public access blocks are always on.")

    static func listRow(_ name: String, list root: String, refusal: String) -> Row {
        Row(
            name: name,
            answers: [
                .get: .emptyList(root: root),
                .put: .error(refused(refusal)),
                .delete: .error(noSuchConfiguration),
            ])
    }

    static func metadataRow(_ name: String) -> Row {
        let refusal = refused(
            "S3 Metadata is not available in Trailkeeper: list objects with ListObjectsV2, and look up API activity "
                + "with LookupEvents.")
        return Row(
            name: name,
            answers: [.get: .error(noSuchConfiguration), .post: .error(refusal), .put: .error(refusal), .delete: .error(noSuchConfiguration)])
    }

    static let noSuchConfiguration = S3Error(.notFound, "NoSuchConfiguration", "The specified configuration does not exist.")

    /// The row for a request, if its query names one of them on its kind of target.
    static func row(for query: S3Query, onObject: Bool) -> Row? {
        rows.first { $0.onObject == onObject && query.contains($0.name) }
    }
}
