// ListObjectVersions over the two trees that name keys: `objects/` (current versions) and
// `object-metadata/` (every key with a version, delete markers included). Both are walked at once,
// one directory level at a time, in the same byte order as ``FileObjectStore/list(_:)``.
extension FileObjectStore {
    func listVersions(_ request: ObjectVersionListRequest) throws -> ObjectVersionListing {
        let prefix = Array(request.prefix.utf8)
        let lastSlash = prefix.lastIndex(of: UInt8(ascii: "/"))
        let directoryKey = lastSlash.map { Array(prefix[...$0]) } ?? []
        let namePrefix = lastSlash.map { Array(prefix[($0 + 1)...]) } ?? prefix
        var walk = VersionWalk(store: self, bucket: request.bucket, page: VersionListingPage(request: request))
        if directoryKey.isEmpty || Self.isStorable(key: String(decoding: directoryKey.dropLast(), as: UTF8.self)) {
            try walk.visit(directoryKey: directoryKey, namePrefix: namePrefix)
        }
        return walk.page.listing
    }

    /// A key's versions as a listing shows them (version IDs always, `null` included).
    func listedVersions(bucket: String, key: String) throws -> [ObjectVersion] {
        try versions(of: bucket, key).versions.enumerated().map { index, version in
            ObjectVersion(
                info: try describe(version, bucket: bucket, key: key, versioned: true, fd: nil), isLatest: index == 0,
                isDeleteMarker: version.entry.isDeleteMarker)
        }
    }

    struct VersionWalk {
        let store: FileObjectStore
        let bucket: String
        var page: VersionListingPage

        /// The directory of a directory key (ending with `/`, or empty for the bucket) in both trees.
        func paths(of directoryKey: [UInt8]) -> [String] {
            let relative = directoryKey.isEmpty ? "" : "/" + String(decoding: directoryKey.dropLast(), as: UTF8.self)
            return [store.bucketDirectory(bucket) + relative, store.metadataPath + "/" + bucket + relative]
        }

        /// The files and directories of a directory key in both trees, by the key order they hold.
        func entries(of directoryKey: [UInt8], namePrefix: [UInt8]) throws -> [(sortKey: [UInt8], isFile: Bool)] {
            var seen = Set<[UInt8]>()
            var out: [(sortKey: [UInt8], isFile: Bool)] = []
            for directory in paths(of: directoryKey) {
                for entry in try FileSystem.entries(directory) ?? [] where entry.name.starts(with: namePrefix) {
                    guard String(validating: entry.name, as: UTF8.self) != nil else { continue }
                    let kind = try FileSystem.kind(of: entry, in: directory)
                    let sortKey: [UInt8]
                    switch kind {
                    case .file: sortKey = entry.name
                    case .directory: sortKey = entry.name + [UInt8(ascii: "/")]
                    default: continue
                    }
                    if seen.insert(sortKey).inserted { out.append((sortKey, kind == .file)) }
                }
            }
            return out.sorted { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
        }

        mutating func visit(directoryKey: [UInt8], namePrefix: [UInt8]) throws {
            for entry in try entries(of: directoryKey, namePrefix: namePrefix) {
                if page.isComplete { return }
                let keyOrGroup = directoryKey + entry.sortKey
                if entry.isFile {
                    guard keyOrGroup.count <= 1024 else { continue }
                    let key = String(decoding: keyOrGroup, as: UTF8.self)
                    try page.offer(key: keyOrGroup) { try store.listedVersions(bucket: bucket, key: key) }
                    continue
                }
                if page.skipsWholly(keyOrGroup) { continue }
                if page.groupsWholeDirectories {
                    if page.wouldAcceptGroup(keyOrGroup), try containsVersions(directoryKey: keyOrGroup) {
                        page.offerGroup(keyOrGroup)
                    }
                    continue
                }
                try visit(directoryKey: keyOrGroup, namePrefix: [])
            }
        }

        /// Whether any key below a directory key has a version.
        func containsVersions(directoryKey: [UInt8]) throws -> Bool {
            for entry in try entries(of: directoryKey, namePrefix: []) {
                let keyOrGroup = directoryKey + entry.sortKey
                if entry.isFile {
                    guard keyOrGroup.count <= 1024 else { continue }
                    let key = String(decoding: keyOrGroup, as: UTF8.self)
                    if try !store.versions(of: bucket, key, firstOnly: true).versions.isEmpty { return true }
                } else if try containsVersions(directoryKey: keyOrGroup) {
                    return true
                }
            }
            return false
        }
    }
}
