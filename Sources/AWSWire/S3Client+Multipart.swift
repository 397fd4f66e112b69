import Crypto
import Foundation
import NIOHTTP1

extension S3Client {
    /// A part of a multipart upload, as ``completeMultipartUpload(bucket:key:uploadID:parts:)`` lists it.
    public struct CompletedPart: Sendable, Hashable {
        /// The part number (1–10000).
        public var number: Int
        /// The ETag S3 gave the part, with its quotes.
        public var eTag: String

        /// A part from its parts.
        public init(number: Int, eTag: String) {
            self.number = number
            self.eTag = eTag
        }
    }

    /// The smallest part S3 accepts (but for the last one): 5 MiB.
    public static let minimumPartSize = 5 * 1024 * 1024
    /// The default part size of multipart uploads: 8 MiB.
    public static let defaultPartSize = 8 * 1024 * 1024

    /// The part size ``putObjectMultipart(bucket:key:size:options:partSize:concurrency:readPart:)`` uses
    /// for `size` bytes: `partSize` (at least 5 MiB), doubled until 10,000 parts hold `size`.
    public static func effectivePartSize(for size: Int64, partSize: Int) -> Int64 {
        var part = Int64(max(partSize, minimumPartSize))
        while size > part * 10_000 { part *= 2 }
        return part
    }

    /// The ETag S3 gives `body` uploaded in parts of `partSize` bytes (as
    /// ``effectivePartSize(for:partSize:)`` grows it): the hex MD5 of the parts' MD5s, `-`, the part count.
    public static func multipartETag(of body: Data, partSize: Int) -> String {
        let part = Int(effectivePartSize(for: Int64(body.count), partSize: partSize))
        var digests = Data()
        var count = 0
        var offset = body.startIndex
        repeat {
            let end = Swift.min(offset + part, body.endIndex)
            digests.append(contentsOf: Insecure.MD5.hash(data: body[offset..<end]))
            count += 1
            offset = end
        } while offset < body.endIndex
        let hex = Insecure.MD5.hash(data: digests).map { String(format: "%02x", $0) }.joined()
        return hex + "-" + String(count)
    }

    /// Starts a multipart upload (`CreateMultipartUpload`); the options apply to the final object.
    ///
    /// - Returns: the upload ID.
    public func createMultipartUpload(bucket: String, key: String, options: PutOptions = .init()) async throws -> String {
        let body = try await send(.POST, path(bucket, key), query: [("uploads", "")], headers: options.headers).body
        guard let root = try? XMLTree.parse(body), let id = root.child("UploadId")?.text, !id.isEmpty else {
            throw AWSError(code: "MalformedResponse", message: "not an InitiateMultipartUploadResult", status: 200)
        }
        return id
    }

    /// Uploads part `number` (1-based) of an upload.
    ///
    /// - Returns: the part's ETag.
    public func uploadPart(bucket: String, key: String, uploadID: String, number: Int, body: Data) async throws
        -> String
    {
        // Content-MD5: S3 requires it of parts of objects under Object Lock, and checks the bytes.
        let response = try await send(
            .PUT, path(bucket, key), query: [("partNumber", String(number)), ("uploadId", uploadID)],
            headers: [("Content-MD5", Data(Insecure.MD5.hash(data: body)).base64EncodedString())], body: body)
        guard let eTag = response.headers.first(name: "ETag") else {
            throw AWSError(code: "MalformedResponse", message: "UploadPart answered without an ETag", status: 200)
        }
        return eTag
    }

    /// Completes an upload from its parts, in part-number order.
    ///
    /// - Returns: the object's ETag (`"<md5 of the part md5s>-<count>"`).
    /// - Throws: ``AWSError`` also when S3 answers 200 with an error document (it may, after a long assembly).
    @discardableResult
    public func completeMultipartUpload(bucket: String, key: String, uploadID: String, parts: [CompletedPart])
        async throws -> String?
    {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts.sorted(by: { $0.number < $1.number }) {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(Self.xmlEscaped(part.eTag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try await send(
            .POST, path(bucket, key), query: [("uploadId", uploadID)],
            headers: [("Content-Type", "application/xml")], body: Data(xml.utf8))
        return try Self.resultETag(response, expecting: "CompleteMultipartUploadResult")
    }

    /// Abandons an upload; S3 frees its parts.
    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        _ = try await send(.DELETE, path(bucket, key), query: [("uploadId", uploadID)])
    }

    /// Stores `body`, in parts of `partSize` bytes when it is larger than that, else in one `PUT`.
    ///
    /// - Returns: the new object's ETag.
    @discardableResult
    public func putObjectMultipart(
        bucket: String, key: String, body: Data, options: PutOptions = .init(),
        partSize: Int = S3Client.defaultPartSize, concurrency: Int = 4
    ) async throws -> String? {
        guard body.count > partSize else {
            return try await putObject(bucket: bucket, key: key, body: body, options: options)
        }
        return try await putObjectMultipart(
            bucket: bucket, key: key, size: Int64(body.count), options: options, partSize: partSize,
            concurrency: concurrency
        ) { range in
            body.subdata(in: Int(range.lowerBound)..<Int(range.upperBound))
        }
    }

    /// Stores the file at `path` in parts, reading one part at a time, so that a file larger than
    /// memory can be uploaded.
    ///
    /// - Returns: the new object's ETag.
    @discardableResult
    public func putObjectMultipart(
        bucket: String, key: String, contentsOfFile filePath: String, options: PutOptions = .init(),
        partSize: Int = S3Client.defaultPartSize, concurrency: Int = 4
    ) async throws -> String? {
        let attributes = try FileManager.default.attributesOfItem(atPath: filePath)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        return try await putObjectMultipart(
            bucket: bucket, key: key, size: size, options: options, partSize: partSize, concurrency: concurrency
        ) { range in
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: filePath))
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(range.lowerBound))
            return try handle.read(upToCount: Int(range.upperBound - range.lowerBound)) ?? Data()
        }
    }

    /// A multipart upload of `size` bytes that `readPart` supplies, one byte range at a time.
    ///
    /// At most `concurrency` parts are in memory and in flight at once. Any failure aborts the upload
    /// (S3 frees the parts) and is rethrown. The part size grows when 10,000 parts would not hold `size`.
    ///
    /// - Returns: the new object's ETag.
    @discardableResult
    public func putObjectMultipart(
        bucket: String, key: String, size: Int64, options: PutOptions = .init(),
        partSize: Int = S3Client.defaultPartSize, concurrency: Int = 4,
        readPart: @escaping @Sendable (Range<Int64>) async throws -> Data
    ) async throws -> String? {
        let partSize = Self.effectivePartSize(for: size, partSize: partSize)
        let partCount = max(1, Int((size + partSize - 1) / partSize))
        let uploadID = try await createMultipartUpload(bucket: bucket, key: key, options: options)
        do {
            let parts = try await withThrowingTaskGroup(of: CompletedPart.self) { group in
                var next = 0
                var parts: [CompletedPart] = []
                func addPart() {
                    let number = next + 1
                    let range = Int64(next) * partSize..<min(size, Int64(next + 1) * partSize)
                    next += 1
                    group.addTask {
                        let data = try await readPart(range)
                        guard data.count == range.count else {
                            throw AWSError(
                                code: "IncompleteBody", message: "part \(number) has \(data.count) bytes, not \(range.count)",
                                status: 0)
                        }
                        let eTag = try await uploadPart(bucket: bucket, key: key, uploadID: uploadID, number: number, body: data)
                        return CompletedPart(number: number, eTag: eTag)
                    }
                }
                while next < min(max(1, concurrency), partCount) { addPart() }
                for try await part in group {
                    parts.append(part)
                    if next < partCount { addPart() }
                }
                return parts
            }
            return try await completeMultipartUpload(bucket: bucket, key: key, uploadID: uploadID, parts: parts)
        } catch {
            try? await abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
            throw error
        }
    }

    // MARK: results

    /// The `ETag` of a `<expected>` document, or the ``AWSError`` of an `<Error>` one.
    static func resultETag(_ response: AWSClient.Response, expecting expected: String) throws -> String? {
        guard let root = try? XMLTree.parse(response.body) else {
            throw AWSError(code: "MalformedResponse", message: "not an XML document", status: response.status)
        }
        if root.name == "Error" {
            throw AWSError(xml: response.body, status: response.status)
        }
        // moto names the completion document `CompleteMultipartUploadResponse`.
        guard root.name == expected || root.name == expected.replacingOccurrences(of: "Result", with: "Response") else {
            throw AWSError(code: "MalformedResponse", message: "not a \(expected) document", status: response.status)
        }
        return root.child("ETag")?.text
    }

    static func xmlEscaped(_ text: String) -> String { XMLTree.escaped(text) }
}
