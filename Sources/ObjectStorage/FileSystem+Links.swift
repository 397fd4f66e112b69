#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Links and copies, for the storage-class tiers of ``FileObjectStore``.
extension FileSystem {
    /// `lstat` (not following a symbolic link), or nil when nothing is there.
    static func linkStatus(_ path: String) throws(FileSystemError) -> stat? {
        var st = stat()
        if path.withCString({ lstat($0, &st) }) == 0 { return st }
        if errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG { return nil }
        throw fail("lstat", path)
    }

    static func isSymbolicLink(_ st: stat) -> Bool { st.st_mode & S_IFMT == S_IFLNK }

    /// The target of a symbolic link; nil when `path` is not one (or is gone).
    static func linkTarget(_ path: String) throws(FileSystemError) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = path.withCString { readlink($0, &buffer, buffer.count - 1) }
        if n < 0 {
            if errno == EINVAL || errno == ENOENT || errno == ENOTDIR { return nil }
            throw fail("readlink", path)
        }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Creates a symbolic link at `path` that points to `target`.
    static func makeSymbolicLink(_ path: String, to target: String) throws(FileSystemError) {
        let result = target.withCString { t in path.withCString { p in symlink(t, p) } }
        if result != 0 { throw fail("symlink", path) }
    }

    /// A second name `to` for the file `from` names (following a symbolic link at `from`).
    /// Throws with `EXDEV` when the two are on different file systems, `EEXIST` when `to` exists.
    static func hardLink(_ from: String, _ to: String) throws(FileSystemError) {
        let result = from.withCString { f in to.withCString { t in linkat(AT_FDCWD, f, AT_FDCWD, t, AT_SYMLINK_FOLLOW) } }
        if result != 0 { throw fail("link", to) }
    }

    /// Copies the bytes of `from` into a new file `to` (which must not exist), gives it the
    /// modification time of `from`, and fsyncs it. A failed copy removes `to`.
    static func copyFile(_ from: String, _ to: String) throws(FileSystemError) {
        let source = try open(from, O_RDONLY)
        defer { close(source) }
        let sourceStatus = try status(source, path: from)
        let destination = try open(to, O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
        do throws(FileSystemError) {
            defer { close(destination) }
            let chunk = 1 << 20
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
            defer { buffer.deallocate() }
            var offset: Int64 = 0
            while true {
                let n = try read(source, into: buffer, at: offset, path: from)
                if n == 0 { break }
                try writeAll(destination, UnsafeRawBufferPointer(rebasing: buffer[..<n]), path: to)
                offset += Int64(n)
            }
            #if canImport(Darwin)
            let modified = sourceStatus.st_mtimespec
            #else
            let modified = sourceStatus.st_mtim
            #endif
            // Access time: UTIME_OMIT ((1 << 30) - 2, a macro Swift does not import); modification time: the source's.
            var times = [timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2), modified]
            if futimens(destination, &times) != 0 { throw fail("futimens", to) }
            try fsync(destination, path: to)
        } catch {
            _ = try? unlink(to)
            throw error
        }
    }
}
