import Foundation

/// What ``FileObjectStore`` knows of an object beyond its bytes, kept outside the key tree at
/// `ROOT/object-metadata/<bucket>/<key>`: the key's versions.
///
/// A small text file, readable with any tool and parsed without Foundation's JSON:
/// ```
/// trailkeeper-object-metadata 1
/// inode=1234<TAB>size=6<TAB>mtime=1700000000.000000123<TAB>etag=…<TAB>content-type=text/plain<TAB>meta.foo=bar<TAB>tag.team=audit
/// id=0006…<TAB>inode=…<TAB>…<TAB>lock=COMPLIANCE<TAB>until=1900000000.000000000<TAB>hold=1
/// id=0006…<TAB>null=1<TAB>marker=1<TAB>time=1700000000.000000000<TAB>etag=
/// ```
/// One line per version, newest first. A data version's line describes the file it was written
/// for (inode, size, modification time): the current version's bytes are `objects/<bucket>/<key>`,
/// older versions' are hard links under `versions/` named by `id` (see ``FileObjectStore``); a line
/// only applies while a file with that stamp exists. Lines without `id` were written while the
/// bucket was unversioned (null versions). A put writes the new line *and* keeps the line of the
/// data file it replaces, before it renames the new data into place: whichever data file a crash
/// leaves, one line describes it. Values are percent-encoded where they contain `%`, `=`, tabs,
/// line breaks or other control characters.
/// An object completed from a multipart upload also has `parts=<size>,<size>,…` (its parts' sizes,
/// for GetObjectAttributes).
struct ObjectSidecar: Equatable {
    struct Entry: Equatable, VersionEntry {
        /// The data file's stamp; nil for a delete marker.
        var stamp: FileStamp?
        /// Lowercase hex MD5 of the data file with that stamp.
        var etag: String
        var contentType: String?
        var metadata: [String: String]
        /// The object's tags (`tag.<key>=<value>` fields).
        var tags: [String: String]
        /// The version's ID (also its file name under `versions/`); nil for versions written
        /// while the bucket was unversioned.
        var id: String?
        /// S3's null version (written while unversioned or suspended).
        var isNullVersion: Bool
        /// When a delete marker was made (data versions have their file's time).
        var markerTime: Date?
        var retention: ObjectRetention?
        var legalHold: Bool?
        /// The sizes of the parts a multipart upload was completed from, in order; nil otherwise.
        var partSizes: [Int64]?

        init(
            stamp: FileStamp?, etag: String, contentType: String?, metadata: [String: String], tags: [String: String] = [:],
            id: String? = nil, isNullVersion: Bool = true, markerTime: Date? = nil, retention: ObjectRetention? = nil,
            legalHold: Bool? = nil, partSizes: [Int64]? = nil
        ) {
            self.partSizes = partSizes
            self.stamp = stamp
            self.etag = etag
            self.contentType = contentType
            self.metadata = metadata
            self.tags = tags
            self.id = id
            self.isNullVersion = isNullVersion || id == nil
            self.markerTime = markerTime
            self.retention = retention
            self.legalHold = legalHold
        }

        var isDeleteMarker: Bool { stamp == nil }
        /// The ID clients see: `null` for the null version.
        var externalID: String { isNullVersion ? "null" : id ?? "null" }
        var lastModified: Date { stamp?.lastModified ?? markerTime ?? Date(timeIntervalSince1970: 0) }
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
            if let id = entry.id {
                out.append(contentsOf: "id=\(id)\t".utf8)
                if entry.isNullVersion { out.append(contentsOf: "null=1\t".utf8) }
            }
            if let stamp = entry.stamp {
                out.append(contentsOf: "inode=\(stamp.inode)\tsize=\(stamp.size)\tmtime=".utf8)
                Self.appendTime(seconds: stamp.seconds, nanoseconds: stamp.nanoseconds, to: &out)
            } else {
                out.append(contentsOf: "marker=1\ttime=".utf8)
                Self.appendTime(entry.markerTime ?? Date(timeIntervalSince1970: 0), to: &out)
            }
            out.append(9)
            field("etag", entry.etag)
            if let retention = entry.retention {
                out.append(contentsOf: "\tlock=\(retention.mode.rawValue)\tuntil=".utf8)
                Self.appendTime(retention.retainUntil, to: &out)
            }
            if let hold = entry.legalHold { out.append(contentsOf: "\thold=\(hold ? 1 : 0)".utf8) }
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

    /// `seconds.nanoseconds`, nine digits after the point.
    static func appendTime(seconds: Int64, nanoseconds: Int64, to out: inout [UInt8]) {
        out.append(contentsOf: "\(seconds).".utf8)
        let nanos = String(nanoseconds)
        out.append(contentsOf: String(repeating: "0", count: max(0, 9 - nanos.count)).utf8)
        out.append(contentsOf: nanos.utf8)
    }

    static func appendTime(_ date: Date, to out: inout [UInt8]) {
        let time = date.timeIntervalSince1970
        let seconds = Int64(time.rounded(.down))
        appendTime(seconds: seconds, nanoseconds: Swift.min(999_999_999, Int64(((time - Double(seconds)) * 1e9).rounded())), to: &out)
    }

    /// Parses `seconds.nanoseconds`.
    static func parseTime(_ value: some Collection<UInt8>) -> (Int64, Int64)? {
        let parts = value.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 2, let s = Int64(String(decoding: parts[0], as: UTF8.self)),
            let ns = Int64(String(decoding: parts[1], as: UTF8.self))
        else { return nil }
        return (s, ns)
    }

    static func date(_ time: (Int64, Int64)) -> Date {
        Date(timeIntervalSince1970: Double(time.0) + Double(time.1) / 1_000_000_000)
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
            var id: String?
            var isNull = false
            var isMarker = false
            var time: (Int64, Int64)?
            var lockMode: ObjectLockMode?
            var until: (Int64, Int64)?
            var hold: Bool?
            for field in line.split(separator: 9, omittingEmptySubsequences: true) {
                guard let equals = field.firstIndex(of: UInt8(ascii: "=")) else { return nil }
                let name = field[..<equals]
                let value = field[field.index(after: equals)...]
                let text = String(decoding: value, as: UTF8.self)
                switch String(decoding: name, as: UTF8.self) {
                case "inode": inode = UInt64(text)
                case "size": size = Int64(text)
                case "mtime":
                    guard let parsed = Self.parseTime(value) else { return nil }
                    mtime = parsed
                case "etag": etag = Self.decode(value)
                case "content-type": contentType = Self.decode(value)
                case "parts":
                    let sizes = value.split(separator: UInt8(ascii: ",")).map { Int64(String(decoding: $0, as: UTF8.self)) }
                    guard sizes.allSatisfy({ $0 != nil }) else { return nil }
                    partSizes = sizes.compactMap { $0 }
                case "id": id = text
                case "null": isNull = text == "1"
                case "marker": isMarker = text == "1"
                case "time": time = Self.parseTime(value)
                case "lock": lockMode = ObjectLockMode(rawValue: text)
                case "until": until = Self.parseTime(value)
                case "hold": hold = text == "1"
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
            guard let etag else { return nil }
            if isMarker {
                guard let id, let time else { return nil }
                entries.append(
                    Entry(
                        stamp: nil, etag: etag, contentType: nil, metadata: [:], id: id, isNullVersion: isNull,
                        markerTime: Self.date(time)))
                continue
            }
            guard let inode, let size, let mtime else { return nil }
            let retention = lockMode.flatMap { mode in until.map { ObjectRetention(mode: mode, retainUntil: Self.date($0)) } }
            entries.append(
                Entry(
                    stamp: FileStamp(inode: inode, size: size, seconds: mtime.0, nanoseconds: mtime.1), etag: etag,
                    contentType: contentType, metadata: metadata, tags: tags, id: id, isNullVersion: isNull,
                    retention: retention, legalHold: hold, partSizes: partSizes))
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
