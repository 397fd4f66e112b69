#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Listing in S3 order over a directory tree.
//
// A directory's entries are visited in the byte order of the keys they hold: a file `n` holds the
// key `dir/n`, a directory `n` holds keys that all start with `dir/n/`. Sorting entries by `n` for
// files and `n/` for directories therefore yields keys in UTF-8 byte order (`a-c` < `a/b`, since
// `-` < `/`), without reading the whole tree first. Only the directory the prefix names is opened
// at the top; subtrees wholly before `startAfter` are skipped, and with the delimiter `/` a
// subdirectory becomes a common prefix without being walked (beyond finding one object in it).
extension FileObjectStore {
    func list(_ request: ObjectListRequest) throws -> ObjectListing {
        let prefix = Array(request.prefix.utf8)
        let lastSlash = prefix.lastIndex(of: UInt8(ascii: "/"))
        let directoryKey = lastSlash.map { Array(prefix[...$0]) } ?? []
        let namePrefix = lastSlash.map { Array(prefix[($0 + 1)...]) } ?? prefix
        var page = ListingPage(request: request)
        // A prefix whose directory part cannot be a path (`a//`, `../`) names no object.
        if directoryKey.isEmpty || Self.isStorable(key: String(decoding: directoryKey.dropLast(), as: UTF8.self)) {
            let base = bucketDirectory(request.bucket)
            var walk = Walk(store: self, bucket: request.bucket, base: base, page: page)
            try walk.visit(directoryKey: directoryKey, namePrefix: namePrefix)
            page = walk.page
        }
        return page.listing
    }

    struct Walk {
        let store: FileObjectStore
        let bucket: String
        let base: String
        var page: ListingPage

        /// The bytes of the path of a directory key (which ends with `/`, or is empty for the bucket).
        func path(of directoryKey: [UInt8]) -> String {
            directoryKey.isEmpty ? base : base + "/" + String(decoding: directoryKey.dropLast(), as: UTF8.self)
        }

        mutating func visit(directoryKey: [UInt8], namePrefix: [UInt8]) throws {
            let directory = path(of: directoryKey)
            guard let entries = try FileSystem.entries(directory) else { return }
            var visible: [(sortKey: [UInt8], name: [UInt8], kind: FileKind)] = []
            visible.reserveCapacity(entries.count)
            for entry in entries where entry.name.starts(with: namePrefix) {
                guard String(validating: entry.name, as: UTF8.self) != nil else { continue }
                let kind = try FileSystem.kind(of: entry, in: directory)
                switch kind {
                case .file: visible.append((entry.name, entry.name, .file))
                case .directory: visible.append((entry.name + [UInt8(ascii: "/")], entry.name, .directory))
                default: continue
                }
            }
            visible.sort { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
            for entry in visible {
                if page.isComplete { return }
                let keyOrGroup = directoryKey + entry.sortKey
                if entry.kind == .file {
                    guard keyOrGroup.count <= 1024 else { continue }
                    try page.offer(key: keyOrGroup) { key in
                        try store.describeListed(bucket: bucket, key: key, path: directory + "/" + String(decoding: entry.name, as: UTF8.self))
                    }
                    continue
                }
                // Every key below starts with `keyOrGroup`: skip the subtree when all of it is at or before startAfter.
                if let after = page.startAfter, !after.lexicographicallyPrecedes(keyOrGroup), !after.starts(with: keyOrGroup) {
                    continue
                }
                // With `/` as delimiter every key below is rolled up into this one common prefix.
                if page.groupsWholeDirectories {
                    if page.wouldAcceptGroup(keyOrGroup), try containsObject(directoryKey: keyOrGroup) {
                        page.offerGroup(keyOrGroup)
                    }
                    continue
                }
                try visit(directoryKey: keyOrGroup, namePrefix: [])
            }
        }

        /// Whether the subtree of a directory key holds at least one listable object.
        func containsObject(directoryKey: [UInt8]) throws -> Bool {
            let directory = path(of: directoryKey)
            guard let entries = try FileSystem.entries(directory) else { return false }
            var subdirectories: [[UInt8]] = []
            for entry in entries {
                guard String(validating: entry.name, as: UTF8.self) != nil else { continue }
                let kind = try FileSystem.kind(of: entry, in: directory)
                if kind == .file && directoryKey.count + entry.name.count <= 1024 { return true }
                if kind == .directory { subdirectories.append(directoryKey + entry.name + [UInt8(ascii: "/")]) }
            }
            for subdirectory in subdirectories where try containsObject(directoryKey: subdirectory) { return true }
            return false
        }
    }

    /// The description of a listed file (as HeadObject gives it), nil when it is not the key's
    /// latest version (a delete left it behind, interrupted).
    func describeListed(bucket: String, key: String, path: String) throws -> ObjectInfo? {
        guard var st = try FileSystem.linkStatus(path) else { return nil }
        if FileSystem.isSymbolicLink(st) {
            guard let target = try FileSystem.status(path) else { return nil }
            st = target
        }
        guard FileSystem.kind(of: st) == .file else { return nil }
        guard let latest = try versions(of: bucket, key, dataStamp: .some(FileSystem.stamp(of: st)), firstOnly: true).latest,
            latest.path == path
        else { return nil }
        return try describe(latest, bucket: bucket, key: key, versioned: false, fd: nil)
    }
}

/// One page of a listing, fed keys in UTF-8 byte order; the same rules as ``ObjectListing/page(keys:request:info:)``.
struct ListingPage {
    let prefix: [UInt8]
    let delimiter: [UInt8]?
    let startAfter: [UInt8]?
    let limit: Int
    var objects: [ObjectInfo] = []
    var prefixes: [[UInt8]] = []
    var last: [UInt8]?
    var truncated = false

    init(request: ObjectListRequest) {
        prefix = Array(request.prefix.utf8)
        delimiter = request.delimiter.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        startAfter = request.startAfter.map { Array($0.utf8) }
        limit = max(0, request.maxKeys)
    }

    var isComplete: Bool { truncated }

    /// With the delimiter `/`, every subdirectory of the prefix's directory is one common prefix.
    var groupsWholeDirectories: Bool { delimiter == [UInt8(ascii: "/")] }

    var listing: ObjectListing {
        ObjectListing(
            objects: objects, commonPrefixes: prefixes.map { String(decoding: $0, as: UTF8.self) }, isTruncated: truncated,
            lastReturned: last.map { String(decoding: $0, as: UTF8.self) })
    }

    /// Whether a common prefix would be taken (not already listed, not at or before startAfter).
    func wouldAcceptGroup(_ group: [UInt8]) -> Bool {
        if group == prefixes.last { return false }
        if let startAfter, !startAfter.lexicographicallyPrecedes(group) { return false }
        return true
    }

    mutating func offerGroup(_ group: [UInt8]) {
        guard wouldAcceptGroup(group) else { return }
        guard objects.count + prefixes.count < limit else {
            truncated = true
            return
        }
        prefixes.append(group)
        last = group
    }

    /// Takes a key (or its common prefix); `info` describes it, or says it vanished meanwhile.
    mutating func offer(key: [UInt8], info: (String) throws -> ObjectInfo?) rethrows {
        if let startAfter, !startAfter.lexicographicallyPrecedes(key) { return }
        if let delimiter, let group = commonPrefix(of: key, delimiter: delimiter) {
            offerGroup(group)
            return
        }
        guard objects.count + prefixes.count < limit else {
            truncated = true
            return
        }
        guard let described = try info(String(decoding: key, as: UTF8.self)) else { return }
        objects.append(described)
        last = key
    }

    /// The key up to and including the first delimiter after the prefix, if there is one.
    func commonPrefix(of key: [UInt8], delimiter: [UInt8]) -> [UInt8]? {
        Self.commonPrefix(of: key, prefix: prefix, delimiter: delimiter)
    }

    /// The key up to and including the first `delimiter` after `prefix`, if there is one.
    static func commonPrefix(of key: [UInt8], prefix: [UInt8], delimiter: [UInt8]) -> [UInt8]? {
        let rest = key[prefix.count...]
        guard rest.count >= delimiter.count else { return nil }
        var i = rest.startIndex
        while i + delimiter.count <= rest.endIndex {
            if rest[i..<(i + delimiter.count)].elementsEqual(delimiter) {
                return Array(key[..<(i + delimiter.count)])
            }
            i += 1
        }
        return nil
    }
}
