/// What ``FileObjectStore`` knows of an object beyond its bytes, kept outside the key tree at
/// `ROOT/object-metadata/<bucket>/<key>`.
///
/// A small text file, readable with any tool and parsed without Foundation's JSON:
/// ```
/// trailkeeper-object-metadata 1
/// inode=1234<TAB>size=6<TAB>mtime=1700000000.000000123<TAB>etag=…<TAB>content-type=text/plain<TAB>meta.foo=bar<TAB>tag.team=audit
/// ```
/// An object completed from a multipart upload also has `parts=<size>,<size>,…` (its parts' sizes,
/// for GetObjectAttributes).
/// One line per version, newest first. Each line describes the data file it was written for
/// (inode, size, modification time); a line only applies while the data file still has that stamp.
/// A put writes the new line *and* the line of the data file it replaces, before it renames the new
/// data into place: whichever data file a crash leaves, one line describes it. Values are
/// percent-encoded where they contain `%`, `=`, tabs, line breaks or other control characters.
struct ObjectSidecar: Equatable {
    struct Entry: Equatable {
        var stamp: FileStamp
        /// Lowercase hex MD5 of the data file with that stamp.
        var etag: String
        var contentType: String?
        var metadata: [String: String]
        /// The object's tags (`tag.<key>=<value>` fields).
        var tags: [String: String] = [:]
        /// The sizes of the parts a multipart upload was completed from, in order; nil otherwise.
        var partSizes: [Int64]? = nil
    }

    static let header = "trailkeeper-object-metadata 1"

    /// Newest first.
    var entries: [Entry]

    /// The entry written for the data file with `stamp`.
    func entry(matching stamp: FileStamp) -> Entry? {
        entries.first { $0.stamp == stamp }
    }

    func serialized() -> [UInt8] {
        var out = Array(Self.header.utf8)
        out.append(10)
        for entry in entries {
            func field(_ name: String, _ value: String) {
                out.append(contentsOf: name.utf8)
                out.append(UInt8(ascii: "="))
                Self.encode(value, into: &out)
            }
            out.append(contentsOf: "inode=\(entry.stamp.inode)\tsize=\(entry.stamp.size)\tmtime=".utf8)
            out.append(contentsOf: "\(entry.stamp.seconds).".utf8)
            let nanos = String(entry.stamp.nanoseconds)
            out.append(contentsOf: String(repeating: "0", count: max(0, 9 - nanos.count)).utf8)
            out.append(contentsOf: nanos.utf8)
            out.append(9)
            field("etag", entry.etag)
            if let contentType = entry.contentType {
                out.append(9)
                field("content-type", contentType)
            }
            if let partSizes = entry.partSizes {
                out.append(9)
                field("parts", partSizes.map(String.init).joined(separator: ","))
            }
            for (prefix, pairs) in [("meta.", entry.metadata), ("tag.", entry.tags)] {
                for (name, value) in pairs.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                    out.append(9)
                    out.append(contentsOf: prefix.utf8)
                    Self.encode(name, into: &out)
                    out.append(UInt8(ascii: "="))
                    Self.encode(value, into: &out)
                }
            }
            out.append(10)
        }
        return out
    }

    /// Parses a sidecar; nil when it is not one (a damaged sidecar is treated as missing).
    init?(parsing bytes: some Collection<UInt8>) {
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: true)
        guard let first = lines.first, first.elementsEqual(Self.header.utf8) else { return nil }
        var entries: [Entry] = []
        for line in lines.dropFirst() {
            var inode: UInt64?
            var size: Int64?
            var mtime: (Int64, Int64)?
            var etag: String?
            var contentType: String?
            var metadata: [String: String] = [:]
            var tags: [String: String] = [:]
            var partSizes: [Int64]?
            for field in line.split(separator: 9, omittingEmptySubsequences: true) {
                guard let equals = field.firstIndex(of: UInt8(ascii: "=")) else { return nil }
                let name = field[..<equals]
                let value = field[field.index(after: equals)...]
                switch String(decoding: name, as: UTF8.self) {
                case "inode": inode = UInt64(String(decoding: value, as: UTF8.self))
                case "size": size = Int64(String(decoding: value, as: UTF8.self))
                case "mtime":
                    let parts = value.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
                    guard parts.count == 2, let s = Int64(String(decoding: parts[0], as: UTF8.self)),
                        let ns = Int64(String(decoding: parts[1], as: UTF8.self))
                    else { return nil }
                    mtime = (s, ns)
                case "etag": etag = Self.decode(value)
                case "content-type": contentType = Self.decode(value)
                case "parts":
                    let sizes = value.split(separator: UInt8(ascii: ",")).map { Int64(String(decoding: $0, as: UTF8.self)) }
                    guard sizes.allSatisfy({ $0 != nil }) else { return nil }
                    partSizes = sizes.compactMap { $0 }
                default:
                    let metaPrefix = "meta.".utf8
                    let tagPrefix = "tag.".utf8
                    if name.starts(with: tagPrefix) {
                        guard let key = Self.decode(name.dropFirst(tagPrefix.count)), let decoded = Self.decode(value)
                        else { return nil }
                        tags[key] = decoded
                        continue
                    }
                    guard name.starts(with: metaPrefix), let key = Self.decode(name.dropFirst(metaPrefix.count)),
                        let decoded = Self.decode(value)
                    else { return nil }
                    metadata[key] = decoded
                }
            }
            guard let inode, let size, let mtime, let etag else { return nil }
            entries.append(
                Entry(
                    stamp: FileStamp(inode: inode, size: size, seconds: mtime.0, nanoseconds: mtime.1), etag: etag,
                    contentType: contentType, metadata: metadata, tags: tags, partSizes: partSizes))
        }
        self.entries = entries
    }

    init(entries: [Entry]) {
        self.entries = entries
    }

    // MARK: encoding

    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "=")
    }

    static func encode(_ text: String, into out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if needsEscape(byte) {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            } else {
                out.append(byte)
            }
        }
    }

    static func decode(_ bytes: some Collection<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                continue
            }
            guard let hi = iterator.next().flatMap(hexValue), let lo = iterator.next().flatMap(hexValue) else {
                return nil
            }
            out.append(hi << 4 | lo)
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
