import Synchronization

/// Striped locks that serialise writers of one key within the process.
///
/// Keys hash onto a fixed set of mutexes, so two keys may share one; a lock is only held for the
/// few system calls that install a sidecar and rename a file, on a Dispatch thread.
final class KeyLocks: Sendable {
    final class Stripe: Sendable {
        let mutex = Mutex(())
    }

    private let stripes: [Stripe] = (0..<64).map { _ in Stripe() }

    func withLock<T>(_ bucket: String, _ key: String, _ body: () throws -> T) throws -> T {
        var hasher = Hasher()
        hasher.combine(bucket)
        hasher.combine(key)
        let stripe = stripes[Int(UInt(bitPattern: hasher.finalize()) % UInt(stripes.count))]
        return try stripe.mutex.withLock { _ in
            // Mutex.withLock wants a `sending` result; T stays within this thread.
            try Unsendable(body()).value
        }
    }
}

/// Carries a value out of `Mutex.withLock` on the same thread.
private struct Unsendable<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

/// MD5s of data files that have no sidecar entry (changed on disk, or never written through the
/// store), by path and stamp; bounded, and only ever a cache of what the file itself says.
final class ETagCache: Sendable {
    struct Entry: Sendable {
        var stamp: FileStamp
        var etag: String
    }

    private let entries = Mutex<[[UInt8]: Entry]>([:])
    private let capacity = 16_384

    func etag(path: String, stamp: FileStamp) -> String? {
        let key = Array(path.utf8)
        return entries.withLock { entries in
            guard let entry = entries[key], entry.stamp == stamp else { return nil }
            return entry.etag
        }
    }

    func store(_ etag: String, path: String, stamp: FileStamp) {
        let key = Array(path.utf8)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(stamp: stamp, etag: etag)
        }
    }
}
