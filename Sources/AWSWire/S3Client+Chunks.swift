import Foundation
import NIOHTTP1

extension S3Client {
    /// An object's bytes as a sequence of chunks, each fetched with its own ranged `GET` when the
    /// consumer asks for it, so an object larger than memory can be streamed to disk or a hash.
    ///
    /// Chunks after the first are asked for with `If-Match` on the first chunk's ETag: an object
    /// replaced mid-read fails with `PreconditionFailed` instead of mixing two versions. Each
    /// chunk request has ``AWSClient``'s retries.
    public struct ObjectChunks: AsyncSequence, Sendable {
        public typealias Element = Data

        let client: S3Client
        let bucket: String
        let key: String
        let chunkSize: Int

        /// Fetches the next chunk when asked.
        public struct AsyncIterator: AsyncIteratorProtocol {
            let chunks: ObjectChunks
            var offset: Int64 = 0
            var total: Int64?
            var eTag: String?

            /// The next chunk, or nil after the last one.
            public mutating func next() async throws -> Data? {
                if let total, offset >= total { return nil }
                let last = offset + Int64(chunks.chunkSize) - 1
                var headers = [("Range", "bytes=\(offset)-\(last)")]
                if let eTag { headers.append(("If-Match", eTag)) }
                let response: AWSClient.Response
                do {
                    response = try await chunks.client.send(
                        .GET, chunks.client.path(chunks.bucket, chunks.key), headers: headers)
                } catch let error as AWSError where error.code == "InvalidRange" && offset == 0 {
                    total = 0  // an empty object has no byte 0
                    return nil
                }
                let head = S3Client.head(response.headers)
                eTag = eTag ?? head.eTag
                if response.status == 206, let range = head.contentRange, let size = Self.total(ofContentRange: range) {
                    total = size
                } else {
                    // The whole object came back (the server ignored the range).
                    total = offset + Int64(response.body.count)
                }
                offset += Int64(response.body.count)
                if response.body.isEmpty { total = offset }
                return response.body.isEmpty ? nil : response.body
            }

            /// `bytes 0-99/1234` → 1234.
            static func total(ofContentRange text: String) -> Int64? {
                text.split(separator: "/").last.flatMap { Int64($0) }
            }
        }

        /// An iterator starting at the object's first byte.
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(chunks: self)
        }
    }

    /// The object's bytes as chunks of at most `chunkSize` bytes (8 MiB by default), fetched one at a time.
    public func objectChunks(bucket: String, key: String, chunkSize: Int = S3Client.defaultPartSize) -> ObjectChunks {
        ObjectChunks(client: self, bucket: bucket, key: key, chunkSize: max(1, chunkSize))
    }

    /// Downloads an object to the file at `filePath` (replaced), chunk by chunk.
    ///
    /// - Returns: the number of bytes written.
    @discardableResult
    public func downloadObject(bucket: String, key: String, toFile filePath: String, chunkSize: Int = S3Client.defaultPartSize)
        async throws -> Int64
    {
        guard FileManager.default.createFile(atPath: filePath, contents: nil) else {
            throw AWSError(code: "LocalFileError", message: "cannot create \(filePath)", status: 0)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filePath))
        defer { try? handle.close() }
        var written: Int64 = 0
        for try await chunk in objectChunks(bucket: bucket, key: key, chunkSize: chunkSize) {
            try handle.write(contentsOf: chunk)
            written += Int64(chunk.count)
        }
        return written
    }
}
