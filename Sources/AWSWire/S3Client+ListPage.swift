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
            objects = root.children("Contents").map { contents in
                Object(
                    key: contents.child("Key")?.text ?? "",
                    size: contents.child("Size").flatMap { Int64($0.text.trimmingCharacters(in: .whitespaces)) } ?? 0,
                    eTag: contents.child("ETag")?.text ?? "",
                    lastModified: contents.child("LastModified").flatMap { UTCTime.parseISO8601($0.text) }
                )
            }
            commonPrefixes = root.children("CommonPrefixes").compactMap { $0.child("Prefix")?.text }
            isTruncated = root.child("IsTruncated")?.text.trimmingCharacters(in: .whitespaces).lowercased() == "true"
            nextContinuationToken = root.child("NextContinuationToken").map(\.text).flatMap { $0.isEmpty ? nil : $0 }
        }
    }
}
