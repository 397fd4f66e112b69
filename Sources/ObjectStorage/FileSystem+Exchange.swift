#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// An atomic swap of two directory entries, so that a writer can check what it replaced.
extension FileSystem {
    /// `renameat2(…, RENAME_EXCHANGE)` from the C library, looked up at run time: Swift's Glibc
    /// module does not declare it (it needs `_GNU_SOURCE`). Nil where the library has none.
    private static let renameat2: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32)? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(
            symbol, to: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self)
        #else
        return nil
        #endif
    }()

    /// Swaps the entries `a` and `b` (both must exist) in one step. Returns false when the system
    /// cannot (no `renameat2`, or a file system without `RENAME_EXCHANGE`): nothing changed then.
    static func exchange(_ a: String, _ b: String) throws(FileSystemError) -> Bool {
        guard let renameat2 else { return false }
        let exchangeFlag: UInt32 = 2  // RENAME_EXCHANGE
        let result = a.withCString { x in b.withCString { y in renameat2(AT_FDCWD, x, AT_FDCWD, y, exchangeFlag) } }
        if result == 0 { return true }
        if errno == EINVAL || errno == ENOSYS || errno == ENOTSUP { return false }
        throw fail("renameat2", b)
    }
}
