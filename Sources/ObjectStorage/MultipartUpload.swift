import Crypto
import Foundation

/// A multipart upload in progress: created by ``ObjectStore/createMultipartUpload(bucket:key:properties:storageClass:)``,
/// fed parts, and then completed into one object or aborted.
public struct MultipartUpload: Sendable, Hashable {
    /// The ID the upload's parts, completion and abort name.
    public var uploadID: String
    /// The key the completed object will have.
    public var key: String
    /// When the upload was created.
    public var initiated: Date
    /// The storage class the completed object will have.
    public var storageClass: String

    public init(uploadID: String, key: String, initiated: Date, storageClass: String = "STANDARD") {
        self.uploadID = uploadID
        self.key = key
        self.initiated = initiated
        self.storageClass = storageClass
    }
}

/// A part of an upload, as UploadPart and ListParts describe it.
public struct UploadedPart: Sendable, Hashable {
    /// 1 to 10,000.
    public var partNumber: Int
    /// Lowercase hex MD5 of the part's bytes, without quotes.
    public var etag: String
    public var size: Int64
    public var lastModified: Date

    public init(partNumber: Int, etag: String, size: Int64, lastModified: Date) {
        self.partNumber = partNumber
        self.etag = etag
        self.size = size
        self.lastModified = lastModified
    }
}

/// A part named in a completion request: its number and the ETag UploadPart gave it.
public struct CompletedPart: Sendable, Hashable {
    public var partNumber: Int
    /// The part's ETag, with or without its quotes.
    public var etag: String

    public init(partNumber: Int, etag: String) {
        self.partNumber = partNumber
        self.etag = etag
    }
}

/// One page of an upload's parts, in part-number order.
public struct PartListing: Sendable, Hashable {
    public var parts: [UploadedPart]
    /// Whether parts follow after the last one listed.
    public var isTruncated: Bool
    /// The storage class of the upload.
    public var storageClass: String

    public init(parts: [UploadedPart], isTruncated: Bool, storageClass: String) {
        self.parts = parts
        self.isTruncated = isTruncated
        self.storageClass = storageClass
    }
}

/// What ``ObjectStore/listMultipartUploads(_:)`` lists.
public struct MultipartUploadListRequest: Sendable, Hashable {
    public var bucket: String
    public var prefix: String
    /// Groups keys that contain this string after the prefix into common prefixes.
    public var delimiter: String?
    /// Lists uploads of keys after this one (and, with ``uploadIDMarker``, later uploads of this key).
    public var keyMarker: String?
    /// With ``keyMarker``: the upload of that key after which the listing continues.
    public var uploadIDMarker: String?
    /// At most this many uploads and common prefixes together (S3: 1000).
    public var maxUploads: Int

    public init(
        bucket: String, prefix: String = "", delimiter: String? = nil, keyMarker: String? = nil,
        uploadIDMarker: String? = nil, maxUploads: Int = 1000
    ) {
        self.bucket = bucket
        self.prefix = prefix
        self.delimiter = delimiter
        self.keyMarker = keyMarker
        self.uploadIDMarker = uploadIDMarker
        self.maxUploads = maxUploads
    }
}

/// One page of uploads in progress: by key in UTF-8 byte order, then by initiation time.
public struct MultipartUploadListing: Sendable, Hashable {
    public var uploads: [MultipartUpload]
    public var commonPrefixes: [String]
    public var isTruncated: Bool
    /// Where the next page starts (S3's `NextKeyMarker` and `NextUploadIdMarker`).
    public var nextKeyMarker: String?
    public var nextUploadIDMarker: String?

    public init(
        uploads: [MultipartUpload], commonPrefixes: [String], isTruncated: Bool, nextKeyMarker: String?,
        nextUploadIDMarker: String?
    ) {
        self.uploads = uploads
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.nextKeyMarker = nextKeyMarker
        self.nextUploadIDMarker = nextUploadIDMarker
    }
}

/// S3's rules for multipart uploads, shared by the stores that keep parts themselves.
public enum MultipartRules {
    /// The smallest part S3 accepts but for the last one: 5 MiB.
    public static let minimumPartSize: Int64 = 5 * 1024 * 1024
    /// Part numbers run from 1 to 10,000.
    public static let partNumbers = 1...10_000

    /// S3's ETag of a multipart object: the MD5 of the parts' binary MD5s, then `-<count>`.
    public static func etag(ofPartETags etags: [String]) -> String {
        var md5 = Insecure.MD5()
        for etag in etags {
            md5.update(data: hexBytes(etag))
        }
        return md5.finalize().map { String(format: "%02x", $0) }.joined() + "-\(etags.count)"
    }

    /// The parts of `uploaded` that `requested` names, in order, after S3's checks: part numbers
    /// ascending (``ObjectStoreError/invalidPartOrder``), each uploaded with that ETag
    /// (``ObjectStoreError/invalidPart(partNumber:)``), and every part but the last at least
    /// ``minimumPartSize`` bytes (``ObjectStoreError/entityTooSmall(partNumber:size:)``).
    public static func select(_ requested: [CompletedPart], from uploaded: [Int: UploadedPart]) throws -> [UploadedPart] {
        guard !requested.isEmpty else { throw ObjectStoreError.invalidPart(partNumber: nil) }
        var previous = 0
        var selected: [UploadedPart] = []
        selected.reserveCapacity(requested.count)
        for part in requested {
            guard part.partNumber > previous else { throw ObjectStoreError.invalidPartOrder }
            previous = part.partNumber
            guard let found = uploaded[part.partNumber], found.etag == unquoted(part.etag) else {
                throw ObjectStoreError.invalidPart(partNumber: part.partNumber)
            }
            selected.append(found)
        }
        for part in selected.dropLast() where part.size < minimumPartSize {
            throw ObjectStoreError.entityTooSmall(partNumber: part.partNumber, size: part.size)
        }
        return selected
    }

    /// The parts after `marker`, at most `maxParts` of them.
    public static func page(_ parts: [UploadedPart], after marker: Int, maxParts: Int, storageClass: String) -> PartListing {
        let after = parts.filter { $0.partNumber > marker }.sorted { $0.partNumber < $1.partNumber }
        let limit = Swift.max(0, maxParts)
        return PartListing(parts: Array(after.prefix(limit)), isTruncated: after.count > limit, storageClass: storageClass)
    }

    /// An ETag without its quotes (and without a weak `W/` marker).
    public static func unquoted(_ etag: String) -> String {
        var tag = Substring(etag.trimmingCharacters(in: .whitespaces))
        if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
        if tag.count >= 2, tag.hasPrefix("\""), tag.hasSuffix("\"") { tag = tag.dropFirst().dropLast() }
        return String(tag)
    }

    static func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8?
        for byte in hex.utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = byte - UInt8(ascii: "A") + 10
            default: continue
            }
            if let h = high {
                out.append(h << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return out
    }
}

extension MultipartUploadListing {
    /// Builds one page from every upload of a bucket (any order): filters by prefix and markers,
    /// sorts by key then initiation, groups by delimiter, stops at `maxUploads`.
    public static func page(of all: [MultipartUpload], request: MultipartUploadListRequest) -> MultipartUploadListing {
        let sorted = all.filter { $0.key.hasPrefix(request.prefix) }.sorted { a, b in
            if a.key != b.key { return a.key.utf8.lexicographicallyPrecedes(b.key.utf8) }
            if a.initiated != b.initiated { return a.initiated < b.initiated }
            return a.uploadID < b.uploadID
        }
        var remaining = sorted[...]
        if let marker = request.keyMarker, !marker.isEmpty {
            let sameKey = remaining.filter { $0.key == marker }
            var keep: [MultipartUpload] = []
            if let idMarker = request.uploadIDMarker, !idMarker.isEmpty {
                if let position = sameKey.firstIndex(where: { $0.uploadID == idMarker }) {
                    keep = Array(sameKey[sameKey.index(after: position)...])
                } else {
                    keep = sameKey.filter { $0.uploadID > idMarker }
                }
            }
            remaining = (keep + remaining.filter { marker.utf8.lexicographicallyPrecedes($0.key.utf8) })[...]
        }
        var uploads: [MultipartUpload] = []
        var prefixes: [String] = []
        var truncated = false
        var nextKey: String?
        var nextID: String?
        let limit = Swift.max(0, request.maxUploads)
        for upload in remaining {
            let common = ObjectListing.commonPrefix(of: upload.key, prefix: request.prefix, delimiter: request.delimiter)
            if let common, common == prefixes.last { continue }
            if let common, let marker = request.keyMarker, !marker.utf8.lexicographicallyPrecedes(common.utf8) { continue }
            if uploads.count + prefixes.count >= limit {
                truncated = true
                break
            }
            if let common {
                prefixes.append(common)
                nextKey = common
                nextID = nil
            } else {
                uploads.append(upload)
                nextKey = upload.key
                nextID = upload.uploadID
            }
        }
        return MultipartUploadListing(
            uploads: uploads, commonPrefixes: prefixes, isTruncated: truncated, nextKeyMarker: truncated ? nextKey : nil,
            nextUploadIDMarker: truncated ? nextID : nil)
    }
}
