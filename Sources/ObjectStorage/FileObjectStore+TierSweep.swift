import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Removal of tier files no object points to any more (left by a crash between the steps of a
// transition, put or delete).
extension FileObjectStore {
    /// Removes the tier files of `bucket` that its objects no longer point to, and copies into a
    /// tier that a crash left unfinished. Only files unchanged for `graceSeconds` (their inode's
    /// change time) are considered, so a transition in progress elsewhere is never disturbed.
    ///
    /// - Returns: how many files were removed.
    @discardableResult
    public func removeOrphanedTierFiles(bucket: String, graceSeconds: Double = 3600) async throws -> Int {
        try await perform { [self] in
            let cutoff = Date().timeIntervalSince1970 - graceSeconds
            var removed = 0
            for storageClass in StorageClass.allCases where storageClass != .standard {
                removed += try removeStaleFiles(in: tierTemporaryDirectory(storageClass), changedBefore: cutoff)
                let base = tierBucketDirectory(storageClass, bucket)
                try sweep(base, relative: "", storageClass: storageClass, bucket: bucket, cutoff: cutoff, removed: &removed)
            }
            return removed
        }
    }

    func sweep(
        _ base: String, relative: String, storageClass: StorageClass, bucket: String, cutoff: Double, removed: inout Int
    ) throws {
        let directory = relative.isEmpty ? base : base + "/" + relative
        for entry in try FileSystem.entries(directory) ?? [] {
            guard let name = String(validating: entry.name, as: UTF8.self) else { continue }
            let key = relative.isEmpty ? name : relative + "/" + name
            let path = directory + "/" + name
            guard let st = try FileSystem.linkStatus(path) else { continue }
            switch FileSystem.kind(of: st) {
            case .directory:
                try sweep(base, relative: key, storageClass: storageClass, bucket: bucket, cutoff: cutoff, removed: &removed)
                if try FileSystem.removeDirectory(path) { try FileSystem.fsyncDirectory(directory) }
            case .file where Self.changeTime(st) < cutoff:
                let orphan = try locks.withLock(bucket, key) {
                    try withTierLock {
                        guard Self.isStorable(key: key),
                            try tierLocation(bucket, key) != TierLocation(storageClass: storageClass, path: path)
                        else { return false }
                        return try FileSystem.unlink(path)
                    }
                }
                if orphan {
                    removed += 1
                    try FileSystem.fsyncDirectory(directory)
                }
            default:
                continue
            }
        }
    }

    /// Removes the files of `directory` whose inode has not changed since `cutoff`.
    func removeStaleFiles(in directory: String, changedBefore cutoff: Double) throws -> Int {
        var removed = 0
        for entry in try FileSystem.entries(directory) ?? [] {
            let path = directory + "/" + String(decoding: entry.name, as: UTF8.self)
            if let st = try FileSystem.linkStatus(path), FileSystem.kind(of: st) != .directory, Self.changeTime(st) < cutoff,
                try FileSystem.unlink(path)
            {
                removed += 1
            }
        }
        return removed
    }

    /// When the inode last changed (written, linked, renamed), in seconds since 1970.
    static func changeTime(_ st: stat) -> Double {
        #if canImport(Darwin)
        let time = st.st_ctimespec
        #else
        let time = st.st_ctim
        #endif
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1_000_000_000
    }
}
