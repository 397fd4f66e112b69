import Foundation
import HTTPTypes
import Hummingbird
import ObjectStorage

// MARK: - GetObjectAttributes

extension S3Operations {
    /// The attributes GetObjectAttributes can be asked for.
    static let objectAttributeNames: Set<String> = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]

    /// `GET /bucket/key?attributes` with `x-amz-object-attributes: ETag,ObjectSize,…`: the
    /// attributes asked for; `ObjectParts` (with `x-amz-max-parts` and `x-amz-part-number-marker`)
    /// for an object completed from a multipart upload. `Checksum` is never known: the stores do
    /// not keep the checksums uploads were verified with.
    func objectAttributes(_ bucket: String, _ key: String, query: S3Query, request: Request) async throws -> Response {
        let names = Set(
            (request.headers[S3Header.objectAttributes] ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty })
        guard !names.isEmpty else {
            throw S3Error.invalidArgument(
                "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty",
                name: "x-amz-object-attributes")
        }
        if let unknown = names.subtracting(Self.objectAttributeNames).sorted().first {
            throw S3Error.invalidArgument("Invalid attribute name specified.", name: "x-amz-object-attributes", value: unknown)
        }
        let maxParts = try Self.count(request.headers[S3Header.maxParts], name: "x-amz-max-parts")
        let marker = try Self.count(request.headers[S3Header.partNumberMarker], name: "x-amz-part-number-marker", default: 0)
        let attributes = try await objects.objectAttributes(bucket: bucket, key: key, versionId: query["versionId"])
        let info = attributes.info

        var xml = S3XML(root: "GetObjectAttributesResponse")
        if names.contains("ETag") { xml.element("ETag", info.etag) }
        if names.contains("ObjectParts"), let count = attributes.partCount {
            xml.open("ObjectParts")
            xml.element("PartsCount", String(count))
            if !attributes.partSizes.isEmpty {
                let listed = attributes.partSizes.enumerated().map { ($0.offset + 1, $0.element) }.filter { $0.0 > marker }
                let page = listed.prefix(maxParts)
                xml.element("PartNumberMarker", String(marker))
                xml.element("NextPartNumberMarker", String(page.last?.0 ?? marker))
                xml.element("MaxParts", String(maxParts))
                xml.element("IsTruncated", listed.count > page.count ? "true" : "false")
                for (number, size) in page {
                    xml.open("Part")
                    xml.element("PartNumber", String(number))
                    xml.element("Size", String(size))
                    xml.close("Part")
                }
            }
            xml.close("ObjectParts")
        }
        if names.contains("StorageClass") { xml.element("StorageClass", info.storageClass) }
        if names.contains("ObjectSize") { xml.element("ObjectSize", String(info.size)) }
        var response = Self.xmlResponse(xml.finished(closing: "GetObjectAttributesResponse"))
        response.headers[.lastModified] = S3Text.httpDate(info.lastModified)
        if let versionId = info.versionId { response.headers[S3Header.versionID] = versionId }
        return response
    }
}
