import Foundation

extension S3Client {
    /// One page of `ListObjectsV2`.
    public struct ListPage: Sendable, Hashable {
        /// The objects of this page, in key order.
        public var objects: [Object]
        /// The key prefixes grouped by the delimiter.
        public var commonPrefixes: [String]
        /// Whether more pages follow.
        public var isTruncated: Bool
        /// The token that asks for the next page.
        public var nextContinuationToken: String?

        /// A page from its parts.
        public init(objects: [Object], commonPrefixes: [String], isTruncated: Bool, nextContinuationToken: String?) {
            self.objects = objects
            self.commonPrefixes = commonPrefixes
            self.isTruncated = isTruncated
            self.nextContinuationToken = nextContinuationToken
        }

        /// Parses a `ListBucketResult` document.
        ///
        /// - Throws: ``AWSError`` (`MalformedResponse`) when `xml` is not a `ListBucketResult`.
        public init(xml: Data) throws {
            guard let root = try? XMLTree.parse(xml), root.name == "ListBucketResult" else {
                throw AWSError(code: "MalformedResponse", message: "not a ListBucketResult document", status: 200)
            }
            // `encoding-type=url` answers carry keys and prefixes percent-encoded (`+` is a space).
            let encoded = root.child("EncodingType")?.text.trimmingCharacters(in: .whitespaces).lowercased() == "url"
            func text(_ value: String) -> String {
                encoded ? String(decoding: SigV4.decode(Substring(value), plusAsSpace: true), as: UTF8.self) : value
            }
            objects = root.children("Contents").map { contents in
                Object(
                    key: text(contents.child("Key")?.text ?? ""),
                    size: contents.child("Size").flatMap { Int64($0.text.trimmingCharacters(in: .whitespaces)) } ?? 0,
                    eTag: contents.child("ETag")?.text ?? "",
                    lastModified: contents.child("LastModified").flatMap { UTCTime.parseISO8601($0.text) },
                    storageClass: contents.child("StorageClass").map { $0.text.trimmingCharacters(in: .whitespaces) }
                )
            }
            commonPrefixes = root.children("CommonPrefixes").compactMap { $0.child("Prefix").map { text($0.text) } }
            isTruncated = root.child("IsTruncated")?.text.trimmingCharacters(in: .whitespaces).lowercased() == "true"
            nextContinuationToken = root.child("NextContinuationToken").map(\.text).flatMap { $0.isEmpty ? nil : $0 }
        }
    }
}

extension S3Client {
    /// One bucket of a `ListBuckets` answer.
    public struct Bucket: Sendable, Hashable {
        /// The bucket's name.
        public var name: String
        /// When it was created, if S3 said so in a readable form.
        public var creationDate: Date?
        /// Its region, when S3 names it (`BucketRegion`, newer S3 APIs).
        public var region: String?

        /// A bucket from its parts.
        public init(name: String, creationDate: Date?, region: String? = nil) {
            self.name = name
            self.creationDate = creationDate
            self.region = region
        }

        /// Parses a `ListAllMyBucketsResult` document.
        ///
        /// - Throws: ``AWSError`` (`MalformedResponse`) when `xml` is not one.
        public static func list(xml: Data) throws -> [Bucket] {
            guard let root = try? XMLTree.parse(xml), root.name == "ListAllMyBucketsResult" else {
                throw AWSError(code: "MalformedResponse", message: "not a ListAllMyBucketsResult document", status: 200)
            }
            return (root.child("Buckets")?.children("Bucket") ?? []).map { bucket in
                Bucket(
                    name: bucket.child("Name")?.text ?? "",
                    creationDate: bucket.child("CreationDate").flatMap { UTCTime.parseISO8601($0.text) },
                    region: bucket.child("BucketRegion").map(\.text).flatMap { $0.isEmpty ? nil : $0 }
                )
            }
        }
    }
}
