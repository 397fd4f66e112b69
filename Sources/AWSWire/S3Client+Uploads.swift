import Foundation
import NIOHTTP1

extension S3Client {
    /// A part of an upload in progress, as `ListParts` describes it.
    public struct UploadPartInfo: Sendable, Hashable {
        public var number: Int
        /// The ETag, with its quotes.
        public var eTag: String
        public var size: Int64
        public var lastModified: Date?
    }

    /// One page of `ListParts`.
    public struct PartsPage: Sendable, Hashable {
        public var parts: [UploadPartInfo]
        public var isTruncated: Bool
        /// The upload's storage class (nil when S3 did not say).
        public var storageClass: String?
    }

    /// An upload in progress, as `ListMultipartUploads` describes it.
    public struct UploadInfo: Sendable, Hashable {
        public var key: String
        public var uploadID: String
        public var initiated: Date?
        public var storageClass: String?
    }

    /// One page of `ListMultipartUploads`.
    public struct UploadsPage: Sendable, Hashable {
        public var uploads: [UploadInfo]
        public var commonPrefixes: [String]
        public var isTruncated: Bool
        public var nextKeyMarker: String?
        public var nextUploadIDMarker: String?
    }

    /// The parts of an upload after part number `marker` (`ListParts`).
    public func listParts(bucket: String, key: String, uploadID: String, after marker: Int = 0, maxParts: Int = 1000)
        async throws -> PartsPage
    {
        var query = [("max-parts", String(maxParts)), ("uploadId", uploadID)]
        if marker > 0 { query.append(("part-number-marker", String(marker))) }
        let root = try Self.resultDocument(try await send(.GET, path(bucket, key), query: query).body, "ListPartsResult")
        let parts = root.children("Part").map { part in
            UploadPartInfo(
                number: part.child("PartNumber").flatMap { Int(Self.trimmed($0.text)) } ?? 0,
                eTag: part.child("ETag")?.text ?? "",
                size: part.child("Size").flatMap { Int64(Self.trimmed($0.text)) } ?? 0,
                lastModified: part.child("LastModified").flatMap { UTCTime.parseISO8601($0.text) })
        }
        return PartsPage(
            parts: parts, isTruncated: Self.trimmed(root.child("IsTruncated")?.text ?? "").lowercased() == "true",
            storageClass: root.child("StorageClass").map { Self.trimmed($0.text) }.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// One page of a bucket's uploads in progress (`ListMultipartUploads`, keys URL-encoded on
    /// the wire as botocore asks for them).
    public func listMultipartUploads(
        bucket: String, prefix: String? = nil, delimiter: String? = nil, keyMarker: String? = nil,
        uploadIDMarker: String? = nil, maxUploads: Int? = nil
    ) async throws -> UploadsPage {
        var query = [("uploads", ""), ("encoding-type", "url")]
        if let prefix, !prefix.isEmpty { query.append(("prefix", prefix)) }
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let keyMarker, !keyMarker.isEmpty { query.append(("key-marker", keyMarker)) }
        if let uploadIDMarker, !uploadIDMarker.isEmpty { query.append(("upload-id-marker", uploadIDMarker)) }
        if let maxUploads { query.append(("max-uploads", String(maxUploads))) }
        let root = try Self.resultDocument(try await send(.GET, path(bucket), query: query).body, "ListMultipartUploadsResult")
        let encoded = Self.trimmed(root.child("EncodingType")?.text ?? "").lowercased() == "url"
        func text(_ value: String) -> String {
            encoded ? String(decoding: SigV4.decode(Substring(value), plusAsSpace: true), as: UTF8.self) : value
        }
        func optional(_ name: String) -> String? {
            root.child(name).map { text($0.text) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let uploads = root.children("Upload").map { upload in
            UploadInfo(
                key: text(upload.child("Key")?.text ?? ""), uploadID: Self.trimmed(upload.child("UploadId")?.text ?? ""),
                initiated: upload.child("Initiated").flatMap { UTCTime.parseISO8601($0.text) },
                storageClass: upload.child("StorageClass").map { Self.trimmed($0.text) })
        }
        return UploadsPage(
            uploads: uploads, commonPrefixes: root.children("CommonPrefixes").compactMap { $0.child("Prefix").map { text($0.text) } },
            isTruncated: Self.trimmed(root.child("IsTruncated")?.text ?? "").lowercased() == "true",
            nextKeyMarker: optional("NextKeyMarker"), nextUploadIDMarker: optional("NextUploadIdMarker"))
    }

    /// The parts an object was uploaded in (`GetObjectAttributes` with `ObjectParts`): their count
    /// and the sizes S3 lists (S3 lists them only for uploads with checksums; moto not at all).
    ///
    /// - Returns: nil when S3 reports no parts (an object stored in one piece, or a server that
    ///   does not say).
    public func objectParts(bucket: String, key: String, versionId: String? = nil) async throws -> (count: Int, sizes: [Int64])? {
        var query = [("attributes", "")]
        if let versionId { query.append(("versionId", versionId)) }
        let body = try await send(
            .GET, path(bucket, key), query: query, headers: [("x-amz-object-attributes", "ObjectParts")]
        ).body
        let root = try Self.resultDocument(body, "GetObjectAttributesOutput")
        guard let parts = root.child("ObjectParts"),
            let count = (parts.child("TotalPartsCount") ?? parts.child("PartsCount")).flatMap({ Int(Self.trimmed($0.text)) })
        else { return nil }
        let sizes = parts.children("Part").compactMap { $0.child("Size").flatMap { Int64(Self.trimmed($0.text)) } }
        return (count, sizes.count == count ? sizes : [])
    }

    /// The document of a successful answer whose root is `expected` (`…Result`/`…Output`), or
    /// `…Response` as moto and S3's documentation name some of them.
    static func resultDocument(_ body: Data, _ expected: String) throws -> XMLTree {
        let stem = expected.dropLast(6)  // without `Result` or `Output`
        guard let root = try? XMLTree.parse(body), root.name == expected || root.name == stem + "Response" else {
            throw AWSError(code: "MalformedResponse", message: "not a \(expected) document", status: 200)
        }
        return root
    }

    static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
