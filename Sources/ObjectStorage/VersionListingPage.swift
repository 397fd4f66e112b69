/// One page of a version listing, fed keys in UTF-8 byte order (S3's ListObjectVersions rules):
/// keys at or before `keyMarker` are skipped, except that with a `versionIdMarker` the marker
/// key's versions after that one come first; keys holding the delimiter after the prefix become
/// one common prefix; versions and common prefixes count together towards `maxKeys`.
struct VersionListingPage {
    let prefix: [UInt8]
    let delimiter: [UInt8]?
    let keyMarker: [UInt8]?
    let versionIdMarker: String?
    let limit: Int
    var versions: [ObjectVersion] = []
    var prefixes: [[UInt8]] = []
    var truncated = false
    var nextKeyMarker: [UInt8]?
    var nextVersionIdMarker: String?

    init(request: ObjectVersionListRequest) {
        prefix = Array(request.prefix.utf8)
        delimiter = request.delimiter.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        keyMarker = request.keyMarker.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        versionIdMarker = keyMarker == nil ? nil : request.versionIdMarker.flatMap { $0.isEmpty ? nil : $0 }
        limit = max(0, request.maxKeys)
    }

    var isComplete: Bool { truncated }
    var count: Int { versions.count + prefixes.count }

    /// With the delimiter `/`, every subdirectory of the prefix's directory is one common prefix.
    var groupsWholeDirectories: Bool { delimiter == [UInt8(ascii: "/")] }

    var listing: ObjectVersionListing {
        ObjectVersionListing(
            versions: versions, commonPrefixes: prefixes.map { String(decoding: $0, as: UTF8.self) }, isTruncated: truncated,
            nextKeyMarker: truncated ? nextKeyMarker.map { String(decoding: $0, as: UTF8.self) } : nil,
            nextVersionIdMarker: truncated ? nextVersionIdMarker : nil)
    }

    /// Whether everything under `group` (a directory key ending in `/`) lies at or before the key marker.
    func skipsWholly(_ group: [UInt8]) -> Bool {
        guard let keyMarker else { return false }
        return !keyMarker.lexicographicallyPrecedes(group) && !keyMarker.starts(with: group)
    }

    /// Whether a common prefix would be taken (not already listed, not at or before the key marker).
    func wouldAcceptGroup(_ group: [UInt8]) -> Bool {
        if group == prefixes.last { return false }
        if let keyMarker, !keyMarker.lexicographicallyPrecedes(group) { return false }
        return true
    }

    mutating func offerGroup(_ group: [UInt8]) {
        guard wouldAcceptGroup(group) else { return }
        guard count < limit else {
            truncated = true
            return
        }
        prefixes.append(group)
        nextKeyMarker = group
        nextVersionIdMarker = nil
    }

    /// Takes a key; `versions` lists its versions newest first (empty when it has none left).
    mutating func offer(key: [UInt8], versions list: () throws -> [ObjectVersion]) rethrows {
        if let keyMarker {
            if key.lexicographicallyPrecedes(keyMarker) { return }
            if key == keyMarker && versionIdMarker == nil { return }
        }
        if let delimiter, let group = ListingPage.commonPrefix(of: key, prefix: prefix, delimiter: delimiter) {
            guard wouldAcceptGroup(group), try !list().isEmpty else { return }
            offerGroup(group)
            return
        }
        var all = try list()
        if key == keyMarker, let versionIdMarker {
            guard let index = all.firstIndex(where: { $0.versionId == versionIdMarker }) else { return }
            all.removeFirst(index + 1)
        }
        for version in all {
            guard count < limit else {
                truncated = true
                return
            }
            versions.append(version)
            nextKeyMarker = key
            nextVersionIdMarker = version.versionId
        }
    }
}
