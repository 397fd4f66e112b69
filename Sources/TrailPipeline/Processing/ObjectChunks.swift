import Foundation
import ObjectStorage

/// Reads an object in ranged GETs of `chunkSize` bytes, one range ahead of the consumer, so a log
/// file of any size streams through bounded memory (about two chunks).
public struct ObjectChunks: AsyncSequence, Sendable {
    public typealias Element = Data

    public let store: any ObjectStore
    public let reference: ObjectReference
    public let chunkSize: Int64

    public init(store: any ObjectStore, reference: ObjectReference, chunkSize: Int = 8 << 20) {
        self.store = store
        self.reference = reference
        self.chunkSize = Int64(Swift.max(chunkSize, 64 << 10))
    }

    public func makeAsyncIterator() -> AsyncThrowingStream<Data, any Error>.AsyncIterator {
        let (stream, continuation) = AsyncThrowingStream<Data, any Error>.makeStream(bufferingPolicy: .bufferingOldest(1))
        let store = store
        let reference = reference
        let chunkSize = chunkSize
        let task = Task {
            do {
                let head = try await store.headObject(bucket: reference.bucket, key: reference.key)
                var offset: Int64 = 0
                // Small objects: one GET.
                if head.size <= chunkSize {
                    let object = try await store.getObject(bucket: reference.bucket, key: reference.key, range: nil)
                    if !object.body.isEmpty { await Self.yield(object.body, to: continuation) }
                    continuation.finish()
                    return
                }
                while offset < head.size {
                    try Task.checkCancellation()
                    let last = Swift.min(offset + chunkSize, head.size) - 1
                    let part = try await store.getObject(
                        bucket: reference.bucket, key: reference.key, range: .closed(first: offset, last: last))
                    guard part.info.etag == head.etag else {
                        throw PipelineQueueError("\(reference) changed while it was being read")
                    }
                    guard !part.body.isEmpty else { throw PipelineQueueError("\(reference): empty range at \(offset)") }
                    offset += Int64(part.body.count)
                    await Self.yield(part.body, to: continuation)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream.makeAsyncIterator()
    }

    /// Yields, waiting while the one-chunk buffer is full (back-pressure).
    static func yield(_ data: Data, to continuation: AsyncThrowingStream<Data, any Error>.Continuation) async {
        while true {
            switch continuation.yield(data) {
            case .enqueued, .terminated: return
            case .dropped: try? await Task.sleep(for: .milliseconds(2))
            @unknown default: return
            }
        }
    }
}
