import Foundation
import Hummingbird
import ObjectStorage

// MARK: - ListObjects (v1) and ListObjectsV2

extension S3Operations {
    /// `GET /bucket` (ListObjects) and `GET /bucket?list-type=2` (ListObjectsV2).
    ///
    /// With `encoding-type=url` (botocore asks for it and decodes the answer) keys, prefixes,
    /// delimiters, markers and start-after are percent-encoded, except v1's `Prefix`, which
    /// botocore does not decode. V2's continuation token is the base64 of the last key or common
    /// prefix returned; v1 gives `NextMarker` only with a delimiter, as S3 does (without one, the
    /// last key is the marker).
    func listObjects(_ bucket: String, query: S3Query) async throws -> Response {
        let isV2: Bool
        switch query["list-type"] {
        case nil: isV2 = false
        case "2": isV2 = true
        case let other?: throw S3Error.invalidArgument("Invalid List Type specified in Request", name: "list-type", value: other)
        }
        let encode = try Self.urlEncoding(query)
        let maxKeys = try Self.maxKeys(query)
        let prefix = query["prefix"] ?? ""
        let delimiter = query["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        let continuationToken = isV2 ? query["continuation-token"] : nil
        var startAfter: String?
        if let continuationToken {
            guard let data = Data(base64Encoded: continuationToken), let key = String(data: data, encoding: .utf8) else {
                throw S3Error.invalidArgument(
                    "The continuation token provided is incorrect", name: "continuation-token", value: continuationToken)
            }
            startAfter = key
        } else {
            startAfter = (isV2 ? query["start-after"] : query["marker"]).flatMap { $0.isEmpty ? nil : $0 }
        }
        let page = try await objects.listObjects(
            ObjectListRequest(bucket: bucket, prefix: prefix, delimiter: delimiter, startAfter: startAfter, maxKeys: maxKeys))

        func text(_ value: String) -> String { encode ? S3Text.urlEncode(value) : value }
        var xml = S3XML(root: "ListBucketResult")
        xml.element("Name", bucket)
        xml.element("Prefix", isV2 ? text(prefix) : prefix)
        if isV2 {
            xml.element("ContinuationToken", ifPresent: continuationToken)
            if let after = query["start-after"], continuationToken == nil { xml.element("StartAfter", text(after)) }
            xml.element("KeyCount", String(page.objects.count + page.commonPrefixes.count))
        } else {
            xml.element("Marker", text(query["marker"] ?? ""))
        }
        xml.element("MaxKeys", String(maxKeys))
        if let delimiter { xml.element("Delimiter", text(delimiter)) }
        if encode { xml.element("EncodingType", "url") }
        xml.element("IsTruncated", page.isTruncated ? "true" : "false")
        if page.isTruncated, let last = page.lastReturned {
            if isV2 {
                xml.element("NextContinuationToken", Data(last.utf8).base64EncodedString())
            } else if delimiter != nil {
                xml.element("NextMarker", text(last))
            }
        }
        let withOwner = !isV2 || query["fetch-owner"] == "true"
        for object in page.objects {
            xml.open("Contents")
            xml.element("Key", text(object.key))
            xml.element("LastModified", S3Text.iso8601(object.lastModified))
            xml.element("ETag", "\"\(object.etag)\"")
            xml.element("Size", String(object.size))
            if withOwner { writeOwner(&xml) }
            xml.element("StorageClass", object.storageClass)
            xml.close("Contents")
        }
        for common in page.commonPrefixes {
            xml.open("CommonPrefixes")
            xml.element("Prefix", text(common))
            xml.close("CommonPrefixes")
        }
        return Self.xmlResponse(xml.finished(closing: "ListBucketResult"))
    }

    /// Whether `encoding-type=url` asks for percent-encoded keys; `InvalidArgument` for another encoding.
    static func urlEncoding(_ query: S3Query) throws -> Bool {
        switch query["encoding-type"] {
        case nil: return false
        case let value? where value.lowercased() == "url": return true
        case let other?:
            throw S3Error.invalidArgument("Invalid Encoding Method specified in Request", name: "encoding-type", value: other)
        }
    }

    /// A listing's `max-keys` (1000 at most, and by default).
    static func maxKeys(_ query: S3Query) throws -> Int {
        guard let text = query["max-keys"] else { return 1000 }
        guard let value = Int(text), value >= 0 else {
            throw S3Error.invalidArgument("Provided max-keys not an integer or within integer range", name: "max-keys", value: text)
        }
        return min(value, 1000)
    }
}
