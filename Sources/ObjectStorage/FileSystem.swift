import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: what was attempted and `errno`.
///
/// The description names the operation and the system's message, never the path: paths stay in
/// ``debugDescription`` (logs), as they reveal the data directory's layout.
struct FileSystemError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    var operation: String
    var path: String
    var code: Int32

    var description: String { "\(operation) failed: \(String(cString: strerror(code)))" }
    var debugDescription: String { "\(operation) \(path): \(String(cString: strerror(code))) (errno \(code))" }
}

/// What identifies one version of a data file: rewriting it in place or replacing it changes one of these.
struct FileStamp: Hashable, Sendable {
    var inode: UInt64
    var size: Int64
    var seconds: Int64
    var nanoseconds: Int64

    var lastModified: Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1_000_000_000)
    }
}

/// The kind of a directory entry or path.
enum FileKind {
    case file
    case directory
    case other
}

/// Thin POSIX wrappers: byte-exact paths (no Unicode normalisation), `EINTR` retried, errors thrown.
enum FileSystem {
    static func fail(_ operation: String, _ path: String, _ code: Int32 = errno) -> FileSystemError {
        FileSystemError(operation: operation, path: path, code: code)
    }

    /// Opens `path`; retries on `EINTR`.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(FileSystemError) -> Int32 {
        while true {
            let fd = path.withCString { systemOpen($0, flags | O_CLOEXEC, mode) }
            if fd >= 0 { return fd }
            if errno != EINTR { throw fail("open", path) }
        }
    }

    static func close(_ fd: Int32) {
        _ = systemClose(fd)
    }

    /// Writes every byte of `bytes` at the current offset.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileSystemError) {
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write", path)
            }
            offset += n
        }
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; fewer only at end of file.
    static func read(
        _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64, path: String
    ) throws(FileSystemError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("read", path)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    static func fsync(_ fd: Int32, path: String) throws(FileSystemError) {
        while systemFsync(fd) != 0 {
            if errno != EINTR { throw fail("fsync", path) }
        }
    }

    /// Makes a directory's entries (new, renamed or removed files) durable.
    static func fsyncDirectory(_ path: String) throws(FileSystemError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    static func stamp(of st: stat) -> FileStamp {
        #if canImport(Darwin)
        let time = st.st_mtimespec
        #else
        let time = st.st_mtim
        #endif
        return FileStamp(
            inode: UInt64(st.st_ino), size: Int64(st.st_size), seconds: Int64(time.tv_sec),
            nanoseconds: Int64(time.tv_nsec))
    }

    static func kind(of st: stat) -> FileKind {
        switch st.st_mode & S_IFMT {
        case S_IFREG: .file
        case S_IFDIR: .directory
        default: .other
        }
    }

    /// `stat` (following symbolic links), or nil when nothing is there.
    static func status(_ path: String) throws(FileSystemError) -> stat? {
        var st = stat()
        if path.withCString({ stat($0, &st) }) == 0 { return st }
        if errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG { return nil }
        throw fail("stat", path)
    }

    static func status(_ fd: Int32, path: String) throws(FileSystemError) -> stat {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw fail("fstat", path) }
        return st
    }

    /// Creates a directory; returns false when something already exists at `path`.
    static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(FileSystemError) -> Bool {
        if path.withCString({ mkdir($0, mode) }) == 0 { return true }
        if errno == EEXIST { return false }
        throw fail("mkdir", path)
    }

    /// Creates `path` and its missing parents (like `mkdir -p`).
    static func makeDirectories(_ path: String) throws(FileSystemError) {
        if let st = try status(path), kind(of: st) == .directory { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeDirectories(parent) }
        _ = try makeDirectory(path)
    }

    static func rename(_ from: String, _ to: String) throws(FileSystemError) {
        let result = from.withCString { f in to.withCString { t in systemRename(f, t) } }
        if result != 0 { throw fail("rename", to) }
    }

    /// Removes a file; returns false when there was none (or it is a directory).
    @discardableResult
    static func unlink(_ path: String) throws(FileSystemError) -> Bool {
        if path.withCString({ systemUnlink($0) }) == 0 { return true }
        if errno == ENOENT || errno == ENOTDIR || errno == EISDIR || errno == EPERM && isDirectory(path) { return false }
        throw fail("unlink", path)
    }

    /// Removes an empty directory; returns false when it is missing or not empty.
    @discardableResult
    static func removeDirectory(_ path: String) throws(FileSystemError) -> Bool {
        if path.withCString({ rmdir($0) }) == 0 { return true }
        if errno == ENOENT || errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR { return false }
        throw fail("rmdir", path)
    }

    static func isDirectory(_ path: String) -> Bool {
        guard let st = try? status(path) else { return false }
        return kind(of: st) == .directory
    }

    /// One directory entry: its name's bytes and, when the file system says, its kind.
    struct Entry {
        var name: [UInt8]
        var kind: FileKind?
    }

    /// The entries of a directory (without `.` and `..`); nil when it does not exist.
    static func entries(_ path: String) throws(FileSystemError) -> [Entry]? {
        guard let dir = path.withCString({ opendir($0) }) else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw fail("opendir", path)
        }
        defer { closedir(dir) }
        var out: [Entry] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> [UInt8] in
                let bytes = raw.bindMemory(to: UInt8.self)
                let length = bytes.firstIndex(of: 0) ?? bytes.count
                return Array(bytes[..<length])
            }
            if name == [46] || name == [46, 46] { continue }
            let kind: FileKind? =
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_REG): .file
                case Int32(DT_DIR): .directory
                case Int32(DT_UNKNOWN), Int32(DT_LNK): nil
                default: .other
                }
            out.append(Entry(name: name, kind: kind))
        }
        return out
    }

    /// The kind of a directory entry: as `readdir` said, else by `stat` (nil when it vanished).
    static func kind(of entry: Entry, in directory: String) throws(FileSystemError) -> FileKind? {
        if let kind = entry.kind { return kind }
        return try status(directory + "/" + String(decoding: entry.name, as: UTF8.self)).map(kind(of:))
    }

    /// Removes `path` and everything under it; missing is fine.
    static func removeTree(_ path: String) throws(FileSystemError) {
        guard let st = try status(path) else { return }
        if kind(of: st) != .directory {
            try unlink(path)
            return
        }
        for entry in try entries(path) ?? [] {
            try removeTree(path + "/" + String(decoding: entry.name, as: UTF8.self))
        }
        try removeDirectory(path)
    }
}

// The C functions under names that do not clash with `FileSystem`'s own.
private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
private func systemFsync(_ fd: Int32) -> Int32 { fsync(fd) }
private func systemRename(_ from: UnsafePointer<CChar>, _ to: UnsafePointer<CChar>) -> Int32 { rename(from, to) }
private func systemUnlink(_ path: UnsafePointer<CChar>) -> Int32 { unlink(path) }
